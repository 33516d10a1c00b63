"""The coordinators' dashboard of one campaign: coverage by direction, municipalities side by side, dynamics
and completeness, filtered by municipality and direction. A fixed number of queries whatever the region's size.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from shnor.core.analysis import Analysis
from shnor.core.findings import count_in
from shnor.core.needs import KINDS
from shnor.core.outcomes import COUNT_UNITS
from shnor.core.render import content
from shnor.core.render.charts import draw_charts, indicator_dynamics
from shnor.core.russian import count_share, format_percent
from shnor.monitoring.charts import chart_context, completeness_over_time
from shnor.monitoring.completeness import Completeness, completeness
from shnor.monitoring.models import Campaign, ReportEntry

from . import stored
from .records import counted_statuses


@dataclass
class Cell:
    label: str
    direction: str = ""
    activity_type: str = ""
    municipality: str = ""


@dataclass
class Dashboard:
    campaign: Campaign
    analysis: Analysis
    progress: Completeness
    municipality: str
    direction: str
    coverage_rows: list
    municipality_rows: list[dict]
    dynamics_rows: list[dict]
    charts: list[dict]
    lagging: list[dict]
    need_rows: list[dict] = field(default_factory=list)
    outcome_rows: list[dict] = field(default_factory=list)
    outcome_municipalities: list[dict] = field(default_factory=list)
    worked_rows: list = field(default_factory=list)
    left: list = field(default_factory=list)  # schools that left the ШНОР list in the next year's status
    left_of: str = ""  # «из 16 школ» (in the list this year), empty when no school has this year's status

    @property
    def directions(self):
        return self.analysis.analysed


def build(campaign: Campaign, school_ids: list[int], municipality: str = "", direction: str = "") -> Dashboard | stored.Pending:
    """The dashboard from the stored analysis (stored.py); a Pending while a task computes a large one."""
    analysis = stored.analysis(campaign, school_ids)
    if municipality and not isinstance(analysis, stored.Pending):
        ids = [s.id for s in analysis.data.schools if s.municipality == municipality]
        analysis = stored.analysis(campaign, ids)
    if isinstance(analysis, stored.Pending):
        return analysis
    schools = campaign.schools.filter(pk__in=[s.id for s in analysis.data.schools])
    progress = completeness(campaign, schools)
    rows = [{"row": r, "missing": r.schools_total - r.schools} for r in analysis.coverage.rows
            if r.direction is not None and (not direction or r.direction == direction)]
    return Dashboard(
        campaign=campaign, analysis=analysis, progress=progress, municipality=municipality, direction=direction,
        coverage_rows=rows,
        municipality_rows=_municipalities(analysis, direction),
        dynamics_rows=_dynamics(analysis, direction),
        charts=[chart_context(c) for c in [*draw_charts(analysis, "svg"), _indicator_chart(campaign, analysis),
                                           completeness_over_time(campaign, [s.id for s in analysis.data.schools])]
                if c is not None],
        lagging=[{"school": lag.profile.school, "reasons": lag.reasons, "empty": len(lag.profile.empty_directions),
                  "completion": format_percent(lag.profile.completion)} for lag in analysis.lagging],
        need_rows=[{"row": r, "kind": KINDS[r.kind], "key": f"{r.kind}:{r.code}"} for r in analysis.needs],
        outcome_rows=_outcomes(analysis),
        outcome_municipalities=_outcome_municipalities(analysis),
        # every direction, and the activity types with groups large enough to compare
        worked_rows=[w for w in analysis.outcomes.worked if not w.is_type or not w.suppressed] if analysis.outcomes else [],
        left=[analysis.school(s) for s in analysis.outcomes.left] if analysis.outcomes else [],
        left_of=f"из {count_in(analysis.outcomes.shnor_schools, 'школа', 'gent')}" if analysis.outcomes and analysis.outcomes.shnor_schools else "",
    )


def _indicator_chart(campaign: Campaign, a: Analysis):
    if a.outcomes is None or not a.outcomes.vs_previous or campaign.previous is None:
        return None
    return indicator_dynamics(a.outcomes.vs_previous, "svg", labels=(campaign.previous.period_label(), campaign.period_label()))


def _outcomes(a: Analysis) -> list[dict]:
    o = a.outcomes
    if o is None:
        return []
    previous = {(c.code, c.subject): c for c in o.vs_previous or []}
    earlier = {(c.code, c.subject): c for c in o.vs_year_before or []}
    rows = []
    for r in o.totals:
        if r.region is None:
            continue
        delta = {}
        for name, found in (("previous", previous), ("earlier", earlier)):
            c = found.get((r.code, r.subject))
            delta[name] = content.delta_text(c.delta, r.unit, r.decimals) if c else "—"
        rows.append({"label": content.indicator_label(r.name, r.subject), "value": content.value_text(r.region.value, r.unit, r.decimals),
                     "how": "сумма" if r.unit in COUNT_UNITS else "взвешенное среднее" if r.region.weighted else "среднее по школам",
                     "schools": r.region.schools, **delta})
    return rows


def _outcome_municipalities(a: Analysis) -> list[dict]:
    o = a.outcomes
    if o is None:
        return []
    names = sorted({m for r in o.totals for m in r.municipalities})
    return [{"name": m, "cells": [content.value_text(r.municipalities[m].value, r.unit, r.decimals) if m in r.municipalities else "—"
                                  for r in o.totals]} for m in names]


def need_drill(campaign: Campaign, school_ids: list[int], key: str, which: str) -> DrillDown | None:
    """The schools behind one number of the needs table: which = schools | planned | done | unplanned."""
    analysis = stored.analysis(campaign, school_ids, inline=True)
    row = next((r for r in analysis.needs if f"{r.kind}:{r.code}" == key), None)
    if row is None or which not in NEED_COLUMNS:
        return None
    ids = set(getattr(row, which))
    return DrillDown(f"{row.label} — {NEED_COLUMNS[which]}", "", "", "", False, [p for p in analysis.profiles if p.school.id in ids], [],
                     caption=f"Школы, где {KINDS[row.kind]} {NEED_CAPTIONS[which]}")


@dataclass
class WorkedDrill:
    """The schools behind one row of «Что сработало»: those that did it (`did`) or not, each with its change."""

    label: str
    indicator: str
    did: bool
    suppressed: bool
    rows: list[dict]  # school, change (formatted)
    other: int  # the other group's size
    municipality: str = ""


WORKED_GROUPS = {"did": True, "did_not": False}


def worked_drill(campaign: Campaign, school_ids: list[int], group: str, indicator: str, which: str,
                 municipality: str = "") -> WorkedDrill | None:
    """`group`: «direction:type» of the row, `indicator`: «code:subject», `which`: did | did_not; as the dashboard
    computed it, for the viewer's schools or one municipality of them."""
    if which not in WORKED_GROUPS:
        return None
    analysis = stored.analysis(campaign, school_ids, inline=True)
    if municipality:
        analysis = stored.analysis(campaign, [s.id for s in analysis.data.schools if s.municipality == municipality], inline=True)
    o = analysis.outcomes
    code, _, subject = indicator.partition(":")
    row = next((w for w in (o.worked if o else []) if w.group == group and w.indicator_key == (code, subject)), None)
    coverage = next((r for r in analysis.coverage.rows if r.direction is not None and f"{r.direction}:{r.activity_type or ''}" == group), None)
    if row is None or coverage is None:
        return None
    did, did_not = o.groups_of(row, coverage.school_ids)
    chosen, other = (did, did_not) if WORKED_GROUPS[which] else (did_not, did)
    schools = sorted((analysis.school(s) for s in chosen), key=lambda s: (s.municipality, s.name))
    return WorkedDrill(row.label, row.indicator, WORKED_GROUPS[which], row.suppressed,
                       [{"school": s, "change": content.delta_text(chosen[s.id], row.unit, 2)} for s in schools], len(other), municipality)


