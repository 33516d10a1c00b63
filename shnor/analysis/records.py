"""Build the pure core's records from the database: the one place analysis reads entries via the ORM."""

from __future__ import annotations

from dataclasses import dataclass

from shnor.core.coverage import Coverage, DirectionInfo, EntryFact, TypeInfo, compute_coverage
from shnor.monitoring.models import Campaign, ReportEntry, SchoolReport
from shnor.plans.models import ActivityType, Direction, TypeMapping


@dataclass
class FrameworkMaps:
    directions: list[DirectionInfo]
    types: list[TypeInfo]  # the types mapped into this framework
    type_code: dict[int, str]  # every activity type: id → code
    type_direction: dict[int, str | None]  # type id → code of its primary direction here
    direction_code: dict[int, str]  # direction id → code, this framework only

    def effective_direction(self, type_id: int | None, direction_id: int | None) -> str | None:
        # An explicit direction of this framework wins over the type's primary direction.
        if direction_id is not None and direction_id in self.direction_code:
            return self.direction_code[direction_id]
        return self.type_direction.get(type_id) if type_id is not None else None


def framework_maps(framework) -> FrameworkMaps:
    directions = list(Direction.objects.filter(framework=framework).order_by("order", "code"))
    direction_code = {d.pk: d.code for d in directions}
    primary: dict[int, int] = {}
    for type_id, direction_id, is_primary in TypeMapping.objects.filter(direction__framework=framework).values_list(
        "activity_type_id", "direction_id", "is_primary"
    ):
        if is_primary or type_id not in primary:
            primary[type_id] = direction_id
    types = list(ActivityType.objects.order_by("order", "code"))
    type_direction = {t.pk: direction_code.get(primary.get(t.pk)) for t in types}
    return FrameworkMaps(
        directions=[DirectionInfo(d.code, d.name) for d in directions],
        types=[TypeInfo(t.code, t.name, type_direction[t.pk], t.form) for t in types if t.pk in primary],
        type_code={t.pk: t.code for t in types},
        type_direction=type_direction,
        direction_code=direction_code,
    )


def counted_statuses(include_submitted: bool) -> list[str]:
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
    from django.core.cache import cache

    from shnor.monitoring.stamps import CACHE_SECONDS, campaign_stamp, ids_key

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
    sets = _done_school_sets(campaign.pk, counted_statuses(include_submitted))
    if sets is None:  # a database without a distinct string aggregate
        return compute_coverage(entry_facts(campaign, maps, include_submitted), members, maps.directions, maps.types)
    by_key: dict[tuple[str | None, str | None], set[int]] = {}
    submitted: set[int] = set()
    for (type_id, direction_id), (schools, uncertified) in sets.items():
        key = (maps.effective_direction(type_id, direction_id), maps.type_code.get(type_id))
        by_key.setdefault(key, set()).update(schools)
        submitted |= uncertified  # a school has one report per campaign: uncertified everywhere or nowhere
    return coverage_from_sets(by_key, submitted, members, maps.directions, maps.types)


def _done_school_sets(campaign_id: int, statuses: list[str]) -> dict[tuple[int | None, int | None], tuple[set[int], set[int]]] | None:
    """(activity type id, direction id) → (the schools with a done entry there, those of them whose report is only
    submitted), in counted reports; None when the database has no distinct string aggregate.
    Raw SQL: the ORM has no portable GROUP_CONCAT."""
    from django.db import connection

    if connection.vendor == "sqlite":
        schools, uncertified = "GROUP_CONCAT(DISTINCT r.school_id)", "GROUP_CONCAT(DISTINCT CASE WHEN r.status = %s THEN r.school_id END)"
    elif connection.vendor == "postgresql":
        schools = "STRING_AGG(DISTINCT r.school_id::text, ',')"
        uncertified = "STRING_AGG(DISTINCT CASE WHEN r.status = %s THEN r.school_id::text END, ',')"
    else:
        return None
    marks = ", ".join(["%s"] * len(statuses))
    sql = (
        f"SELECT e.activity_type_id, e.direction_id, {schools}, {uncertified} "
        f"FROM {ReportEntry._meta.db_table} e JOIN {SchoolReport._meta.db_table} r ON e.report_id = r.id "
        f"WHERE r.campaign_id = %s AND r.status IN ({marks}) AND e.status IN (%s, %s) "
        "GROUP BY e.activity_type_id, e.direction_id"
    )

    def ids(text: str | None) -> set[int]:
        return {int(s) for s in text.split(",")} if text else set()

    with connection.cursor() as cursor:
        cursor.execute(sql, [SchoolReport.Status.SUBMITTED, campaign_id, *statuses, *ReportEntry.DONE])
        return {(type_id, direction_id): (ids(all_ids), ids(submitted)) for type_id, direction_id, all_ids, submitted in cursor.fetchall()}


