"""Coverage queries: which schools did what, per direction and activity type, from the campaign's done entries.

The pure computation is shnor.core.coverage; this module feeds it from the database and caches the result until
the campaign's reports change (stamps.py).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection

from shnor.core.coverage import Coverage, EntryFact, compute_coverage, coverage_of
from shnor.core.russian import DASH, count_share
from shnor.plans.maps import FrameworkMaps, framework_maps
from shnor.registry.models import Municipality

from .models import Campaign, MunicipalReport, ReportEntry, SchoolReport
from .stamps import CACHE_SECONDS, campaign_stamp, ids_key


def counted_statuses(include_submitted: bool) -> list[str]:
    """The report states whose entries count: certified and accepted, and submitted ones when asked for."""
    return list(SchoolReport.COUNTED) + ([SchoolReport.Status.SUBMITTED] if include_submitted else [])


def entry_facts(campaign: Campaign, maps: FrameworkMaps, include_submitted: bool = False) -> list[EntryFact]:
    """One fact per distinct (school, type, direction, report status) among the campaign's done entries."""
    rows = (
        ReportEntry.objects.filter(
            report__campaign=campaign, report__status__in=counted_statuses(include_submitted), status__in=ReportEntry.DONE
        )
        .values_list("report__school_id", "activity_type_id", "direction_id", "report__status")
        .order_by()  # the model's ordering would add its columns to the DISTINCT and defeat it
        .distinct()
    )
    return [
        EntryFact(
            school_id,
            maps.type_code.get(type_id),
            maps.effective_direction(type_id, direction_id),
            report_status != SchoolReport.Status.SUBMITTED,
        )
        for school_id, type_id, direction_id, report_status in rows
    ]


def coverage_for(campaign: Campaign, include_submitted: bool = False, school_ids=None) -> Coverage:
    """The campaign's coverage; `school_ids` narrows it to a subset (a municipality, a user's scope).

    Cached until the campaign's reports change (`campaign_stamp`): the coverage page and API of a campaign of
    thousands of schools answer from the cache instead of aggregating on every request.
    """
    key = f"coverage:{campaign.pk}:{campaign_stamp(campaign)}:{int(include_submitted)}:{ids_key(school_ids)}"
    coverage = cache.get(key)
    if coverage is None:
        coverage = compute_coverage_for(campaign, include_submitted, school_ids)
        cache.set(key, coverage, CACHE_SECONDS)
    return coverage


def compute_coverage_for(campaign: Campaign, include_submitted: bool = False, school_ids=None) -> Coverage:
    """`coverage_for` without the cache.

    The same result as `compute_coverage(entry_facts(...))`, computed from one aggregate query that returns the
    distinct schools per (activity type, direction) instead of one row per school: for a region of 500 schools
    this is the difference between 15 000 rows turned into objects and 40 rows (tests compare the two).
    """
    maps = framework_maps(campaign.framework)
    members = list(campaign.schools.values_list("pk", flat=True))
    if school_ids is not None:
        allowed = set(school_ids)
        members = [s for s in members if s in allowed]
    done = done_school_rows(campaign.pk, counted_statuses(include_submitted))
    if done is None:  # a database without a string aggregate
        return compute_coverage(entry_facts(campaign, maps, include_submitted), members, maps.directions, maps.types)
    rows, submitted = done
    by_key: dict[tuple[str | None, str | None], set[int]] = {}
    for type_id, direction_id, ids in rows:
        key = (maps.effective_direction(type_id, direction_id), maps.type_code.get(type_id))
        by_key.setdefault(key, set()).update(id_list(ids))
    uncertified = {key: schools & submitted for key, schools in by_key.items()} if submitted else {}
    return coverage_of(by_key, uncertified, members, maps.directions, maps.types)


