"""The thematic «Отчёт о мониторинге» of a municipality or the region: introduction and methods of collecting
information, causes of low results, professional deficits by competence group, the measures taken against them,
what worked, conclusions and addressed recommendations (to the ОМСУ, the schools, the curators, the МОЦ or ЦНППМ).

Built from the campaign's analysis (core.analysis: needs coverage, outcomes and «what worked» with its < 5
suppression and caveat), the rules' findings for that level (core.findings) and a few counts of the sources
(`Sources`); the database side is shnor.analysis.documents. Each recommendation carries a `key` so that issuing
the report tracks it (shnor.actions) and a re-issue updates the same record. Rendered by
kinds.renderers("monitoring") from templates/monitoring.docx (build_template.build_monitoring) and monitoring.html.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date

from ..analysis import Analysis
from ..findings import NAMES_INLINE, NAMES_SHOWN, SpravkaItem, count_in, lower_first, names
from ..needs import GROUPS, NeedCoverage
from ..needs import describe as describe_need
from ..russian import agree, format_date, format_decimal
from . import content
from .kinds import renderers

TITLE = "Отчёт о мониторинге"
# The four competence groups as documents number them: «Группа 1 «Управленческие компетенции»».
GROUP_ORDER = ("management", "subject", "assessment", "psychology")
NO_GROUP = "Дефициты без указания группы компетенций"

VARIABLES = {
    "title, subtitle, date_text": "заголовок, подзаголовок (муниципалитет или регион, кампания, период) и дата",
    "notes": "предупреждения о неполноте данных (список)",
    "intro": "введение: цель и объект мониторинга",
    "methods": "методы и источники сбора информации (список строк)",
    "causes_lead, causes": "причины низких результатов: пояснение и строки (список)",
    "deficits_lead, deficit_groups": "профессиональные дефициты по группам компетенций: title, lines (список строк)",
    "measures_lead, measures": "проведённые меры против причин и дефицитов (список строк)",
    "activities": "проведённые мероприятия по направлениям: title, label, lines (каждая — text)",
    "outcome_lead, outcome_lines": "результаты: показатели и их динамика (список)",
    "worked_lead, worked_lines": "что сработало: сравнение школ, проводивших и не проводивших мероприятия (список)",
    "conclusions": "выводы (список строк)",
    "recommendations": "адресные рекомендации по адресатам: addressee, lines (список строк)",
    "appendix": "приложение — школы из длинных перечней: number, name, municipality, what",
    "author_name, author_position": "автор и его должность",
}


@dataclass(frozen=True)
class Sources:
    """Where the report's information comes from, counted from the data."""

    diagnoses: dict[str, tuple[int, int]] = field(default_factory=dict)  # «визит куратора» → (records, schools), in order
    documents: list[str] = field(default_factory=list)  # names of the documents diagnoses were imported from
    previous_items: int = 0  # recommendations and decisions of the previous period whose execution is marked


@dataclass
class Recommendation:
    """One addressed recommendation as issuing tracks it."""

    key: str  # stable between versions of the report: rule and what it is about
    addressee: str
    text: str
    school_ids: list[int] = field(default_factory=list)


@dataclass
class Monitoring:
    title: str
    subtitle: str
    date_text: str
    scope_name: str
    notes: list[str]
    intro: str
    methods: list[str]
    causes_lead: str
    causes: list[str]
    deficits_lead: str
    deficit_groups: list[dict]
    measures_lead: str
    measures: list[str]
    activities: list[dict]
    outcome_lead: str
    outcome_lines: list[str]
    worked_lead: str
    worked_lines: list[str]
    conclusions: list[str]
    recommendations: list[dict]  # addressee, lines
    appendix: list[dict]
    author_name: str = ""
    author_position: str = ""
    tracked: list[Recommendation] = field(default_factory=list)  # not rendered: what issuing makes tracked records of

    def as_dict(self) -> dict:
        return asdict(self)

    def text_lines(self) -> list[str]:
        lines = [self.title, self.subtitle, self.intro, *self.notes, *self.methods, self.causes_lead, *self.causes,
                 self.deficits_lead]
        for g in self.deficit_groups:
            lines += [g["title"], *g["lines"]]
        lines += [self.measures_lead, *self.measures]
        for a in self.activities:
            lines += [f"{a['title']} — {a['label']}", *(x["text"] for x in a["lines"])]
        lines += [self.outcome_lead, *self.outcome_lines, self.worked_lead, *self.worked_lines, *self.conclusions]
        for r in self.recommendations:
            lines += [r["addressee"], *r["lines"]]
        return [line for line in lines if line]


