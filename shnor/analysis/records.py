"""Build the pure core's records from the database: the one place analysis reads entries via the ORM.

Coverage queries are monitoring's (monitoring/coverage.py), a framework's maps are plans' (plans/maps.py).
"""

from __future__ import annotations

import contextvars
from array import array
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from decimal import Decimal
from typing import TypeVar

from django.db import connections

from shnor.diagnosis.records import need_records
from shnor.monitoring.coverage import counted_statuses, done_school_rows, entry_facts, id_list
from shnor.monitoring.models import Campaign, ReportEntry, SchoolReport
from shnor.plans.maps import FrameworkMaps, framework_maps

T = TypeVar("T")

# Everything the analysis and the справка need about one campaign, in a fixed number of queries.


def campaign_data(campaign: Campaign, school_ids=None, include_submitted: bool = False, maps: FrameworkMaps | None = None,
                  facts_only: bool = False, entries: bool = False):
    """The campaign as plain records for shnor.core.analysis, in a fixed number of queries whatever the number of schools.

    `school_ids` narrows it to the schools a user may see (a municipal coordinator sees only theirs).
    Entries and indicator values come from counted reports only (see `counted_statuses`).
    The entries arrive already summarised (`entry_summary`): a national campaign has a million entries, and one
    object per entry was most of the справка's memory. `entries=True` reads one record per entry instead (the
    reference the summary is tested against). `facts_only`: only the distinct done facts that coverage needs —
    what the dynamics take from a previous campaign.
    """
    from django.db.models import Exists, OuterRef, Q

    from shnor.core.analysis import CampaignData, IndicatorRecord, SchoolInfo
    from shnor.monitoring.models import IndicatorValue

    maps = maps or framework_maps(campaign.framework)
    statuses = counted_statuses(include_submitted)
    counted = SchoolReport.objects.filter(campaign=campaign, school=OuterRef("pk"), status__in=statuses)
    schools_qs = campaign.schools.annotate(reported=Exists(counted)).order_by("municipality__name", "short_name")
    if school_ids is not None:
        schools_qs = schools_qs.filter(pk__in=list(school_ids))
    municipalities: dict[str, str] = {}  # one string per municipality, not one per school
    schools = [SchoolInfo(pk, name, municipalities.setdefault(muni, muni), reported) for pk, name, muni, reported
               in schools_qs.values_list("pk", "short_name", "municipality__name", "reported").iterator(chunk_size=5000)]
    members = {s.id: s.id for s in schools}  # also the one int object per school id that every set below shares
    scope = _MemberScope(campaign, members, narrowed=school_ids is not None)
    values = (
        scope.filter(IndicatorValue.objects.filter(campaign=campaign), "school_id")
        .filter(Q(report__isnull=True) | Q(report__status__in=statuses))
        .order_by("indicator__order", "school_id")
        .values_list("school_id", "indicator__code", "indicator__name", "indicator__unit", "value", "indicator__higher_is_better",
                     "indicator__decimals", "subject")
    )
    described: dict[tuple, tuple] = {}  # an indicator's strings once, not once per value
    # One Decimal object per distinct value: a national campaign has 150,000 values and a few thousand distinct ones
    # (the column's scale is fixed, so equal values are written alike). Kept facts pickle them shared as well.
    amounts: dict[Decimal, Decimal] = {}
    indicators = []
    for school_id, *about, value, higher, decimals, subject in values.iterator(chunk_size=5000):
        if school_id not in members:
            continue
        code, name, unit, higher, decimals, subject = described.setdefault(key := (*about, higher, decimals, subject), key)
        indicators.append(IndicatorRecord(members[school_id], code, name, unit, amounts.setdefault(value, value), higher, decimals, subject))
    data = CampaignData(
        code=campaign.code,
        title=campaign.title,
        period_text=campaign.period_label(),
        period_start=campaign.period_start,
        period_end=campaign.period_end,
        schools=schools,
        directions=maps.directions,
        types=maps.types,
        indicators=indicators,
        region=campaign.region.name,
        needs=[] if facts_only else need_records(campaign, statuses, school_ids),
        statuses=({}, {}) if facts_only else school_statuses(campaign, scope),
    )
    if entries and not facts_only:
        data.entries = entry_records(campaign, maps, scope, statuses)
    else:
        data.summary = entry_summary(campaign, maps, scope, statuses, facts_only=facts_only)
    return data


def school_statuses(campaign: Campaign, scope) -> tuple[dict[int, str], dict[int, str]]:
    """Each school's status in the academic year the campaign's period ends in, and in the next one."""
    from shnor.registry.models import SchoolStatus

    end = campaign.period_end
    year = end.year if end.month >= 9 else end.year - 1
    found: tuple[dict[int, str], dict[int, str]] = ({}, {})
    rows = scope.filter(SchoolStatus.objects.filter(year__in=[year, year + 1]), "school_id").values_list("school_id", "year", "status")
    for school_id, y, status in rows.iterator(chunk_size=5000):
        found[y - year][school_id] = status
    return found