NEED_CAPTIONS = {"schools": "выявлен(а)", "planned": "есть в диагностике и меры против него запланированы",
                 "done": "есть в диагностике и меры против него проведены в периоде",
                 "unplanned": "есть в диагностике, а мер против него в дорожной карте нет"}
NEED_COLUMNS = {"schools": "выявлено", "planned": "меры запланированы", "done": "меры проведены", "unplanned": "меры не запланированы"}


def _municipalities(a: Analysis, direction: str) -> list[dict]:
    codes = [d.code for d in a.analysed if not direction or d.code == direction]
    return [{
        "name": m.name, "schools": m.schools, "reported": count_share(m.reported, m.schools),
        "cells": [Cell(count_share(m.by_direction.get(c, 0), m.schools), direction=c, municipality=m.name) for c in codes],
        "directions_share": format_percent(m.directions_share), "completion": format_percent(m.completion),
    } for m in a.municipalities]


def _dynamics(a: Analysis, direction: str) -> list[dict]:
    d = a.dynamics
    if d is None or not d.school_ids:
        return []
    n = len(d.school_ids)
    order = {dir_.code: i for i, dir_ in enumerate(a.data.directions)}
    changes = [c for c in d.directions + d.types if not direction or c.direction == direction]
    changes.sort(key=lambda c: (order.get(c.direction, len(order)), c.activity_type is not None))  # stable: framework order within
    return [{"name": c.name, "is_direction": c.activity_type is None, "direction": c.direction or "", "type": c.activity_type or "",
             "before": count_share(c.before, n), "after": count_share(c.after, n), "delta": c.delta,
             "gained": len(c.gained), "lost": len(c.lost)} for c in changes]