def _schools(a: Analysis, ids: list[int]) -> str:
    """The schools by name, or the first of a long list and the count of the others (the appendix lists them all)."""
    if len(ids) <= NAMES_INLINE:
        return names(a, ids)
    return f"{names(a, ids[:NAMES_SHOWN])} и ещё {count_in(len(ids) - NAMES_SHOWN, 'школа', 'nomn')} (см. приложение)"


def _found_in(a: Analysis, row: NeedCoverage) -> str:
    """«низкая учебная мотивация обучающихся — в 3 школах: A, B, C»; for one school only its name."""
    label = row.label[0].lower() + row.label[1:] if row.label[1:2].islower() else row.label
    if a.schools_total == 1:
        return label
    return f"{label} — в {count_in(len(row.schools), 'школа', 'loct')}: {_schools(a, row.schools)}"


def _lead(a: Analysis, rows: list[NeedCoverage], what: str) -> str:
    schools = {s for r in rows for s in r.schools}
    if not rows:
        return f"{what} в диагностике школ не отмечены."
    if a.schools_total == 1:
        return f"{what} по данным диагностики:"
    return (f"{what} выявлены в {count_in(len(schools), 'школа', 'loct')} из {format_decimal(a.schools_total, 0)} "
            f"(по данным диагностики; школа учитывается один раз):")


def _deficit_groups(a: Analysis, rows: list[NeedCoverage]) -> list[dict]:
    groups = []
    for number, code in enumerate(GROUP_ORDER, start=1):
        lines = [_found_in(a, r) for r in rows if r.group == code]
        title = f"Группа {number} «{GROUPS[code][0].upper()}{GROUPS[code][1:]}»"
        groups.append({"title": title, "lines": content.punctuate(lines) if lines else ["дефициты этой группы не выявлены."]})
    other = [_found_in(a, r) for r in rows if r.group not in GROUP_ORDER]
    if other:
        groups.append({"title": NO_GROUP, "lines": content.punctuate(other)})
    return groups


def _methods(a: Analysis, sources: Sources) -> list[str]:
    reported, total = len(a.reported), a.schools_total
    lines = [f"анализ отчётов ОО о реализации дорожных карт, заверенных руководителем и куратором ОО "
             f"({content._of(reported, total)})"]
    if sources.diagnoses:
        found = "; ".join(f"{how} — {agree(records, 'запись')} по {count_in(schools, 'школа', 'datv')}"
                          for how, (records, schools) in sources.diagnoses.items())
        lines.append(f"диагностика причин низких результатов, профессиональных дефицитов и рисков: {found}")
    else:
        lines.append("диагностика причин низких результатов и профессиональных дефицитов в системе не внесена")
    if sources.documents:
        shown = ", ".join(f"«{d}»" for d in sources.documents[:5])
        more = f" и ещё {agree(len(sources.documents) - 5, 'документ')}" if len(sources.documents) > 5 else ""
        lines.append(f"документы, из которых внесена диагностика: {shown}{more}")
    indicators = []
    for r in a.data.indicators:
        if r.name not in indicators:
            indicators.append(r.name)
    if indicators:
        lines.append("показатели результатов школ: " + ", ".join(lower_first(n) for n in indicators))
    if sources.previous_items:
        lines.append(f"отметки об исполнении рекомендаций и решений предыдущего периода ({agree(sources.previous_items, 'запись')})")
    return content.punctuate(lines)


def _measures(a: Analysis, rows: list[NeedCoverage]) -> list[str]:
    lines = []
    for row in rows:
        text = describe_need(row, count_in)
        if row.unplanned and a.schools_total > 1:
            text += f"; не запланированы: {_schools(a, row.unplanned)}"
        lines.append(text)
    return content.punctuate(lines)