def coverage_from_sets(by_key: dict[tuple[str | None, str | None], set[int]], uncertified: set[int], school_ids, directions, types) -> Coverage:
    """compute_coverage's rows from (direction, type) → schools: same order, same rows, same numbers."""
    from shnor.core.coverage import CoverageRow

    members = set(school_ids)
    total = len(members)
    keys = {key: schools & members for key, schools in by_key.items()}
    keys = {key: schools for key, schools in keys.items() if schools}
    by_direction: dict[str | None, set[int]] = {}
    for (direction, _code), schools in keys.items():
        by_direction.setdefault(direction, set()).update(schools)

    def row(direction, code, name, schools) -> CoverageRow:
        return CoverageRow(direction, code, name, sorted(schools), total, sorted(schools & uncertified))

    type_names = {t.code: t.name for t in types}
    known = [d.code for d in directions]
    rows = []
    for d in directions:
        rows.append(row(d.code, None, d.name, by_direction.get(d.code, set())))
        listed = [t.code for t in types if t.direction == d.code]
        extra = sorted(code for (direction, code) in keys if direction == d.code and code is not None and code not in listed)
        for code in listed + extra:
            rows.append(row(d.code, code, type_names.get(code, code), keys.get((d.code, code), set())))
    orphan_types = sorted({code for (direction, code) in keys if direction not in known and code is not None})
    if orphan_types or by_direction.get(None):
        rows.append(row(None, None, "Вне направлений этой системы", by_direction.get(None, set())))
        for code in orphan_types:
            merged = set().union(*(s for (direction, c), s in keys.items() if c == code and direction not in known))
            rows.append(row(None, code, type_names.get(code, code), merged))
    return Coverage(schools_total=total, directions=list(directions), rows=rows)


# ---------------------------------------------------------------------------------------------------------
# Everything the analysis and the справка need about one campaign, in a fixed number of queries.
# ---------------------------------------------------------------------------------------------------------


def campaign_data(campaign: Campaign, school_ids=None, include_submitted: bool = False, maps: FrameworkMaps | None = None,
                  facts_only: bool = False):
    """The campaign as plain records for shnor.core.analysis: seven queries whatever the number of schools.

    `school_ids` narrows it to the schools a user may see (a municipal coordinator sees only theirs).
    Entries and indicator values come from counted reports only (see `counted_statuses`).
    `facts_only`: no entries, only the distinct done facts that coverage needs — what the dynamics take from a
    previous campaign (at 50,000 schools, two million entries that would otherwise be held for nothing).
    """
    from django.db.models import Exists, OuterRef, Q

    from shnor.core.analysis import CampaignData, EntryRecord, IndicatorRecord, SchoolInfo
    from shnor.monitoring.models import Evidence, IndicatorValue

    maps = maps or framework_maps(campaign.framework)
    schools_qs = campaign.schools.select_related("municipality").order_by("municipality__name", "short_name")
    if school_ids is not None:
        schools_qs = schools_qs.filter(pk__in=list(school_ids))
    schools = list(schools_qs.values_list("pk", "short_name", "municipality__name"))
    members = {pk for pk, _, _ in schools}
    statuses = counted_statuses(include_submitted)
    reported = set(
        SchoolReport.objects.filter(campaign=campaign, status__in=statuses, school_id__in=members).values_list("school_id", flat=True)
    )
    rows = (
        ReportEntry.objects.filter(report__campaign=campaign, report__status__in=statuses, report__school_id__in=members)
        .annotate(has_evidence=Exists(Evidence.objects.filter(entry=OuterRef("pk"))))
        .values_list("report__school_id", "activity_type_id", "direction_id", "status", "planned_activity_id", "report__status", "has_evidence")
        .order_by()  # the model's ordering would join campaigns and schools only to sort a million rows nobody needs sorted
    )
    # One string object per status instead of one per entry: at 50,000 schools that is a million strings.
    status_text = {s: s for s in ReportEntry.Status.values}
    # (type, direction) pairs are few: resolve each once rather than once per entry.
    keys: dict[tuple[int | None, int | None], tuple[str | None, str | None]] = {}
    entries = []
    for school_id, type_id, direction_id, status, planned_id, report_status, has_evidence in (rows.iterator(chunk_size=5000) if not facts_only else ()):
        key = keys.get((type_id, direction_id))
        if key is None:
            key = keys[(type_id, direction_id)] = (maps.type_code.get(type_id), maps.effective_direction(type_id, direction_id))
        entries.append(EntryRecord(school_id, key[0], key[1], status_text.get(status, status or ""), planned_id is not None,
                                   bool(has_evidence), report_status != SchoolReport.Status.SUBMITTED))
    values = (
        IndicatorValue.objects.filter(campaign=campaign, school_id__in=members)
        .filter(Q(report__isnull=True) | Q(report__status__in=statuses))
        .order_by("indicator__order", "school_id")
        .values_list("school_id", "indicator__code", "indicator__name", "indicator__unit", "value", "indicator__higher_is_better",
                     "indicator__decimals", "subject")
    )
    indicators = [IndicatorRecord(*row) for row in values]
    data = CampaignData(
        code=campaign.code,
        title=campaign.title,
        period_text=campaign.period_label(),
        period_start=campaign.period_start,
        period_end=campaign.period_end,
        schools=[SchoolInfo(pk, name, muni, pk in reported) for pk, name, muni in schools],
        directions=maps.directions,
        types=maps.types,
        entries=entries,
        indicators=indicators,
        region=campaign.region.name,
    )
    if facts_only:
        data._facts = [f for f in entry_facts(campaign, maps, include_submitted) if f.school_id in members]
    return data