def done_school_rows(campaign_id: int, statuses: list[str]) -> tuple[list[tuple[int | None, int | None, str]], set[int]] | None:
    """([(activity type id, direction id, the schools with a done entry there as comma-separated text)], the
    schools whose report is only submitted). Raw SQL: the ORM has no portable GROUP_CONCAT.

    PostgreSQL groups the distinct schools first and joins them into text after: an aggregate's own DISTINCT
    sorts every entry (2.4 s at 50,000 schools), a GROUP BY can hash. SQLite is faster the other way round
    (5.5 against 9.4 ms at 500 schools). A school has one report per campaign, so the submitted ones are one
    small query instead of a second aggregate per row."""
    report, entry = SchoolReport._meta.db_table, ReportEntry._meta.db_table
    marks = ", ".join(["%s"] * len(statuses))
    done = (f"FROM {entry} e JOIN {report} r ON e.report_id = r.id "
            f"WHERE r.campaign_id = %s AND r.status IN ({marks}) AND e.status IN (%s, %s) ")
    if connection.vendor == "sqlite":
        sql = f"SELECT e.activity_type_id, e.direction_id, GROUP_CONCAT(DISTINCT r.school_id) {done} GROUP BY e.activity_type_id, e.direction_id"
    elif connection.vendor == "postgresql":
        sql = (f"SELECT activity_type_id, direction_id, STRING_AGG(school_id::text, ',') FROM ("
               f"SELECT e.activity_type_id, e.direction_id, r.school_id {done} GROUP BY e.activity_type_id, e.direction_id, r.school_id"
               ") done GROUP BY activity_type_id, direction_id")
    else:
        return None
    with connection.cursor() as cursor:
        cursor.execute(sql, [campaign_id, *statuses, *ReportEntry.DONE])
        rows = cursor.fetchall()
        submitted: set[int] = set()
        if SchoolReport.Status.SUBMITTED in statuses:
            cursor.execute(f"SELECT school_id FROM {report} WHERE campaign_id = %s AND status = %s", [campaign_id, SchoolReport.Status.SUBMITTED])
            submitted = {school_id for (school_id,) in cursor.fetchall()}
    return rows, submitted


def id_list(text: str | None) -> list[int]:
    """The ids of a comma-separated aggregate; json's parser reads them faster than int() one by one."""
    return json.loads(f"[{text}]") if text else []


# ---------------------------------------------------------------------------------------------------------
# «Мероприятия муниципальных дорожных карт»: the municipalities' own roadmaps, apart from the schools' coverage
# ---------------------------------------------------------------------------------------------------------


@dataclass
class MunicipalRow:
    """One municipality's own roadmap in a campaign: its report's state and what the counted report says."""

    municipality: Municipality
    report: MunicipalReport | None
    planned: int  # planned activities due in the period (the report's planned entries, or the roadmap's)
    done: int = 0
    partial: int = 0
    not_done: int = 0  # не выполнено or перенесено
    unmarked: int = 0
    unplanned: int = 0  # done without being planned
    counted: bool = False  # the numbers come from a counted report (or a submitted one, when asked for)

    @property
    def state(self) -> str:
        return self.report.status if self.report else "not_started"

    @property
    def label(self) -> str:
        return self.report.get_status_display() if self.report else "не начат"

    @property
    def done_label(self) -> str:
        """«3 (75 %)» of the planned activities, fully or partly done; «—» while the report does not count."""
        return count_share(self.done + self.partial, self.planned) if self.counted else DASH


def municipal_coverage(campaign: Campaign, include_submitted: bool = False, municipality_ids=None) -> list[MunicipalRow]:
    """The campaign's municipalities with their own roadmaps (`municipality_ids` narrows them to a viewer's), one row
    each. Counted like the schools: a certified or accepted report (and a submitted one when asked for)."""
    from .workflow import municipal_planned_for

    munis = campaign.municipalities.order_by("name")
    if municipality_ids is not None:
        munis = munis.filter(pk__in=municipality_ids)
    munis = list(munis)
    if not munis:  # the common case: one query, and the campaign page stays within its budget
        return []
    reports = {r.municipality_id: r for r in MunicipalReport.objects.filter(campaign=campaign)}
    statuses = counted_statuses(include_submitted)
    counts: dict[int, Counter] = {}
    for report_id, planned, status in (ReportEntry.objects.filter(municipal_report__campaign=campaign)
                                       .values_list("municipal_report_id", "planned_activity_id", "status").order_by()):
        counts.setdefault(report_id, Counter())[("planned" if planned else "unplanned", status)] += 1
    rows = []
    for muni in munis:
        report = reports.get(muni.pk)
        if report is None:
            rows.append(MunicipalRow(muni, None, len(municipal_planned_for(campaign, muni))))
            continue
        c = counts.get(report.pk, Counter())
        planned = sum(n for (kind, _), n in c.items() if kind == "planned")
        rows.append(MunicipalRow(
            muni, report, planned, done=c[("planned", ReportEntry.Status.DONE)], partial=c[("planned", ReportEntry.Status.PARTIAL)],
            not_done=c[("planned", ReportEntry.Status.NOT_DONE)] + c[("planned", ReportEntry.Status.POSTPONED)],
            unmarked=c[("planned", "")], unplanned=sum(n for (kind, status), n in c.items() if kind == "unplanned" and status in ReportEntry.DONE),
            counted=report.status in statuses,
        ))
    return rows