def _needs_conclusions(a: Analysis, rows: list[NeedCoverage]) -> list[str]:
    if not rows:
        return ["диагностика причин низких результатов и профессиональных дефицитов не проведена или не внесена: "
                "адресность мер оценить нельзя"]
    covered = [r for r in rows if r.schools and len(r.done) == len(r.schools)]
    unplanned = [r for r in rows if r.unplanned]
    n = len(rows)
    found = [f"выявленных причин и дефицитов — {format_decimal(n, 0)}; меры проведены во всех школах, где они выявлены, "
             f"по {format_decimal(len(covered), 0)} из них"]
    if unplanned:
        schools = sorted({s for r in unplanned for s in r.unplanned})
        found.append(f"по {format_decimal(len(unplanned), 0)} из них в дорожных картах {count_in(len(schools), 'школа', 'gent')} "
                     "не запланировано ни одного мероприятия")
    return found


def _worked_conclusion(a: Analysis) -> str:
    o = a.outcomes
    if o is None or not o.worked:
        return "сравнить изменение результатов школ, проводивших и не проводивших мероприятия, нельзя: нет данных за предыдущий период"
    shown = [w for w in o.worked if not w.suppressed]
    if not shown:
        return "сравнение школ, проводивших и не проводивших мероприятия, не приводится: группы слишком малы для выводов"
    better = [w for w in shown if w.difference is not None and w.difference > 0]
    return (f"в {format_decimal(len(better), 0)} из {count_in(len(shown), 'сравнение', 'gent')} показатели школ, проводивших "
            "мероприятие, изменились лучше, чем в остальных школах; это описание, а не доказательство действия мер")


def _recommendations(a: Analysis, rows: list[NeedCoverage], findings: list[SpravkaItem], level: str, scope_name: str) -> list[Recommendation]:
    """The rules' recommendations for this level, then those the diagnosis calls for."""
    found = [Recommendation(f"{f.rule or 'manual'}:{f.key}", f.addressee.rstrip(":"), f.text, list(f.school_ids))
             for f in findings if f.kind == "recommendation"]
    by_muni: dict[str, list[int]] = {}
    for row in rows:
        if not row.unplanned:
            continue
        what = lower_first(row.label)
        found.append(Recommendation(
            f"needs_plan:{row.kind}:{row.code}", f"Образовательным организациям: {_schools(a, row.unplanned)}",
            f"включить в дорожные карты мероприятия по преодолению: «{what}» (выявлено диагностикой)", list(row.unplanned)))
        for s in row.unplanned:
            by_muni.setdefault(a.school(s).municipality, []).append(s)
    for muni, ids in sorted(by_muni.items()):
        ids = sorted(set(ids))
        found.append(Recommendation(
            f"needs_control:{muni}", f"Органу местного самоуправления в сфере образования ({muni})",
            f"обеспечить контроль включения в дорожные карты мер по выявленным причинам низких результатов и "
            f"профессиональным дефицитам ({count_in(len(ids), 'школа', 'nomn')}: {_schools(a, ids)})", ids))
    for row in rows:
        pending = [s for s in row.planned if s not in row.done]
        if row.kind != "deficit" or not pending:
            continue
        found.append(Recommendation(
            f"needs_done:{row.code}", "Кураторам школ",
            f"проконтролировать проведение запланированных мероприятий по преодолению дефицита «{lower_first(row.label)}» "
            f"({_schools(a, pending)})", pending))
    deficits = [r for r in rows if r.kind == "deficit"]
    if deficits:
        top = max(deficits, key=lambda r: (len(r.schools), r.label))
        centre = "ЦНППМ" if level == "region" else "Муниципальному методическому центру (МОЦ)"
        found.append(Recommendation(
            f"needs_training:{top.code}", centre,
            f"организовать курсы, семинары и консультации для педагогов по преодолению наиболее распространённого "
            f"дефицита — «{lower_first(top.label)}» ({count_in(len(top.schools), 'школа', 'nomn')})", list(top.schools)))
    return found


