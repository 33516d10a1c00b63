"""Findings: named rules that turn an `Analysis` into conclusions, remarks, management decisions and addressed
recommendations in Russian, each carrying the numbers it was made from.

Every rule is a function registered in `RULES` under its name, with its kind and a one-line statement of when it
fires; the thresholds are the constants below. A rule returns zero or more `SpravkaItem`s; `generate` runs them all
in the order of the справка. Texts start with a lower-case letter and carry no final punctuation: the справка
numbers them «1) …;» as coordinators write them.

Thresholds
----------
* ACTIVE_TYPE_SHARE, ACTIVE_TYPES_MIN — a direction is «активная» when at least 2 of its activity types are done
  by 75 % of the schools or more.
* INDIVIDUAL_SHARE — individual work with pupils or parents is «большое внимание» from 50 % of the schools.
* KEY_PRACTICE_SHARE — a key practice (ВСОКО; psychological support of teachers and pupils) done by fewer than
  50 % of the schools gives a remark and, with the others, a decision on practicums by the ЦНППМ.
* DYNAMICS_MIN_CHANGE — an activity type enters the dynamics conclusion when its number of schools changed by 2
  or more; at most DYNAMICS_MAX_ITEMS types each way, the largest changes first.
* Lagging schools, systemic work and the dominance of traditional forms: see core/analysis.py.
* NAMES_INLINE, NAMES_SHOWN — a finding names at most 15 schools; a longer list is cut to its first 5 and the count of
  the others («… и ещё 1 234 школы — см. приложение»), and the справка's appendix lists every school concerned with
  what applies to it (`appendix_notes`).
* Deadlines: roadmaps are corrected from the start of the next academic year (1 September) when the period ends
  in January–August, else from 1 January; the ЦНППМ practicums start a month later; the next report is due by
  the next campaign's due date when it is known, else by the 1st of the sixth month after the period ends.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import Decimal

from .analysis import SYSTEMIC_RULES, Analysis, LaggingSchool
from .needs import describe as describe_need
from .needs import fully_addressed
from .russian import NBSP, agree, count_share, format_date, format_decimal, format_delta, inflect, percent

ACTIVE_TYPE_SHARE = Decimal(75)
ACTIVE_TYPES_MIN = 2
INDIVIDUAL_SHARE = Decimal(50)
KEY_PRACTICE_SHARE = Decimal(50)
DYNAMICS_MIN_CHANGE = 2
DYNAMICS_MAX_ITEMS = 5
NAMES_INLINE = 15
NAMES_SHOWN = 5
APPENDIX = "приложение"  # the appendix of the справка that lists the schools of long lists

KINDS = ("conclusion", "remark", "decision", "recommendation")
KIND_TITLES = {
    "conclusion": "Выводы",
    "remark": "Замечания",
    "decision": "Управленческие решения",
    "recommendation": "Адресные рекомендации",
}


@dataclass
class SpravkaItem:
    """One numbered item of the справка's conclusions, remarks, decisions or recommendations, as plain data: what a
    rule drew from the numbers (or a coordinator added). analysis.Finding stores it, editable; what a document
    itself states is a `core.reading.Statement`."""

    kind: str  # one of KINDS
    rule: str  # "" for a finding added by hand
    key: str  # tells apart findings of one rule (a direction, a municipality…)
    text: str
    data: dict = field(default_factory=dict)  # the numbers behind the text
    addressee: str = ""  # recommendations: to whom
    responsible: str = ""  # decisions: who
    deadline_text: str = ""  # decisions: by when, as written
    deadline: date | None = None
    school_ids: list[int] = field(default_factory=list)

    def as_dict(self) -> dict:
        d = asdict(self)
        d["deadline"] = self.deadline.isoformat() if self.deadline else None
        return d


@dataclass
class Context:
    author: str = ""  # the coordinator who signs: named in the decision on individual help
    next_due: date | None = None  # the next campaign's due date, when it exists
    centre: str = "ЦНППМ"  # who runs practicums for heads of schools
    level: str = "region"  # whose справка: "region", "municipality" or "school"; decisions go to the bodies of that level

    @property
    def helper(self) -> tuple[str, str]:
        """(dative, nominative) of who organises individual help: the regional coordinator, or in a municipality's
        справка its methodical centre and the schools' curators."""
        if self.level == "region":
            return (f"региональному координатору ({self.author})" if self.author else "региональному координатору",
                    self.author or "региональный координатор")
        return "муниципальному методическому центру (МОЦ) и кураторам школ", "МОЦ, кураторы школ"