class _MemberScope:
    """Which schools' rows count: the campaign's schools, or the part of them a user may see.

    The whole campaign is filtered by a subquery on its schools rather than by a list of 50,000 ids; a part of it
    (a municipality) by its ids. Rows are also checked against `members` in Python where they are read one by one.
    """

    def __init__(self, campaign: Campaign, members: dict[int, int], narrowed: bool):
        self.campaign, self.members, self.narrowed = campaign, members, narrowed

    def filter(self, qs, field: str):
        if self.narrowed:
            return qs.filter(**{f"{field}__in": list(self.members)})
        return qs.filter(**{f"{field}__in": Campaign.schools.through.objects.filter(campaign=self.campaign).values("school_id")})


def entry_records(campaign: Campaign, maps: FrameworkMaps, scope: _MemberScope, statuses: list[str]) -> list:
    """One record per entry of the counted reports: what `entry_summary` condenses; for small campaigns and tests."""
    from django.db.models import Exists, OuterRef

    from shnor.core.analysis import EntryRecord
    from shnor.monitoring.models import Evidence

    rows = (
        scope.filter(ReportEntry.objects.filter(report__campaign=campaign, report__status__in=statuses), "report__school_id")
        .annotate(has_evidence=Exists(Evidence.objects.filter(entry=OuterRef("pk"))))
        .values_list("report__school_id", "activity_type_id", "direction_id", "status", "planned_activity_id", "report__status", "has_evidence")
        .order_by("pk")
    )
    return [EntryRecord(school_id, maps.type_code.get(type_id), maps.effective_direction(type_id, direction_id), status or "",
                        planned_id is not None, bool(has_evidence), report_status != SchoolReport.Status.SUBMITTED)
            for school_id, type_id, direction_id, status, planned_id, report_status, has_evidence in rows.iterator(chunk_size=5000)
            if school_id in scope.members]


def entry_summary(campaign: Campaign, maps: FrameworkMaps, scope: _MemberScope, statuses: list[str], facts_only: bool = False):
    """`summarise(entry_records(...))` computed by the database: per-school counts, the distinct done (school, type,
    direction) facts and the planned entries not done (alike ones sharing one record), instead of one object per
    entry. A school's entries not done are in the order of their ids. The two aggregates that are nearly all the
    database's work (the kinds of entries and the per-school counts) run on a connection of their own while this
    thread reads and sorts the rest (`alongside`)."""
    from django.db.models import Count, Exists, OuterRef, Q

    from shnor.core.analysis import EntryRecord, EntrySummary, SchoolTally
    from shnor.monitoring.models import Evidence

    members = scope.members
    if facts_only:
        done_schools, uncertified = _done_facts(campaign, maps, scope, statuses)
        return EntrySummary(done_schools=done_schools, uncertified=uncertified)
    entries = scope.filter(ReportEntry.objects.filter(report__campaign=campaign, report__status__in=statuses), "report__school_id").order_by()
    done = Q(status__in=ReportEntry.DONE)
    planned = Q(planned_activity__isnull=False)
    kinds = entries.values("activity_type_id", "direction_id").annotate(n=Count("pk", filter=done)).values_list("activity_type_id", "direction_id", "n")
    counts = (
        entries.annotate(has_evidence=Exists(Evidence.objects.filter(entry=OuterRef("pk"))))
        .values("report__school_id")
        .annotate(planned=Count("pk", filter=planned), planned_done=Count("pk", filter=planned & done), done=Count("pk", filter=done),
                  unplanned_done=Count("pk", filter=~planned & done), without_evidence=Count("pk", filter=done & Q(has_evidence=False)))
        .order_by()
        .values_list("report__school_id", "planned", "planned_done", "done", "unplanned_done", "without_evidence")
    )

    with alongside(lambda: (list(kinds), list(counts.iterator(chunk_size=5000)))) as aggregates:
        done_schools, uncertified = _done_facts(campaign, maps, scope, statuses)
        types: dict[int, set[str]] = defaultdict(set)
        directions: dict[int, set[str]] = defaultdict(set)
        for (direction, code), schools in done_schools.items():
            for school_id in schools:
                if code:
                    types[members[school_id]].add(code)
                if direction:
                    directions[members[school_id]].add(direction)

        not_done: dict[int, list[EntryRecord]] = defaultdict(list)
        alike: dict[EntryRecord, EntryRecord] = {}  # one object for a school's alike entries
        rows = (
            entries.filter(planned).exclude(done)
            .annotate(has_evidence=Exists(Evidence.objects.filter(entry=OuterRef("pk"))))
            .order_by("report__school_id", "pk")
            .values_list("report__school_id", "activity_type_id", "direction_id", "status", "has_evidence", "report__status")
        )
        for school_id, type_id, direction_id, status, has_evidence, report_status in rows.iterator(chunk_size=5000):
            if school_id in members:
                record = EntryRecord(members[school_id], maps.type_code.get(type_id), maps.effective_direction(type_id, direction_id), status or "",
                                     True, bool(has_evidence), report_status != SchoolReport.Status.SUBMITTED)
                not_done[school_id].append(alike.setdefault(record, record))
        kind_rows, count_rows = aggregates()

    worked: set[str] = set()
    done_by_type: dict[str | None, int] = {}
    for type_id, direction_id, n in kind_rows:
        direction = maps.effective_direction(type_id, direction_id)
        if direction is not None:
            worked.add(direction)
        if n:
            code = maps.type_code.get(type_id)
            done_by_type[code] = done_by_type.get(code, 0) + n

    shared: dict[frozenset[str], frozenset[str]] = {}  # schools doing the same kinds of things share one set

    def frozen(values: set[str] | None) -> frozenset[str]:
        key = frozenset(values or ())
        return shared.setdefault(key, key)

    tallies = {}
    for school_id, n_planned, n_planned_done, n_done, n_unplanned_done, n_without_evidence in count_rows:
        if school_id in members:
            school_id = members[school_id]
            tallies[school_id] = SchoolTally(frozen(types.get(school_id)), frozen(directions.get(school_id)), n_planned, n_planned_done,
                                             n_done, n_unplanned_done, n_without_evidence, tuple(not_done.pop(school_id, ())))
    return EntrySummary(tallies, frozenset(worked), done_by_type, done_schools, uncertified)