ADDRESSEE_ORDER = ("орган", "образовательн", "куратор", "муниципальн", "цнппм")


def _grouped(items: list[Recommendation]) -> list[dict]:
    """By addressee, ОМСУ first, then the schools, the curators, the methodical centre; items punctuated."""
    groups: dict[str, list[str]] = {}
    for r in items:
        groups.setdefault(r.addressee, []).append(r.text)

    def order(addressee: str) -> int:
        low = addressee.lower()
        return next((i for i, word in enumerate(ADDRESSEE_ORDER) if low.startswith(word)), len(ADDRESSEE_ORDER))

    return [{"addressee": addressee, "lines": content.punctuate(texts)}
            for addressee, texts in sorted(groups.items(), key=lambda kv: order(kv[0]))]


def build(analysis: Analysis, findings: list[SpravkaItem], sources: Sources, *, level: str, scope_name: str, period: str,
          campaign_title: str, on: date, author_name: str = "", author_position: str = "") -> Monitoring:
    """`findings`: the rules' findings for this level (core.findings.generate with its Context)."""
    a = analysis
    total = a.schools_total
    causes = [r for r in a.needs if r.kind == "cause"]
    deficits = [r for r in a.needs if r.kind == "deficit"]
    against = [r for r in a.needs if r.kind in ("cause", "deficit")]
    where = "муниципалитета" if level == "municipality" else "региона"
    intro = (f"Мониторинг проведён с целью выявить причины низких образовательных результатов и профессиональные дефициты "
             f"педагогов школ {where} ({scope_name}), оценить меры, принятые против них, и их результаты. Объект мониторинга — "
             f"{count_in(total, 'школа', 'nomn')} с низкими образовательными результатами, включённые в кампанию «{campaign_title}»; "
             f"период: {period}.")
    notes = [n for n in content._notes(a) if n]
    tracked = _recommendations(a, against, findings, level, scope_name)
    conclusions = [f.text for f in findings if f.kind == "conclusion"]
    conclusions = _needs_conclusions(a, against) + conclusions + [_worked_conclusion(a)]
    appendix = content._appendix(a, {"recommendation": [f for f in findings if f.kind == "recommendation"]}) if total > NAMES_INLINE else []
    if total > NAMES_INLINE:
        long_lists = {s for r in tracked for s in r.school_ids} if any(len(r.school_ids) > NAMES_INLINE for r in tracked) else set()
        listed = {row["name"] for row in appendix}
        for s in a.data.schools:
            if s.id in long_lists and s.name not in listed:
                appendix.append({"number": len(appendix) + 1, "name": s.name, "municipality": s.municipality,
                                 "what": "адресные рекомендации по диагностике"})
    return Monitoring(
        title=TITLE,
        subtitle=(f"реализации мер по преодолению низких образовательных результатов: {scope_name}, {campaign_title}"
                  + ("" if period in campaign_title else f" ({period})")),
        date_text=format_date(on),
        scope_name=scope_name,
        notes=notes,
        intro=intro,
        methods=_methods(a, sources),
        causes_lead=_lead(a, causes, "Причины низких результатов"),
        causes=content.punctuate([_found_in(a, r) for r in causes]),
        deficits_lead=_lead(a, deficits, "Профессиональные дефициты педагогов"),
        deficit_groups=_deficit_groups(a, deficits) if deficits else [],
        measures_lead=("Меры дорожных карт против выявленных причин и дефицитов (в скольких школах потребность выявлена, "
                       "в скольких запланированы и в скольких проведены мероприятия по ней):" if against else ""),
        measures=_measures(a, against),
        activities=content._results(a),
        outcome_lead=content._outcome_lead(a, f"({scope_name})"),
        outcome_lines=content.punctuate(content._outcome_lines(a)),
        worked_lead=content._worked_lead(a),
        worked_lines=content.punctuate(content._worked_lines(a)),
        conclusions=content.punctuate(conclusions),
        recommendations=_grouped(tracked),
        appendix=appendix,
        author_name=author_name,
        author_position=author_position,
        tracked=tracked,
    )


RENDERERS = renderers("monitoring")
