"""The plan-vs-actual report («Отчёт о реализации дорожной карты»): content and its DOCX, HTML and PDF.

The content is built from plain rows (`Activity`, one per planned or unplanned activity of a school's report) by
`build`; the database side is shnor.analysis.documents. The DOCX is the справка's engine (docx.render) with this
kind's own default template (templates/plan-vs-actual.docx, made by build_template.build_plan_vs_actual), which a
region may replace keeping the variables listed in VARIABLES.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import Decimal

from ..russian import agree, count_share, format_date, format_decimal
from .kinds import renderers

NO_SECTION = "Мероприятия дорожной карты"
UNPLANNED = "Мероприятия, не предусмотренные дорожной картой"
# Status codes of monitoring.ReportEntry and how the report words them.
STATUS_TEXT = {"done": "выполнено", "partial": "выполнено частично", "not_done": "не выполнено", "postponed": "перенесено", "": "не отмечено"}
NOT_DONE = ("partial", "not_done", "postponed")

VARIABLES = {
    "title, subtitle, date_text": "заголовок, подзаголовок (кампания и период) и дата отчёта",
    "scope_name, region": "школа или муниципалитет, регион",
    "schools": "школы: name, municipality, sections (title, rows: number, title, deadline, responsible, expected, "
               "actual, status, evidence, reason)",
    "efficiency": "«Анализ эффективности»: строки с числом выполненных, частично и не выполненных мероприятий",
    "reasons": "причины невыполнения: reason, count, activities",
    "unplanned_lines": "мероприятия, не предусмотренные дорожной картой (список строк)",
    "indicators": "показатели: name, before, after, change",
    "author_name, author_position": "автор и его должность",
}


@dataclass
class Activity:
    """One entry of a school's report as the document shows it."""

    school: str
    municipality: str
    section: str
    number: str
    title: str
    deadline: str
    responsible: str
    expected: str
    actual: str
    status: str  # a ReportEntry status code
    evidence: list[str]
    reason: str
    planned: bool
    direction: str = ""  # the name of its direction in the campaign's framework (the note groups by it)
    school_id: int = 0  # tells apart schools of one name (a region's reports one per school)


@dataclass
class IndicatorChange:
    name: str
    unit: str
    before: Decimal | None
    after: Decimal | None


@dataclass
class Row:
    number: str
    title: str
    deadline: str
    responsible: str
    expected: str
    actual: str
    status: str
    evidence: str
    reason: str


@dataclass
class Section:
    title: str
    rows: list[Row]


@dataclass
class SchoolPart:
    name: str
    municipality: str
    sections: list[Section]


@dataclass
class PlanVsActual:
    title: str
    subtitle: str
    date_text: str
    scope_name: str
    region: str
    schools: list[SchoolPart]
    efficiency: list[str]
    reasons: list[dict]
    unplanned_lines: list[str]
    indicators: list[dict]
    author_name: str = ""
    author_position: str = ""
    counts: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return asdict(self)


def _row(a: Activity) -> Row:
    return Row(a.number, a.title, a.deadline, a.responsible, a.expected, a.actual, STATUS_TEXT.get(a.status, a.status),
               "; ".join(a.evidence), a.reason if a.status in NOT_DONE else "")


def _parts(activities: list[Activity]) -> list[SchoolPart]:
    """Schools in the order given, each with its sections in plan order and the unplanned activities last. A school
    with no planned activity at all (its roadmap is not in the system) shows its report's rows in the sections the
    document it came from has."""
    parts: dict[str, SchoolPart] = {}
    with_plan = {a.school for a in activities if a.planned}
    for a in activities:
        part = parts.setdefault(a.school, SchoolPart(a.school, a.municipality, []))
        if a.planned:
            title = a.section or NO_SECTION
        else:
            title = UNPLANNED if a.school in with_plan else a.section or UNPLANNED
        if not part.sections or part.sections[-1].title != title:
            part.sections.append(Section(title, []))
        part.sections[-1].rows.append(_row(a))
    return list(parts.values())


def _change(c: IndicatorChange) -> str:
    if c.before is None or c.after is None:
        return "нет данных для сравнения"
    delta = c.after - c.before
    if delta == 0:
        return "не изменился"
    unit = " п.п." if c.unit == "%" else f" {c.unit}" if c.unit else ""
    return f"{'выше' if delta > 0 else 'ниже'} на {format_decimal(abs(delta))}{unit}"


def _value(v: Decimal | None, unit: str) -> str:
    return "—" if v is None else f"{format_decimal(v)} {unit}".strip()


def build(activities: list[Activity], indicators: list[IndicatorChange], *, scope_name: str, region: str, campaign_title: str,
          period: str, on: date, author_name: str = "", author_position: str = "") -> PlanVsActual:
    planned = [a for a in activities if a.planned]
    counts = Counter(a.status for a in planned)
    total = len(planned)
    schools = len({a.school for a in activities})
    efficiency = []
    if total:
        efficiency.append(f"Запланировано на период {agree(total, 'мероприятие')}" + (f" ({agree(schools, 'школа')})" if schools > 1 else "") + ":")
        for code, label in (("done", "выполнено"), ("partial", "выполнено частично"), ("not_done", "не выполнено"),
                            ("postponed", "перенесено"), ("", "не отмечено")):
            if counts[code] or code in ("done", "not_done"):
                efficiency.append(f"{label} — {count_share(counts[code], total)}")
    else:
        efficiency.append("На период в дорожной карте нет запланированных мероприятий.")
    reasons: dict[str, list[str]] = {}
    for a in planned:
        if a.status in NOT_DONE:
            reasons.setdefault(a.reason.strip() or "причина не указана", []).append(a.title if schools == 1 else f"{a.title} ({a.school})")
    unplanned = [a for a in activities if not a.planned]
    unplanned_lines = [f"{a.title}{'' if schools == 1 else f' ({a.school})'}: {STATUS_TEXT.get(a.status, a.status)}" for a in unplanned]
    return PlanVsActual(
        title="Отчёт о реализации дорожной карты",
        subtitle=f"{scope_name}, {campaign_title} ({period})",
        date_text=format_date(on),
        scope_name=scope_name,
        region=region,
        schools=_parts(activities),
        efficiency=efficiency,
        reasons=[{"reason": r, "count": agree(len(items), "мероприятие"), "activities": "; ".join(items)}
                 for r, items in sorted(reasons.items(), key=lambda kv: (-len(kv[1]), kv[0]))],
        unplanned_lines=unplanned_lines,
        indicators=[{"name": c.name, "before": _value(c.before, c.unit), "after": _value(c.after, c.unit), "change": _change(c)}
                    for c in indicators],
        author_name=author_name,
        author_position=author_position,
        counts={"total": total, **{k or "unmarked": v for k, v in counts.items()}, "unplanned": len(unplanned)},
    )


RENDERERS = renderers("plan-vs-actual")