@dataclass(frozen=True)
class KeyPractice:
    code: str
    remark: str  # the remark's lead
    topic: str  # «по вопросам …» in the ЦНППМ decision (genitive)
    groups: tuple[frozenset[str], ...]  # a school needs a done type of every group


KEY_PRACTICES = (
    KeyPractice("vsoko", "необходимо выстроить ВСОКО в ОО", "формирования ВСОКО", (frozenset({"quality_monitoring"}),)),
    KeyPractice(
        "psych_support",
        "планировать работу по психолого-педагогическому сопровождению учителей и обучающихся",
        "обеспечения психолого-педагогического сопровождения учителей и обучающихся",
        (frozenset({"teacher_psych_support"}), frozenset({"student_psych_support"})),
    ),
)
INDIVIDUAL_TYPES = {"individual_work": "обучающимися", "parent_consultations": "родителями"}
SYSTEMIC_TEXT = {
    "monitoring_decisions": "принятие управленческих решений на основе результатов мониторинга в системе ведётся {where}",
    "psych_support": "системная работа по обеспечению психолого-педагогического сопровождения учителей и обучающихся ведётся {where}",
}
SYSTEMIC_SHARE_TEXT = {
    "monitoring_decisions": "опыт принятия управленческих решений на основе результатов мониторинга",
    "psych_support": "опыт психолого-педагогического сопровождения учителей и обучающихся",
}


Rule = Callable[[Analysis, Context], list[SpravkaItem]]
RULES: dict[str, tuple[str, str, Rule]] = {}  # name → (kind, when it fires, function)


def rule(name: str, kind: str, fires: str):
    def register(fn: Rule) -> Rule:
        RULES[name] = (kind, fires, fn)
        return fn

    return register


def generate(analysis: Analysis, context: Context | None = None) -> list[SpravkaItem]:
    """All findings, grouped by kind in the order of KINDS, each kind in the order of RULES."""
    context = context or Context()
    found: list[SpravkaItem] = []
    if not analysis.reported:
        return found  # nothing to conclude from: the справка says so itself
    for _name, (_kind, _fires, fn) in RULES.items():
        found.extend(fn(analysis, context))
    return sorted(found, key=lambda f: KINDS.index(f.kind))  # stable: keeps rule order within a kind


# ---------------------------------------------------------------------------------------------------------
# Russian helpers
# ---------------------------------------------------------------------------------------------------------


def count_in(n: int, word: str, case: str) -> str:
    """A number with its noun in an oblique case: («в») 1 школе, 2 школах, 21 школе; («из») 16 школ."""
    if case in ("nomn", "accs"):
        return agree(n, word)
    number = "sing" if n % 10 == 1 and n % 100 != 11 else "plur"
    return f"{format_decimal(n, 0)}{NBSP}{inflect(word, case, number)}"


def verb(n: int, one: str, many: str) -> str:
    """The verb agreeing with a counted subject: «отстаёт 1 школа», «отстают 2 школы»."""
    return one if n % 10 == 1 and n % 100 != 11 else many


def lower_first(text: str) -> str:
    """«Курсы повышения…» → «курсы повышения…», but «ВСОКО» and «РМО» stay."""
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        return text[0].lower() + text[1:]
    return text


def names(analysis: Analysis, ids: Iterable[int]) -> str:
    return ", ".join(analysis.names(ids))


def in_appendix(ids: list[int]) -> bool:
    """Too many schools to name in the text: the first ones are named, all are listed in the appendix."""
    return len(ids) > NAMES_INLINE


def listed(analysis: Analysis, ids: list[int], case: str = "nomn", addressee: bool = False) -> str:
    """«A, B, C»; beyond NAMES_INLINE schools «A, B, C, D, E и ещё 1 234 школы — см. приложение», the others counted
    in `case`; in an addressee, which a colon follows, the reference goes in brackets."""
    if not in_appendix(ids):
        return names(analysis, ids)
    rest = f"{names(analysis, ids[:NAMES_SHOWN])} и ещё {count_in(len(ids) - NAMES_SHOWN, 'школа', case)}"
    return f"{rest} (см. {APPENDIX})" if addressee else f"{rest} — см. {APPENDIX}"


def where(analysis: Analysis, ids: list[int]) -> str:
    """«в МБОУ «Пацынская СОШ»», «в 2 школах: A, B» or «в 1 234 школах: A, B, C, D, E и ещё в 1 229 школах — см. приложение»."""
    if len(ids) == 1:
        return "в " + inflect(analysis.school(ids[0]).name, "loct")
    if in_appendix(ids):
        return (f"в {count_in(len(ids), 'школа', 'loct')}: {names(analysis, ids[:NAMES_SHOWN])} и ещё в "
                f"{count_in(len(ids) - NAMES_SHOWN, 'школа', 'loct')} — см. {APPENDIX}")
    return f"в {count_in(len(ids), 'школа', 'loct')}: {names(analysis, ids)}"


