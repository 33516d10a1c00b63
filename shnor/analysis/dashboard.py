"""The coordinators' dashboard of one campaign: coverage by direction, municipalities side by side, dynamics
and completeness, filtered by municipality and direction. A fixed number of queries whatever the region's size.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

from shnor.core.analysis import Analysis
from shnor.core.render.charts import Chart, draw_charts
from shnor.core.russian import count_share, format_percent
from shnor.monitoring.completeness import Completeness, completeness
from shnor.monitoring.models import Campaign, ReportEntry

from .records import counted_statuses
from .spravka import analysis_for


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

    @property
    def directions(self):
        return self.analysis.analysed


def build(campaign: Campaign, school_ids: list[int], municipality: str = "", direction: str = "") -> Dashboard:
    analysis = analysis_for(campaign, school_ids)
    if municipality:
        ids = [s.id for s in analysis.data.schools if s.municipality == municipality]
        analysis = analysis_for(campaign, ids)
    schools = campaign.schools.filter(pk__in=[s.id for s in analysis.data.schools])
    progress = completeness(campaign, schools)
    rows = [{"row": r, "missing": r.schools_total - r.schools} for r in analysis.coverage.rows
            if r.direction is not None and (not direction or r.direction == direction)]
    return Dashboard(
        campaign=campaign, analysis=analysis, progress=progress, municipality=municipality, direction=direction,
        coverage_rows=rows,
        municipality_rows=_municipalities(analysis, direction),
        dynamics_rows=_dynamics(analysis, direction),
        charts=[_chart(c) for c in draw_charts(analysis)],
        lagging=[{"school": lag.profile.school, "reasons": lag.reasons, "empty": len(lag.profile.empty_directions),
                  "completion": format_percent(lag.profile.completion)} for lag in analysis.lagging],
    )


def _chart(c: Chart) -> dict:
    return {"key": c.key, "title": c.title, "b64": base64.b64encode(c.png).decode("ascii")}


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

    @property
    def query(self) -> str:
        from urllib.parse import urlencode

        return urlencode({"direction": self.direction, "type": self.type_code})


def drill_down(campaign: Campaign, school_ids: list[int], *, municipality: str = "", direction: str = "", type_code: str = "",
               missing: bool = False, limit: int = 2000) -> DrillDown:
    """The schools behind one number (done, or with `missing` not done) and their done entries of that kind."""
    analysis = analysis_for(campaign, school_ids)
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
