"""Recommendations and management decisions tracked to execution: who they are addressed to, what their deadline
means, and the справка section «Исполнение рекомендаций и управленческих решений предыдущего периода».

Plain Python: the Django side (shnor.actions) stores the records; this module reads their text and counts them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from .periods import parse_period
from .russian import agree, format_date

# Addressee kinds, in the order the справка lists them.
MUNICIPALITY = "municipality"  # the ОМСУ (education body) of a named municipality, or of every municipality
SCHOOLS = "schools"  # named schools
ALL_SCHOOLS = "all_schools"  # every ШНОР school of a municipality or of the region
CURATORS = "curators"
CNPPM = "cnppm"
REGIONAL = "regional"  # the regional coordinator
ADDRESSEE_KINDS = {
    MUNICIPALITY: "орган местного самоуправления в сфере образования",
    SCHOOLS: "образовательные организации",
    ALL_SCHOOLS: "все школы ШНОР",
    CURATORS: "кураторы школ",
    CNPPM: "ЦНППМ",
    REGIONAL: "региональный координатор",
}

NOT_STARTED, IN_PROGRESS, DONE, NOT_DONE, CANCELLED = "not_started", "in_progress", "done", "not_done", "cancelled"
STATUSES = {NOT_STARTED: "не начато", IN_PROGRESS: "в работе", DONE: "выполнено", NOT_DONE: "не выполнено", CANCELLED: "отменено"}
OPEN_STATUSES = (NOT_STARTED, IN_PROGRESS)

# The addressee named first wins: «кураторам школ» is for the curators, «руководителям ОО совместно с кураторами» for the schools.
_ADDRESSEE_PATTERNS = [
    (CNPPM, re.compile(r"цнппм|центр\w* непрерывного повышения", re.I)),
    (MUNICIPALITY, re.compile(r"местного самоуправления|\bомсу\b|муниципальн\w+ орган|орган\w* управления образованием|"
                              r"отдел\w* образования|управлени\w* образования|муниципальн\w+ координатор", re.I)),
    (REGIONAL, re.compile(r"региональн\w+ координатор", re.I)),
    (SCHOOLS, re.compile(r"образовательн\w+ организац|\bОО\b|школ|руководител", re.I)),
    (CURATORS, re.compile(r"куратор", re.I)),
]


def addressee_kind(text: str) -> str:
    """The kind of addressee an addressee or «ответственный» cell names; the regional coordinator when none is named
    (a справка's decision without a named addressee is the coordinator's own)."""
    found = [(m.start(), kind) for kind, pattern in _ADDRESSEE_PATTERNS if (m := pattern.search(text or ""))]
    return min(found)[1] if found else REGIONAL


@dataclass(frozen=True)
class Deadline:
    text: str
    deadline: date | None = None  # «до 01.12.2021»
    starts_on: date | None = None  # «с 1 сентября 2021 г.»
    standing: bool = False  # «постоянно», «в течение года»: never overdue


def read_deadline(text: str, context: date | None = None) -> Deadline:
    """What a deadline cell means: a date to be done by, a start date, a standing obligation, or nothing known."""
    text = (text or "").strip()
    if not text:
        return Deadline(text)
    period = parse_period(text, context)
    if period.kind == "recurring" or re.search(r"в течение (всего )?(учебного |календарного )?года|постоянн", text, re.I):
        return Deadline(text, standing=True)
    if period.kind == "from":
        return Deadline(text, starts_on=period.start)
    if period.kind in ("until", "date"):
        return Deadline(text, deadline=period.end)
    if period.kind == "range":
        return Deadline(text, deadline=period.end)
    return Deadline(text)


def is_overdue(status: str, deadline: date | None, standing: bool, on: date) -> bool:
    """Open past its deadline. A standing obligation or a start date is never overdue."""
    return status in OPEN_STATUSES and not standing and deadline is not None and deadline < on


def status_label(status: str, deadline: date | None, standing: bool, on: date) -> str:
    label = STATUSES.get(status, status)
    return f"{label}, срок истёк" if is_overdue(status, deadline, standing, on) else label


# ---------------------------------------------------------------------------------------------------------
# The справка section
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    """One recommendation or decision of the previous period as the section needs it."""

    kind: str  # "recommendation" | "decision"
    text: str
    addressee: str  # as written: «Органу местного самоуправления в сфере образования (Рогнединский район)»
    deadline_text: str
    status: str
    deadline: date | None = None
    standing: bool = False
    note: str = ""


@dataclass
class Overdue:
    """One addressee's items past their deadline. A record, not a dict: templates write `x.items`, which on a dict
    is its method."""

    addressee: str
    items: list[dict]  # text, deadline, kind


@dataclass
class Execution:
    lead: str
    counts: list[dict]  # status label, number: every status with at least one item
    overdue: list[Overdue]
    items: list[dict] = field(default_factory=list)  # text, addressee, deadline, status, note, kind


TITLE = "Исполнение рекомендаций и управленческих решений предыдущего периода"


def execution(items: list[Item], on: date) -> Execution:
    """The section: how many of the previous period's items are in each status, and the overdue ones by addressee."""
    items = [i for i in items if i.status != CANCELLED]
    if not items:
        return Execution("", [], [])
    counts = [{"status": STATUSES[s], "number": n} for s in (DONE, IN_PROGRESS, NOT_STARTED, NOT_DONE)
              if (n := sum(1 for i in items if i.status == s))]
    late = [i for i in items if is_overdue(i.status, i.deadline, i.standing, on)]
    by_addressee: dict[str, list[Item]] = {}
    for i in late:
        by_addressee.setdefault(i.addressee or "адресат не указан", []).append(i)
    overdue = [Overdue(who, [{"text": i.text, "deadline": i.deadline_text, "kind": i.kind} for i in rows])
               for who, rows in by_addressee.items()]
    recs = sum(1 for i in items if i.kind == "recommendation")
    decisions = len(items) - recs
    parts = [agree(n, w) for n, w in ((recs, "рекомендация"), (decisions, "управленческое решение")) if n]
    done = sum(1 for i in items if i.status == DONE)
    lead = f"По итогам предыдущего периода — {' и '.join(parts)}; на {format_date(on)} выполнено {done} из {len(items)}"
    lead += f", срок истёк у {len(late)}." if late else "."
    rows = [{"kind": i.kind, "text": i.text, "addressee": i.addressee, "deadline": i.deadline_text or "—",
             "status": status_label(i.status, i.deadline, i.standing, on), "note": i.note} for i in items]
    return Execution(lead, counts, overdue, rows)