def with_appendix(data: dict, ids: list[int], label: str) -> dict:
    """The finding's numbers, and when its schools go to the appendix, what the appendix says of each («не представлен отчёт»)."""
    return {**data, "appendix": label} if in_appendix(ids) else data


# Per school details of an appendix line, by rule: {school id: detail}.
APPENDIX_DETAILS: dict[str, Callable[[Analysis], dict[int, str]]] = {}


def appendix_notes(analysis: Analysis, finding: SpravkaItem) -> Iterator[tuple[int, str]]:
    """(school, what the finding says of it) for each school of a finding whose list went to the appendix."""
    label = finding.data.get("appendix")
    if not label:
        return
    details = APPENDIX_DETAILS[finding.rule](analysis) if finding.rule in APPENDIX_DETAILS else {}
    for school_id in finding.school_ids:
        detail = details.get(school_id)
        yield school_id, f"{label}: {detail}" if detail else label


def of_total(n: int, total: int) -> str:
    """«3 из 16 школ (18,8 %)»"""
    pct = percent(n, total)
    share = f" ({format_decimal(pct)}{NBSP}%)" if pct is not None else ""
    return f"{format_decimal(n, 0)} из {count_in(total, 'школа', 'gent')}{share}"


def type_line(analysis: Analysis, code: str) -> str:
    """«курсы повышения квалификации педагогов — 16 (100 %)»"""
    return f"{lower_first(analysis.type_name(code))} — {count_share(len(analysis.type_schools(code)), analysis.schools_total)}"


def practice_schools(analysis: Analysis, practice: KeyPractice) -> list[int]:
    return [p.school.id for p in analysis.profiles if all(p.types_done & g for g in practice.groups)]


def key_practice_gaps(analysis: Analysis) -> list[tuple[KeyPractice, list[int]]]:
    """Key practices done by fewer than KEY_PRACTICE_SHARE % of the schools, when the framework has their types."""
    known = {t.code for t in analysis.data.types}
    gaps = []
    for practice in KEY_PRACTICES:
        if not all(g & known for g in practice.groups):
            continue
        ids = practice_schools(analysis, practice)
        share = percent(len(ids), analysis.schools_total)
        if share is not None and share < KEY_PRACTICE_SHARE:
            gaps.append((practice, ids))
    return gaps


def reported_lagging(analysis: Analysis) -> list[LaggingSchool]:
    return [lag for lag in analysis.lagging if "no_report" not in lag.reasons]


def correction_start(period_end: date | None) -> date | None:
    if period_end is None:
        return None
    if period_end.month <= 8:
        return date(period_end.year, 9, 1)
    return date(period_end.year + 1, 1, 1)


