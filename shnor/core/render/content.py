"""The справка's content: every section as plain strings and lists, built once from the analysis and the
(possibly edited) findings; each renderer (DOCX, HTML, PDF) only lays it out.

`Spravka.as_dict()` is JSON-safe (charts without their PNG bytes) and is what an issued справка keeps.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import date

from .. import actions as core_actions
from ..analysis import Analysis
from ..findings import SpravkaItem, appendix_notes, count_in, indicator_text, listed, lower_first, names
from ..needs import describe as describe_need
from ..outcomes import CAVEAT, COUNT_UNITS, MIN_GROUP
from ..russian import count_share, format_date, format_decimal, format_delta, format_percent, inflect, percent
from .charts import Chart

GOAL = "оказание методической помощи школам с низкими образовательными результатами обучающихся"
TASKS = [
    "контролировать эффективность реализации мероприятий дорожных карт",
    "выявить динамику изменений в работе школ по преодолению рисков неуспешности",
    "запланировать мероприятия по оказанию методической помощи",
]
# How the appendix refers to the items of the справка: «не представлен заверенный отчёт (замечание 1)».
ITEM_NAMES = {"conclusion": "вывод", "remark": "замечание", "decision": "решение", "recommendation": "рекомендация"}
SUBTITLE = (
    "по результатам мониторинга реализации мероприятий «дорожных карт» образовательных организаций, "
    "включённых в перечень ОО с низкими образовательными результатами обучающихся"
)


@dataclass
class Meta:
    date: date
    author_name: str = ""
    author_position: str = ""
    scope_note: str = ""  # e.g. «по школам, доступным муниципальному координатору (Рогнединский район)»
    previous_items: list[core_actions.Item] = field(default_factory=list)  # the previous period's recommendations and decisions


@dataclass
class Spravka:
    title: str
    subtitle: str
    date_text: str
    region: str
    campaign_title: str
    goal: str
    tasks: list[str]
    object_text: str
    sources: list[str]
    schools: list[dict]  # number, name, municipality, reported
    directions: list[str]
    not_analysed: str
    results: list[dict]  # title, label, lines: [{text, name, label}]
    municipalities: list[dict]  # name, schools, reported, directions_share, completion
    dynamics_lead: str
    dynamics_rows: list[dict]  # name, before, after, delta
    dynamics_indicators: list[str]
    previous_tasks_lead: str  # «Исполнение рекомендаций и управленческих решений предыдущего периода»: the lead,
    previous_tasks: list[dict]  # every item: text, responsible (the addressee), deadline, status, note, kind
    execution_counts: list[dict]  # status, number
    execution_overdue: list  # shnor.core.actions.Overdue: addressee, items [{text, deadline, kind}]
    conclusions: list[str]
    remarks: list[str]
    decisions: list[dict]  # number, text, responsible, deadline
    recommendations: list[dict]  # addressee, text
    appendix: list[dict]  # number, name, municipality, what: the schools of lists too long for the text
    author_name: str
    author_position: str
    notes: list[str]
    charts: list[Chart] = field(default_factory=list)
    needs_lead: str = ""  # «Диагностика и меры»: how many schools have a diagnosis
    needs_lines: list[str] = field(default_factory=list)  # per cause, deficit and risk: found, planned, done, without measures
    outcome_lead: str = ""  # «Результаты»: what the totals are and what they are compared with
    outcome_lines: list[str] = field(default_factory=list)  # per indicator and subject
    worked_lead: str = ""  # «Что сработало»: the comparison and its caveat
    worked_lines: list[str] = field(default_factory=list)
    # «Мероприятия муниципальных дорожных карт»: the municipalities' own roadmaps, counted apart from the schools
    municipal_roadmaps_lead: str = ""
    municipal_roadmaps_lines: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        d = asdict(self)
        d["charts"] = [{"key": c.key, "title": c.title} for c in self.charts]
        return d

    def text_lines(self) -> list[str]:
        """Every line of the content as plain text (for search and checks of stated numbers)."""
        lines = [self.title, self.subtitle, self.date_text, self.goal, *self.tasks, self.object_text, *self.sources]
        lines += [s["name"] for s in self.schools] + self.directions
        for r in self.results:
            lines.append(f"{r['title']} — {r['label']}")
            lines += [line["text"] for line in r["lines"]]
        lines += [self.municipal_roadmaps_lead, *self.municipal_roadmaps_lines]
        lines += [self.needs_lead, *self.needs_lines, self.outcome_lead, *self.outcome_lines, self.worked_lead, *self.worked_lines]
        lines += [self.dynamics_lead, *self.dynamics_indicators, *self.conclusions, *self.remarks]
        lines += [d["text"] for d in self.decisions] + [f"{r['addressee']}: {r['text']}" for r in self.recommendations]
        lines += [f"{row['name']} — {row['what']}" for row in self.appendix]
        return [line for line in lines if line]


def punctuate(items: list[str]) -> list[str]:
    """«1) …;» … «n) ….» as lists are written in a справка: the last item ends with a full stop."""
    cleaned = [_unpunctuated(item) for item in items if item and item.strip()]
    return [f"{item}{'' if item.endswith('.') and i == len(cleaned) - 1 else '.' if i == len(cleaned) - 1 else ';'}"
            for i, item in enumerate(cleaned)]


ABBREVIATION_END = re.compile(r"(?:\bп\.п|\bчел|\bшт|\bг)\.$")  # «+2,1 п.п.» keeps its dot: «+2,1 п.п.;»


def _unpunctuated(item: str) -> str:
    item = item.strip().rstrip(";,")
    return item if ABBREVIATION_END.search(item) else item.rstrip(".")


def build(analysis: Analysis, findings: list[SpravkaItem], meta: Meta, charts: list[Chart] | None = None) -> Spravka:
    data = analysis.data
    total = analysis.schools_total
    reported = len(analysis.reported)
    notes = _notes(analysis)
    if meta.scope_note:
        notes.insert(0, meta.scope_note)
    by_kind: dict[str, list[SpravkaItem]] = {k: [] for k in ("conclusion", "remark", "decision", "recommendation")}
    for f in findings:
        by_kind.setdefault(f.kind, []).append(f)
    executed = core_actions.execution(meta.previous_items, meta.date)
    return Spravka(
        title="Аналитическая справка",
        subtitle=SUBTITLE,
        date_text=format_date(meta.date),
        region=data.region,
        campaign_title=data.title,
        goal=GOAL,
        tasks=punctuate(TASKS),
        object_text=(f"результаты деятельности ОО в период: {data.period_text}; форма — отчёты, заверенные руководителем "
                     f"и куратором ОО ({_of(reported, total)})"),
        sources=punctuate(_sources(analysis)),
        schools=[{"number": i, "name": s.name, "municipality": s.municipality, "reported": s.reported}
                 for i, s in enumerate(data.schools, start=1)],
        directions=punctuate([lower_first(d.name) for d in analysis.analysed]),
        not_analysed=_not_analysed(analysis),
        results=_results(analysis),
        municipalities=_municipalities(analysis),
        dynamics_lead=_dynamics_lead(analysis),
        dynamics_rows=_dynamics_rows(analysis),
        dynamics_indicators=punctuate([indicator_text(ch) for ch in analysis.dynamics.indicators]) if analysis.dynamics else [],
        previous_tasks_lead=_tasks_lead(analysis, executed),
        previous_tasks=[{**row, "responsible": row["addressee"]} for row in executed.items],
        execution_counts=executed.counts,
        execution_overdue=executed.overdue,
        conclusions=punctuate([f.text for f in by_kind["conclusion"]]),
        remarks=punctuate([f.text for f in by_kind["remark"]]),
        decisions=[{"number": i, "text": text, "responsible": f.responsible, "deadline": f.deadline_text}
                   for i, (f, text) in enumerate(zip(by_kind["decision"], punctuate([f.text for f in by_kind["decision"]]), strict=True), start=1)],
        recommendations=[{"addressee": f.addressee.rstrip(":"), "text": text}
                         for f, text in zip(by_kind["recommendation"], punctuate([f.text for f in by_kind["recommendation"]]), strict=True)],
        appendix=_appendix(analysis, by_kind),
        author_name=meta.author_name,
        author_position=meta.author_position,
        notes=notes,
        charts=list(charts or []),
        needs_lead=_needs_lead(analysis),
        needs_lines=punctuate([_need_line(analysis, row) for row in analysis.needs]),
        outcome_lead=_outcome_lead(analysis),
        outcome_lines=punctuate(_outcome_lines(analysis)),
        worked_lead=_worked_lead(analysis),
        worked_lines=punctuate(_worked_lines(analysis)),
    )


def _needs_lead(a: Analysis) -> str:
    schools = {n.school_id for n in a.data.needs}
    if not schools:
        return ""
    return (f"Причины низких результатов, профессиональные дефициты педагогов и рисковые профили внесены в диагностику "
            f"{count_in(len(schools), 'школа', 'gent')} из {format_decimal(a.schools_total, 0)}; меры дорожных карт против них:")


def _need_line(a: Analysis, row) -> str:
    text = describe_need(row, count_in)
    return f"{text}; не запланированы: {listed(a, row.unplanned)}" if row.unplanned else text


def indicator_label(name: str, subject: str) -> str:
    """«средний балл ВПР по математике», «качество знаний»."""
    return lower_first(name) + (f" по {inflect(subject, 'datv')}" if subject else "")


def value_text(value, unit: str, decimals: int) -> str:
    text = format_decimal(value, decimals)
    return f"{text} %" if unit == "%" else f"{text} {unit}" if unit in COUNT_UNITS else text


def delta_text(value, unit: str, decimals: int) -> str:
    return format_delta(value, "п.п." if unit == "%" else unit if unit in COUNT_UNITS else "", decimals)


def _outcome_lead(a: Analysis, where: str = "(по региону)") -> str:
    o = a.outcomes
    if o is None or not o.totals:
        return ""
    lead = f"Показатели результатов школ за период {where}; доли и средние — среднее по школам"
    if any(r.region and r.region.weighted for r in o.totals):
        lead += ", взвешенное по числу обучающихся там, где оно известно для всех школ"
    else:
        lead += " без учёта численности обучающихся (число обучающихся не указано)"
    if o.shnor_schools:
        lead += (f". Вышли из перечня ШНОР по статусу следующего учебного года: {format_decimal(len(o.left), 0)} из "
                 f"{count_in(o.shnor_schools, 'школа', 'gent')}" + (f" ({names(a, o.left)})" if o.left else ""))
    return lead + ":"


def _outcome_lines(a: Analysis) -> list[str]:
    o = a.outcomes
    if o is None:
        return []
    previous = {(c.code, c.subject): c for c in o.vs_previous or []}
    earlier = {(c.code, c.subject): c for c in o.vs_year_before or []}
    lines = []
    for row in o.totals:
        if row.region is None:
            continue
        text = f"{indicator_label(row.name, row.subject)} — {value_text(row.region.value, row.unit, row.decimals)}"
        if row.unit not in COUNT_UNITS and not row.region.weighted:
            text += f" (среднее по {count_in(row.region.schools, 'школа', 'datv')})"
        for changes, label in ((previous, "к предыдущему периоду"), (earlier, "к тому же периоду прошлого года")):
            c = changes.get((row.code, row.subject))
            if c is not None:
                text += f"; {label}: {delta_text(c.delta, row.unit, row.decimals)} (по {count_in(c.after.schools, 'школа', 'datv')})"
        lines.append(text)
    return lines


def _worked_lead(a: Analysis) -> str:
    o = a.outcomes
    if o is None or not o.worked:
        return ""
    shown = [w for w in o.worked if not w.suppressed]
    if not shown:
        return (f"Сравнение изменения показателей в школах, проводивших и не проводивших мероприятия, не приводится: в каждом "
                f"случае в одной из групп меньше {count_in(MIN_GROUP, 'школа', 'gent')}.")
    return (f"Изменение основных показателей к предыдущему периоду в школах, проводивших мероприятие, и в остальных школах "
            f"(сравнения, где в одной из групп меньше {count_in(MIN_GROUP, 'школа', 'gent')}, не приводятся). {CAVEAT}")


WORKED_TYPES_SHOWN = 5  # activity types with the largest differences; every direction is shown


def _worked_lines(a: Analysis) -> list[str]:
    o = a.outcomes
    if o is None:
        return []
    shown = [w for w in o.worked if not w.suppressed]
    types = sorted((w for w in shown if w.is_type), key=lambda w: -abs(w.difference))[:WORKED_TYPES_SHOWN]
    lines = []
    for w in [w for w in shown if not w.is_type] + types:
        unit = "п.п." if w.unit == "%" else w.unit if w.unit in COUNT_UNITS else ""
        lines.append(f"{lower_first(w.label)}: {lower_first(w.indicator)} — в {count_in(w.did, 'школа', 'loct')}, где проводилось, "
                     f"{format_delta(w.did_mean, unit, 2)}, в {format_decimal(w.did_not, 0)} остальных — {format_delta(w.did_not_mean, unit, 2)}")
    return lines


def _appendix(a: Analysis, by_kind: dict[str, list[SpravkaItem]]) -> list[dict]:
    """One row per school that a finding names only by count (see findings.NAMES_INLINE), saying which items concern it
    and how, in the order of the list of schools."""
    notes: dict[int, list[str]] = {}
    for kind, items in by_kind.items():
        for number, f in enumerate(items, start=1):
            for school_id, note in appendix_notes(a, f):
                notes.setdefault(school_id, []).append(f"{note} ({ITEM_NAMES.get(kind, kind)} {number})")
    if not notes:
        return []
    shared: dict[str, str] = {}  # thousands of schools have the same notes: one string for them all
    rows = []
    for s in a.data.schools:
        if s.id in notes:
            what = "; ".join(notes.pop(s.id))
            rows.append({"number": len(rows) + 1, "name": s.name, "municipality": s.municipality, "what": shared.setdefault(what, what)})
    return rows


def _of(n: int, total: int) -> str:
    n_text, total_text = format_decimal(n, 0), format_decimal(total, 0)
    return f"{n_text} из {total_text}" if n != total else f"все {total_text}" if total > 1 else "1 из 1"


def _notes(a: Analysis) -> list[str]:
    notes = []
    total, reported = a.schools_total, len(a.reported)
    if total == 0:
        notes.append("В кампании нет ни одной школы: анализировать нечего.")
    elif reported == 0:
        notes.append("Ни одна школа не представила заверенный отчёт: результаты, выводы и решения по данным сформировать нельзя.")
    elif reported < total:
        notes.append(f"Заверенные отчёты представили {format_decimal(reported, 0)} из {count_in(total, 'школа', 'gent')}; "
                     f"доли рассчитаны от всех {count_in(total, 'школа', 'gent')} кампании.")
    if total == 1:
        notes.append("В кампании одна школа: доли рассчитаны от одной школы и сравнение школ между собой невозможно.")
    if a.previous_missing:
        notes.append("Предыдущая кампания не указана: динамика по сравнению с предыдущим периодом не рассчитывается.")
    elif a.dynamics is not None and not a.dynamics.school_ids:
        notes.append("Нет школ, представивших заверенные отчёты в обоих периодах: динамика не рассчитывается.")
    return notes


def _sources(a: Analysis) -> list[str]:
    sources = [f"отчёты ОО о реализации дорожных карт, заверенные руководителем и куратором ОО ({_of(len(a.reported), a.schools_total)})",
               "подтверждающие документы: приказы, протоколы, страницы сайтов школ"]
    names = []
    for r in a.data.indicators:
        if r.name not in names:
            names.append(r.name)
    if names:
        sources.append("показатели результатов из отчётов школ: " + ", ".join(lower_first(n) for n in names))
    return sources


def _not_analysed(a: Analysis) -> str:
    if not a.not_analysed or not a.analysed:
        return ""
    names = ", ".join(f"«{lower_first(d.name)}»" for d in a.not_analysed)
    if len(a.not_analysed) == 1:
        return f"Мероприятий по направлению {names} в отчётах школ нет; это направление не анализировалось."
    return f"Мероприятий по направлениям {names} в отчётах школ нет; эти направления не анализировались."


# Below this many schools a share says nothing a count does not: «3 из 4», and for one school whether it was done.
SHARE_MIN_SCHOOLS = 5


def coverage_label(schools: int, total: int) -> str:
    """«13 (81,3 %)» for a region; «3 из 4» for a few schools; «проводилось» for one school (not «1 (100 %)»)."""
    if total == 1:
        return "проводилось" if schools else "не проводилось"
    if total < SHARE_MIN_SCHOOLS:
        return f"{format_decimal(schools, 0)} из {format_decimal(total, 0)}"
    return count_share(schools, total)


def _results(a: Analysis) -> list[dict]:
    sections = []
    for d in a.analysed:
        row = a.coverage.direction_row(d.code)
        lines = []
        for r in a.coverage.type_rows(d.code):
            if r.schools == 0:
                continue
            label = coverage_label(r.schools, r.schools_total)
            lines.append({"name": lower_first(r.name), "label": label, "text": f"{lower_first(r.name)} — {label}"})
        texts = punctuate([line["text"] for line in lines])
        for line, text in zip(lines, texts, strict=True):
            line["text"] = text
        sections.append({"title": lower_first(d.name), "label": coverage_label(row.schools, row.schools_total), "lines": lines})
    return sections


def _municipalities(a: Analysis) -> list[dict]:
    if len(a.municipalities) < 2:
        return []
    return [{"name": m.name, "schools": m.schools, "reported": m.reported,
             "directions_share": format_percent(m.directions_share), "completion": format_percent(m.completion)}
            for m in a.municipalities]


def _dynamics_lead(a: Analysis) -> str:
    d = a.dynamics
    if d is None or not d.school_ids:
        return ""
    period = f" ({d.previous_period})" if d.previous_period else ""
    n = len(d.school_ids)
    return (f"Сравнение с предыдущим периодом{period} по {format_decimal(n, 0)} {'школе' if n % 10 == 1 and n % 100 != 11 else 'школам'}, "
            "представившим заверенные отчёты в оба периода (число школ, в которых проводились мероприятия направления):")


def _dynamics_rows(a: Analysis) -> list[dict]:
    d = a.dynamics
    if d is None or not d.school_ids:
        return []
    n = len(d.school_ids)
    rows = []
    for ch in d.directions:
        delta = ch.delta
        rows.append({"name": lower_first(ch.name), "before": count_share(ch.before, n), "after": count_share(ch.after, n),
                     "delta": (f"+{delta}" if delta > 0 else f"−{-delta}" if delta < 0 else "0")
                     + f" ({_pp(percent(ch.after, n), percent(ch.before, n))})"})
    return rows


def _pp(after, before) -> str:
    if after is None or before is None:
        return "—"
    diff = after - before
    text = format_decimal(diff)
    return ("+" + text if diff > 0 else text) + "\u00a0п.п."


def _tasks_lead(a: Analysis, executed: core_actions.Execution) -> str:
    if executed.lead:
        return executed.lead
    if a.previous_missing:
        return ""
    return "Рекомендации и управленческие решения по итогам предыдущего периода в системе не зафиксированы."