@contextmanager
def alongside(work: Callable[[], T]) -> Iterator[Callable[[], T]]:
    """Run `work` in a second thread with a connection of its own while the block runs; the block gets the result by
    calling what it is given. For work that waits on the database, or that fills this thread's waits on it: at 50,000
    schools the per-school counts and the kinds of entries keep the database busy for almost two seconds while this
    thread reads the done facts and the entries not done (side by side, the server's second core does them), and the
    earlier campaigns' kept facts are unpickled while this thread waits for the campaign's rows. Only on PostgreSQL
    outside a transaction: there each query reads what is committed whichever connection runs it (as the analysis's
    queries do one after another), and the server has a process for each connection. Inside a transaction (tests, a
    view's atomic block) a second connection would not see its writes, so `work` runs in this thread, when the block
    asks for its result."""
    if connections["default"].vendor != "postgresql" or connections["default"].in_atomic_block:
        yield work
        return
    context = contextvars.copy_context()  # the router's «read from the primary / the replica» goes along

    def in_thread() -> T:
        try:
            return context.run(work)
        finally:
            connections.close_all()  # this thread's connections only

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="shnor-analysis") as pool:
        yield pool.submit(in_thread).result


def _done_facts(campaign: Campaign, maps: FrameworkMaps, scope: _MemberScope, statuses: list[str]) -> tuple[dict, dict]:
    """EntrySummary's done_schools and uncertified, for the done entries of counted reports of members."""
    from shnor.core.analysis import school_ids

    members = scope.members
    parts: dict[tuple[str | None, str | None], list[array]] = {}
    submitted: dict[tuple[str | None, str | None], set[int]] = {}
    for key, ids, submitted_ids in _done_fact_rows(campaign, maps, statuses):
        # Straight into an array: sets of a million int objects would cost more than the whole summary.
        parts.setdefault(key, []).append(array("q", (s for s in ids if s in members)))
        submitted.setdefault(key, set()).update(s for s in submitted_ids if s in members)
    done_schools = {}
    for key, arrays in parts.items():
        # Each school comes once per (type id, direction id); two of those can be one (direction, type) here.
        ids = arrays[0] if len(arrays) == 1 else set().union(*arrays)
        if ids:
            done_schools[key] = school_ids(ids)
    # A school has one report per campaign: its facts are all certified or all not.
    uncertified = {key: frozenset(submitted[key]) for key in done_schools if submitted.get(key)}
    return done_schools, uncertified


def _done_fact_rows(campaign: Campaign, maps: FrameworkMaps, statuses: list[str]) -> Iterator[tuple[tuple, Iterable[int], Iterable[int]]]:
    """((direction, type), the schools with a done entry there, those of them with a submitted report), as few rows."""
    done = done_school_rows(campaign.pk, statuses)
    if done is None:  # a database without a string aggregate: the facts one by one
        for f in entry_facts(campaign, maps, SchoolReport.Status.SUBMITTED in statuses):
            yield (f.direction, f.activity_type), (f.school_id,), (() if f.certified else (f.school_id,))
        return
    rows, submitted = done
    for type_id, direction_id, all_ids in rows:
        ids = id_list(all_ids)
        yield (maps.effective_direction(type_id, direction_id), maps.type_code.get(type_id)), ids, (submitted.intersection(ids) if submitted else ())