def next_report_due(period_end: date | None, next_due: date | None) -> date | None:
    if next_due is not None:
        return next_due
    if period_end is None:
        return None
    month = period_end.month + 6
    return date(period_end.year + (month - 1) // 12, (month - 1) % 12 + 1, 1)


# ---------------------------------------------------------------------------------------------------------
# Conclusions
# ---------------------------------------------------------------------------------------------------------


@rule("reports_and_completion", "conclusion", "always, when at least one school has a counted report")
def reports_and_completion(a: Analysis, c: Context) -> list[SpravkaItem]:
    total, reported = a.schools_total, len(a.reported)
    if total == 1 and reported == 1:  # a school's own справка: no «1 (100 %)»
        parts = ["отчёт, заверенный руководителем ОО и куратором, представлен"]
    elif reported == total:
        parts = [f"отчёты, заверенные руководителем ОО и куратором, представили все школы: {count_share(reported, total)}"]
    else:
        parts = [f"отчёты, заверенные руководителем ОО и куратором, представили {of_total(reported, total)}"]
    planned = sum(p.planned for p in a.profiles)
    planned_done = sum(p.planned_done for p in a.profiles)
    unplanned = sum(p.unplanned_done for p in a.profiles)
    done = sum(p.done for p in a.profiles)
    with_evidence = done - sum(p.without_evidence for p in a.profiles)
    completion = percent(planned_done, planned)
    if planned:
        lead = ""
        if completion is not None and completion == 100:
            lead = "мероприятия дорожных карт выполняются в установленные сроки в полном объёме: "
        elif completion is not None and completion >= 90:
            lead = "мероприятия дорожных карт в основном выполняются в установленные сроки: "
        parts.append(f"{lead}выполнено {format_decimal(planned_done, 0)} из {count_in(planned, 'запланированное мероприятие', 'gent')}"
                     f" ({format_decimal(completion)}{NBSP}%)")
    if unplanned:
        parts.append(f"сверх плана проведено ещё {agree(unplanned, 'мероприятие')}")
    if done:
        parts.append(f"выполнение подтверждено документами (приказы, протоколы, ссылки на сайты школ) по {format_decimal(with_evidence, 0)} из "
                     f"{count_in(done, 'выполненное мероприятие', 'gent')} ({format_decimal(percent(with_evidence, done))}{NBSP}%)")
    data = {"schools": total, "reported": reported, "planned": planned, "planned_done": planned_done,
            "unplanned_done": unplanned, "done": done, "with_evidence": with_evidence}
    return [SpravkaItem("conclusion", "reports_and_completion", "", "; ".join(parts), data)]


@rule("active_direction", "conclusion", f"a direction with ≥ {ACTIVE_TYPES_MIN} activity types done by ≥ {ACTIVE_TYPE_SHARE} % of schools")
def active_direction(a: Analysis, c: Context) -> list[SpravkaItem]:
    found = []
    for d in a.analysed:
        strong = [r for r in a.coverage.type_rows(d.code) if r.percent is not None and r.percent >= ACTIVE_TYPE_SHARE]
        if len(strong) < ACTIVE_TYPES_MIN:
            continue
        strong.sort(key=lambda r: -r.schools)
        lines = ", ".join(f"{lower_first(r.name)} — {r.label}" for r in strong)
        text = f"активно ведётся работа по направлению «{lower_first(d.name)}»: {lines}"
        found.append(SpravkaItem("conclusion", "active_direction", d.code, text,
                             {"direction": d.code, "types": {r.activity_type: r.schools for r in strong}, "schools_total": a.schools_total}))
    return found


@rule("individual_approach", "conclusion", f"individual work with pupils or parents done by ≥ {INDIVIDUAL_SHARE} % of schools")
def individual_approach(a: Analysis, c: Context) -> list[SpravkaItem]:
    hits = []
    for code, whom in INDIVIDUAL_TYPES.items():
        row = a.coverage.row_for_type(code)
        if row is not None and row.percent is not None and row.percent >= INDIVIDUAL_SHARE:
            hits.append((code, whom, row))
    if not hits:
        return []
    whom = " и ".join(w for _, w, _ in hits)
    lines = ", ".join(f"{lower_first(r.name)} — {r.label}" for _, _, r in hits)
    return [SpravkaItem("conclusion", "individual_approach", "", f"большое внимание уделяется индивидуальному подходу в работе с {whom}: {lines}",
                    {code: row.schools for code, _, row in hits} | {"schools_total": a.schools_total})]


@rule("systemic_work", "conclusion", "a school did a type of every group of a systemic rule (core/analysis.py SYSTEMIC_RULES)")
def systemic_work(a: Analysis, c: Context) -> list[SpravkaItem]:
    found = []
    for r in SYSTEMIC_RULES:
        ids = a.systemic.get(r.code, [])
        if not ids:
            continue
        text = SYSTEMIC_TEXT[r.code].format(where=where(a, ids))
        data = with_appendix({"rule": r.code, "schools": len(ids)}, ids, f"ведётся {r.title}")
        found.append(SpravkaItem("conclusion", "systemic_work", r.code, text, data, school_ids=ids))
    return found


@rule("forms_of_work", "conclusion", "there are done entries of traditional or interactive forms")
def forms_of_work(a: Analysis, c: Context) -> list[SpravkaItem]:
    f = a.forms
    trad, inter = f.counts.get("traditional", 0), f.counts.get("interactive", 0)
    both = trad + inter
    if not both:
        return []

    def examples(form: str) -> str:
        shown = [lower_first(n) for n in f.examples.get(form, [])[:3]]
        return f" ({'; '.join(shown)})" if shown else ""

    trad_part = f"традиционные (репродуктивные) формы{examples('traditional')} — {format_decimal(trad, 0)} из {count_in(both, 'мероприятие', 'gent')} ({format_decimal(percent(trad, both))}{NBSP}%)"
    # «19 мероприятий (23,5 %)», never «19 (23,5 %)»: that form is kept for shares of the campaign's schools.
    inter_part = f"интерактивные и проектные формы{examples('interactive')} — {agree(inter, 'мероприятие')} ({format_decimal(percent(inter, both))}{NBSP}%)"
    if f.schools_total > 1:  # in a school's own справка, which schools apply them says nothing
        inter_part += f", их {verb(f.schools_interactive, 'применяет', 'применяют')} {of_total(f.schools_interactive, f.schools_total)}"
    # The lead names the prevailing forms only once: «преобладают традиционные (репродуктивные) формы …».
    lead = "в работе школ преобладают " if f.traditional_dominate else "традиционные и интерактивные формы работы представлены соразмерно: "
    data = {"traditional": trad, "interactive": inter, "schools_interactive": f.schools_interactive, "schools_total": f.schools_total,
            "dominate": f.traditional_dominate}
    return [SpravkaItem("conclusion", "forms_of_work", "", f"{lead}{trad_part}; {inter_part}", data)]


@rule("coverage_dynamics", "conclusion", f"a previous campaign exists and an activity type changed by ≥ {DYNAMICS_MIN_CHANGE} schools")
def coverage_dynamics(a: Analysis, c: Context) -> list[SpravkaItem]:
    d = a.dynamics
    if d is None or not d.school_ids:
        return []
    grown = sorted((t for t in d.types if t.delta >= DYNAMICS_MIN_CHANGE), key=lambda t: -t.delta)[:DYNAMICS_MAX_ITEMS]
    fallen = sorted((t for t in d.types if t.delta <= -DYNAMICS_MIN_CHANGE), key=lambda t: t.delta)[:DYNAMICS_MAX_ITEMS]
    if not grown and not fallen:
        return []
    parts = []
    if grown:
        parts.append("выросло число школ, в которых проводятся: " + ", ".join(f"{lower_first(t.name)} (с {format_decimal(t.before, 0)} до {format_decimal(t.after, 0)})" for t in grown))
    if fallen:
        parts.append("сократилось: " + ", ".join(f"{lower_first(t.name)} (с {format_decimal(t.before, 0)} до {format_decimal(t.after, 0)})" for t in fallen))
    period = f" ({d.previous_period})" if d.previous_period else ""
    text = f"по сравнению с предыдущим периодом{period}, по {count_in(len(d.school_ids), 'школа', 'datv')}, представившим отчёты в оба периода, " + "; ".join(parts)
    data = {"compared": len(d.school_ids), "grown": {t.activity_type: [t.before, t.after] for t in grown},
            "fallen": {t.activity_type: [t.before, t.after] for t in fallen}}
    return [SpravkaItem("conclusion", "coverage_dynamics", "", text, data)]


def indicator_text(ch) -> str:
    """«качество знаний (в среднем по школам) — 35,6 % → 37,1 % (+1,5 п.п.)», «неуспевающих — 43 → 32 чел. (−11)»."""
    if ch.is_percent:
        return (f"{lower_first(ch.name)} (в среднем по школам) — {format_decimal(ch.before, ch.decimals)}{NBSP}% → "
                f"{format_decimal(ch.after, ch.decimals)}{NBSP}% ({format_delta(ch.delta, 'п.п.', ch.decimals)})")
    unit = f"{NBSP}{ch.unit}" if ch.unit else ""
    return (f"{lower_first(ch.name)} (всего) — {format_decimal(ch.before, ch.decimals)} → {format_decimal(ch.after, ch.decimals)}{unit}"
            f" ({format_delta(ch.delta, '', ch.decimals)})")


@rule("indicator_dynamics", "conclusion", "a previous campaign exists and schools have indicator values in both")
def indicator_dynamics(a: Analysis, c: Context) -> list[SpravkaItem]:
    d = a.dynamics
    if d is None or not d.indicators:
        return []
    lines = "; ".join(indicator_text(ch) for ch in d.indicators)
    compared = len({s for ch in d.indicators for s, _, _ in ch.per_school})
    text = f"динамика показателей по {count_in(compared, 'школа', 'datv')} в сравнении с предыдущим периодом: {lines}"
    if d.improved or d.worsened:
        text += f"; в целом {verb(len(d.improved), 'улучшила', 'улучшили')} показатели {agree(len(d.improved), 'школа')}"
        if d.worsened:
            text += f", {verb(len(d.worsened), 'ухудшила', 'ухудшили')} — {agree(len(d.worsened), 'школа')}: {listed(a, d.worsened)}"
    data = with_appendix({"compared": compared, "improved": len(d.improved), "worsened": len(d.worsened),
                          "indicators": {ch.code: [str(ch.before), str(ch.after)] for ch in d.indicators}},
                         d.worsened, "показатели результатов ухудшились")
    return [SpravkaItem("conclusion", "indicator_dynamics", "", text, data, school_ids=d.worsened)]


# ---------------------------------------------------------------------------------------------------------
# Remarks
# ---------------------------------------------------------------------------------------------------------


@rule("needs_addressed", "conclusion", "a reported school has needs and a measure against every one of them was done in the period")
def needs_addressed(a: Analysis, c: Context) -> list[SpravkaItem]:
    reported = {s.id for s in a.reported}
    ids = [i for i in fully_addressed(a.data.needs) if i in reported]
    if not ids:
        return []
    text = f"мероприятия против каждой выявленной причины низких результатов, дефицита и риска проведены {where(a, ids)}"
    return [SpravkaItem("conclusion", "needs_addressed", "", text, with_appendix({"schools": len(ids)}, ids, "проведены меры по всем потребностям"),
                        school_ids=ids)]


@rule("missing_reports", "remark", "some schools of the campaign have no counted report")
def missing_reports(a: Analysis, c: Context) -> list[SpravkaItem]:
    missing = a.not_reported
    if not missing:
        return []
    n = len(missing)
    ids = [s.id for s in missing]
    text = (f"не {verb(n, 'представила', 'представили')} заверенные отчёты {agree(n, 'школа')} из {format_decimal(a.schools_total, 0)}: "
            f"{listed(a, ids)}")
    data = with_appendix({"missing": n, "schools_total": a.schools_total}, ids, "не представлен заверенный отчёт")
    return [SpravkaItem("remark", "missing_reports", "", text, data, school_ids=ids)]


def lag_reason(a: Analysis, lag: LaggingSchool) -> str:
    p = lag.profile
    reasons = []
    if "empty_directions" in lag.reasons:
        reasons.append(f"не ведётся работа по {len(p.empty_directions)} из {count_in(len(a.analysed), 'направление', 'gent')}")
    if p.planned:
        reasons.append(f"выполнено {p.planned_done} из {count_in(p.planned, 'запланированное мероприятие', 'gent')}")
    return "; ".join(reasons)


@rule("lagging_schools", "remark", "a reported school is lagging by the rules of core/analysis.py")
def lagging_schools(a: Analysis, c: Context) -> list[SpravkaItem]:
    lagging = reported_lagging(a)
    if not lagging:
        return []
    n = len(lagging)
    ids = [lag.profile.school.id for lag in lagging]
    shown = lagging[:NAMES_SHOWN] if in_appendix(ids) else lagging
    items = ", ".join(f"{lag.profile.school.name} ({lag_reason(a, lag)})" for lag in shown)
    if in_appendix(ids):
        items += f" и ещё {agree(n - NAMES_SHOWN, 'школа')} — см. {APPENDIX}"
    text = f"{verb(n, 'отстаёт', 'отстают')} в реализации дорожных карт {agree(n, 'школа')}: {items}"
    data = with_appendix({"lagging": n, "schools_total": a.schools_total}, ids, "отстаёт в реализации дорожной карты")
    return [SpravkaItem("remark", "lagging_schools", "", text, data, school_ids=ids)]


def _lagging_details(a: Analysis) -> dict[int, str]:
    return {lag.profile.school.id: lag_reason(a, lag) for lag in reported_lagging(a)}


APPENDIX_DETAILS["lagging_schools"] = _lagging_details


@rule("key_practice_gap", "remark", f"a key practice (ВСОКО, psychological support) is done by < {KEY_PRACTICE_SHARE} % of schools")
def key_practice_gap(a: Analysis, c: Context) -> list[SpravkaItem]:
    found = []
    for practice, ids in key_practice_gaps(a):
        codes = [code for group in practice.groups for code in sorted(group) if code in {t.code for t in a.data.types}]
        lines = [type_line(a, code) for code in codes]
        if len(practice.groups) > 1:
            lines.append(f"и то и другое — {count_share(len(ids), a.schools_total)}")
        text = f"{practice.remark}: {', '.join(lines)}"
        found.append(SpravkaItem("remark", "key_practice_gap", practice.code, text,
                             {"practice": practice.code, "schools": len(ids), "schools_total": a.schools_total}, school_ids=ids))
    return found


@rule("planned_not_done", "remark", "planned entries of counted reports are not done or postponed")
def planned_not_done(a: Analysis, c: Context) -> list[SpravkaItem]:
    not_done = [(p.school.id, e) for p in a.profiles for e in p.not_done]
    if not not_done:
        return []
    by_type = Counter(e.activity_type for _, e in not_done)
    schools = sorted({s for s, _ in not_done})
    lines = ", ".join(f"{lower_first(a.type_name(code))} — {n}" for code, n in by_type.most_common())
    text = (f"не выполнено или перенесено {agree(len(not_done), 'запланированное мероприятие')} {where(a, schools)}"
            f"; по видам: {lines}")
    data = with_appendix({"entries": len(not_done), "schools": len(schools)}, schools, "не выполнены или перенесены запланированные мероприятия")
    return [SpravkaItem("remark", "planned_not_done", "", text, data, school_ids=schools)]


APPENDIX_DETAILS["planned_not_done"] = lambda a: {p.school.id: format_decimal(len(p.not_done), 0) for p in a.profiles if p.not_done}


@rule("no_evidence", "remark", "done entries of counted reports have no evidence attached")
def no_evidence(a: Analysis, c: Context) -> list[SpravkaItem]:
    ids = [p.school.id for p in a.profiles if p.without_evidence]
    if not ids:
        return []
    n = sum(p.without_evidence for p in a.profiles)
    text = f"не подтверждено документами {agree(n, 'выполненное мероприятие')} {where(a, ids)}"
    data = with_appendix({"entries": n, "schools": len(ids)}, ids, "не подтверждены документами выполненные мероприятия")
    return [SpravkaItem("remark", "no_evidence", "", text, data, school_ids=ids)]


APPENDIX_DETAILS["no_evidence"] = lambda a: {p.school.id: format_decimal(p.without_evidence, 0) for p in a.profiles if p.without_evidence}


# ---------------------------------------------------------------------------------------------------------
# Management decisions
# ---------------------------------------------------------------------------------------------------------


@rule("needs_without_measures", "remark", "a school's diagnosed cause, deficit or risk has no measure in its roadmap")
def needs_without_measures(a: Analysis, c: Context) -> list[SpravkaItem]:
    found = []
    for row in a.needs:
        ids = row.unplanned
        if not ids:
            continue
        text = f"{describe_need(row, count_in)}; не запланированы: {listed(a, ids)}"
        data = with_appendix({"code": row.code, "schools": len(row.schools), "planned": len(row.planned), "done": len(row.done)},
                             ids, f"нет мер: {lower_first(row.label)}")
        found.append(SpravkaItem("remark", "needs_without_measures", "", text, data, school_ids=ids))
    return found


@rule("roadmap_correction", "decision", "always: roadmaps are corrected with the period's results")
def roadmap_correction(a: Analysis, c: Context) -> list[SpravkaItem]:
    start = correction_start(a.data.period_end)
    return [SpravkaItem("decision", "roadmap_correction", "",
                    "руководителям ОО совместно с кураторами внести корректировки (по необходимости) в дорожные карты с учётом результатов мониторинга",
                    {}, responsible="руководители ОО, кураторы", deadline_text=f"с {format_date(start)}" if start else "", deadline=start)]


@rule("key_practice_training", "decision", "the key_practice_gap remark fired")
def key_practice_training(a: Analysis, c: Context) -> list[SpravkaItem]:
    gaps = key_practice_gaps(a)
    if not gaps:
        return []
    start = correction_start(a.data.period_end)
    start = date(start.year, start.month + 1, 1) if start else None
    topics = " и ".join(p.topic for p, _ in gaps)
    text = f"{c.centre} запланировать практикумы с руководителями образовательных организаций по вопросам {topics}"
    return [SpravkaItem("decision", "key_practice_training", "", text, {"practices": [p.code for p, _ in gaps]},
                    responsible=c.centre, deadline_text=f"с {format_date(start)}" if start else "", deadline=start)]


@rule("individual_help", "decision", "a key practice gap or a lagging school exists")
def individual_help(a: Analysis, c: Context) -> list[SpravkaItem]:
    gaps, lagging = key_practice_gaps(a), reported_lagging(a)
    if not gaps and not lagging:
        return []
    who, responsible = c.helper
    subject = "по данным вопросам" if gaps else "отстающим в реализации дорожных карт"
    text = f"{who} организовать индивидуальную помощь образовательным организациям {subject}"
    ids = [lag.profile.school.id for lag in lagging]
    return [SpravkaItem("decision", "individual_help", "", text, {"gaps": len(gaps), "lagging": len(lagging)},
                    responsible=responsible, deadline_text="постоянно", school_ids=ids)]


@rule("next_report", "decision", "always: the next period's report is due")
def next_report(a: Analysis, c: Context) -> list[SpravkaItem]:
    due = next_report_due(a.data.period_end, c.next_due)
    return [SpravkaItem("decision", "next_report", "",
                    "образовательным организациям подготовить отчёт о реализации мероприятий дорожных карт за следующий период",
                    {}, responsible="руководители ОО", deadline_text=f"до {format_date(due)}" if due else "", deadline=due)]


# ---------------------------------------------------------------------------------------------------------
# Addressed recommendations
# ---------------------------------------------------------------------------------------------------------


@rule("municipal_control", "recommendation", "a municipality has a lagging school or a school without a counted report")
def municipal_control(a: Analysis, c: Context) -> list[SpravkaItem]:
    by_muni: dict[str, list[LaggingSchool]] = {}
    for lag in a.lagging:
        by_muni.setdefault(lag.profile.school.municipality, []).append(lag)
    found = []
    for muni in sorted(by_muni):
        lags = by_muni[muni]
        ids = [lag.profile.school.id for lag in lags]
        what = "дорожной карты" if len(ids) == 1 else "дорожных карт"
        text = f"взять на контроль реализацию {what} {listed(a, ids, 'gent')}"
        if any("no_report" in lag.reasons for lag in lags):
            text += "; обеспечить представление заверенных отчётов"
        if any("no_report" not in lag.reasons for lag in lags):
            text += "; оказать помощь в организации работы по направлениям, по которым она не ведётся"
        found.append(SpravkaItem("recommendation", "municipal_control", muni, text,
                             with_appendix({"schools": len(ids)}, ids, "взять на контроль реализацию дорожной карты (органу местного самоуправления)"),
                             addressee=f"Органу местного самоуправления в сфере образования ({muni})", school_ids=ids))
    return found


@rule("school_empty_direction", "recommendation", "a reported school has no done entry in an analysed direction")
def school_empty_direction(a: Analysis, c: Context) -> list[SpravkaItem]:
    found = []
    for d in a.analysed:
        ids = [p.school.id for p in a.profiles if d.code in p.empty_directions]
        if not ids:
            continue
        text = f"включить в дорожные карты и провести мероприятия по направлению «{lower_first(d.name)}»"
        data = with_appendix({"direction": d.code, "schools": len(ids), "schools_total": a.schools_total}, ids,
                             f"провести мероприятия по направлению «{lower_first(d.name)}»")
        found.append(SpravkaItem("recommendation", "school_empty_direction", d.code, text, data,
                             addressee=f"Образовательным организациям: {listed(a, ids, 'datv', addressee=True)}", school_ids=ids))
    return found


@rule("school_share_practice", "recommendation", "a school does systemic work (core/analysis.py SYSTEMIC_RULES)")
def school_share_practice(a: Analysis, c: Context) -> list[SpravkaItem]:
    found = []
    for r in SYSTEMIC_RULES:
        ids = a.systemic.get(r.code, [])
        if not ids or len(ids) == a.schools_total:
            continue
        seminar = "региональном" if c.level == "region" else "муниципальном"
        text = f"обобщить {SYSTEMIC_SHARE_TEXT[r.code]} и представить его на {seminar} методическом семинаре"
        data = with_appendix({"rule": r.code, "schools": len(ids)}, ids, f"обобщить и представить {SYSTEMIC_SHARE_TEXT[r.code]}")
        found.append(SpravkaItem("recommendation", "school_share_practice", r.code, text, data,
                             addressee=f"Образовательным организациям: {listed(a, ids, 'datv', addressee=True)}", school_ids=ids))
    return found


@rule("curator_support", "recommendation", "a reported school is lagging")
def curator_support(a: Analysis, c: Context) -> list[SpravkaItem]:
    lagging = reported_lagging(a)
    if not lagging:
        return []
    ids = [lag.profile.school.id for lag in lagging]
    text = ("организовать адресную методическую помощь: составить с руководителем ОО план работы по направлениям, по которым "
            "работа не ведётся, и ежемесячно проверять выполнение дорожной карты")
    return [SpravkaItem("recommendation", "curator_support", "", text,
                    with_appendix({"schools": len(ids)}, ids, "адресная методическая помощь куратора"),
                    addressee=f"Кураторам {listed(a, ids, 'gent', addressee=True)}", school_ids=ids)]


@rule("curator_evidence", "recommendation", "done entries have no evidence attached")
def curator_evidence(a: Analysis, c: Context) -> list[SpravkaItem]:
    ids = [p.school.id for p in a.profiles if p.without_evidence]
    if not ids:
        return []
    text = "до заверения отчёта проверять, что к каждому выполненному мероприятию приложено подтверждение (приказ, протокол, ссылка)"
    return [SpravkaItem("recommendation", "curator_evidence", "", text,
                    with_appendix({"schools": len(ids)}, ids, "куратору проверять подтверждения выполненных мероприятий"),
                    addressee=f"Кураторам {listed(a, ids, 'gent', addressee=True)}", school_ids=ids)]