def municipality_names(campaign: Campaign, school_ids: list[int]) -> list[str]:
    return sorted(set(campaign.schools.filter(pk__in=school_ids).values_list("municipality__name", flat=True)))


@dataclass
class DrillDown:
    label: str
    municipality: str
    direction: str
    type_code: str
    missing: bool  # the schools that did not do it
    profiles: list
    entries: list
    caption: str = ""  # instead of «Школы, которые это сделали» (the needs table)

    @property
    def query(self) -> str:
        from urllib.parse import urlencode

        return urlencode({"direction": self.direction, "type": self.type_code})


def drill_down(campaign: Campaign, school_ids: list[int], *, municipality: str = "", direction: str = "", type_code: str = "",
               missing: bool = False, limit: int = 2000) -> DrillDown:
    """The schools behind one number (done, or with `missing` not done) and their done entries of that kind."""
    analysis = stored.analysis(campaign, school_ids, inline=True)
    profiles = [p for p in analysis.profiles if not municipality or p.school.municipality == municipality]
    if type_code:
        def hit(p):
            return type_code in p.types_done
    elif direction:
        def hit(p):
            return direction in p.directions_done
    else:
        def hit(p):
            return p.school.reported
    chosen = [p for p in profiles if hit(p) != missing]
    entries = []
    if not missing and (type_code or direction):
        qs = ReportEntry.objects.filter(
            report__campaign=campaign, report__school_id__in=[p.school.id for p in chosen], report__status__in=counted_statuses(False),
            status__in=ReportEntry.DONE,
        ).select_related("report__school", "activity_type", "direction").prefetch_related("evidence").order_by("report__school__short_name", "order")
        if type_code:
            qs = qs.filter(activity_type__code=type_code)
        maps_direction = {t.code: t.direction for t in analysis.data.types}
        entries = [e for e in qs[:limit] if type_code or (e.direction.code if e.direction_id else maps_direction.get(
            e.activity_type.code if e.activity_type_id else None)) == direction]
    label = analysis.type_name(type_code) if type_code else analysis.direction_name(direction) if direction else "Представили отчёт"
    return DrillDown(label, municipality, direction, type_code, missing, chosen, entries)
