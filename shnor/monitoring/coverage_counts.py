"""Coverage maintained, not recomputed: per campaign × row of the coverage table (a direction, or an activity type within
it), how many schools count, kept in `CoverageCount` by the workflow step that changes it, in its transaction.

Why a step can keep it cheaply: entries change only while a report is editable (draft or returned), and such a report
does not count; a school's contribution changes only when its report's status moves between «does not count»,
«submitted» and «counts» (certified or accepted). The step then reads the school's done entries (one small query) and
adds or takes one from the rows the school counts for. The rows are keyed by the effective direction and type codes,
so they depend on the framework's maps: the maps' fingerprint is kept beside them (`CampaignVersion.coverage_maps`),
and counts built with other maps are rebuilt when read. Nothing is maintained until the first reader builds them from
the full computation (`rebuild`); `verify` compares them with it (`shnor coverage --verify`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from django.db import transaction
from django.db.models import F, Q

from shnor.core.coverage import Coverage, CoverageRow
from shnor.plans.maps import FrameworkMaps, framework_maps

from .coverage import compute_coverage_for, counted_statuses, coverage_for, done_school_rows, id_list
from .models import Campaign, CampaignVersion, CoverageCount, ReportEntry, SchoolReport

OUTSIDE = "~"  # the rows «Вне направлений этой системы»
COUNTED, SUBMITTED = "counted", "submitted"

Key = tuple[str, str]  # (direction code or OUTSIDE, type code or "" for the direction's own row)


def column(status: str | None) -> str | None:
    """Which count a report of this status adds to: COUNTED, SUBMITTED or none."""
    if status in SchoolReport.COUNTED:
        return COUNTED
    if status == SchoolReport.Status.SUBMITTED:
        return SUBMITTED
    return None


def maps_key(maps: FrameworkMaps) -> str:
    parts = [",".join(d.code for d in maps.directions), ",".join(f"{k}:{v}" for k, v in sorted(maps.type_code.items())),
             ",".join(f"{k}:{v}" for k, v in sorted(maps.type_direction.items())), ",".join(f"{k}:{v}" for k, v in sorted(maps.direction_code.items()))]
    return hashlib.sha1("|".join(parts).encode()).hexdigest()


def fact_keys(maps: FrameworkMaps, known: set[str], type_id: int | None, direction_id: int | None) -> list[Key]:
    """The rows one done (type, direction) puts a school in: the same rows `core.coverage.coverage_of` makes."""
    direction, code = maps.effective_direction(type_id, direction_id), maps.type_code.get(type_id)
    if direction in known:
        return [(direction, ""), (direction, code)] if code else [(direction, "")]
    keys = [(OUTSIDE, code)] if code else []
    return keys + [(OUTSIDE, "")] if direction is None else keys


def school_keys(report: SchoolReport, maps: FrameworkMaps) -> set[Key]:
    known = {d.code for d in maps.directions}
    facts = (ReportEntry.objects.filter(report=report, status__in=ReportEntry.DONE).order_by()
             .values_list("activity_type_id", "direction_id").distinct())
    return {key for type_id, direction_id in facts for key in fact_keys(maps, known, type_id, direction_id)}


def _add(campaign_id: int, keys: set[Key], name: str, delta: int) -> None:
    if not keys:
        return
    CoverageCount.objects.bulk_create([CoverageCount(campaign_id=campaign_id, direction=d, activity_type=t) for d, t in sorted(keys)],
                                      ignore_conflicts=True)
    match = Q()
    for d, t in keys:
        match |= Q(direction=d, activity_type=t)
    CoverageCount.objects.filter(match, campaign_id=campaign_id).update(**{name: F(name) + delta})


def report_moved(report: SchoolReport, before: str, after: str) -> None:
    """A report's status changed from `before` to `after` in the current transaction: move its school's contribution.
    The caller has locked the report; the campaign's version row is locked by the same step's `versions.bump`."""
    if not isinstance(report, SchoolReport):
        return  # a municipality's own report: its own coverage table, not the schools'
    old, new = column(before), column(after)
    if old == new:
        return
    built = CampaignVersion.objects.filter(campaign_id=report.campaign_id).values_list("coverage_maps", flat=True).first()
    if not built:
        return  # not built yet: the first reader builds the counts from the full computation
    campaign = report.campaign
    maps = framework_maps(campaign.framework)
    if maps_key(maps) != built:
        CampaignVersion.objects.filter(campaign_id=campaign.pk).update(coverage_maps="")  # rebuilt by the next reader
        return
    if not Campaign.schools.through.objects.filter(campaign_id=campaign.pk, school_id=report.school_id).exists():
        return
    keys = school_keys(report, maps)
    if old:
        _add(campaign.pk, keys, old, -1)
    if new:
        _add(campaign.pk, keys, new, +1)


def computed_counts(campaign: Campaign, maps: FrameworkMaps) -> dict[Key, list[int]]:
    """key → [counted, submitted] from the campaign's entries: what the maintained rows must hold."""
    known = {d.code for d in maps.directions}
    members = set(campaign.schools.values_list("pk", flat=True))
    by_key: dict[Key, set[int]] = {}
    statuses = counted_statuses(True)
    done = done_school_rows(campaign.pk, statuses)
    if done is None:  # a database without a string aggregate: the facts one by one
        facts = (ReportEntry.objects.filter(report__campaign=campaign, report__status__in=statuses, status__in=ReportEntry.DONE).order_by()
                 .values_list("activity_type_id", "direction_id", "report__school_id", "report__status").distinct())
        rows = [(t, d, str(s)) for t, d, s, _ in facts]
        submitted = {s for _, _, s, status in facts if status == SchoolReport.Status.SUBMITTED}
    else:
        rows, submitted = done
    for type_id, direction_id, ids in rows:
        schools = set(id_list(ids)) & members
        for key in fact_keys(maps, known, type_id, direction_id):
            by_key.setdefault(key, set()).update(schools)
    return {key: [len(schools - submitted), len(schools & submitted)] for key, schools in by_key.items() if schools}


@transaction.atomic
def rebuild(campaign: Campaign, maps: FrameworkMaps | None = None) -> None:
    """Replace the campaign's maintained counts by the full computation's."""
    # The version row is locked first: a step committing meanwhile waits, and then adds to the rebuilt counts.
    CampaignVersion.objects.bulk_create([CampaignVersion(campaign_id=campaign.pk)], ignore_conflicts=True)
    CampaignVersion.objects.filter(campaign_id=campaign.pk).update(coverage_maps="")
    maps = maps or framework_maps(campaign.framework)
    counts = computed_counts(campaign, maps)
    CoverageCount.objects.filter(campaign=campaign).delete()
    CoverageCount.objects.bulk_create([CoverageCount(campaign=campaign, direction=d, activity_type=t, counted=c, submitted=s)
                                       for (d, t), (c, s) in sorted(counts.items())], batch_size=1000)
    CampaignVersion.objects.filter(campaign_id=campaign.pk).update(coverage_maps=maps_key(maps))


def maintained(campaign: Campaign, maps: FrameworkMaps) -> dict[Key, tuple[int, int]]:
    """The maintained counts, built first when they are not (or were built with other maps)."""
    built = CampaignVersion.objects.filter(campaign_id=campaign.pk).values_list("coverage_maps", flat=True).first()
    if built != maps_key(maps):
        rebuild(campaign, maps)
    return {(d, t): (c, s) for d, t, c, s in
            CoverageCount.objects.filter(campaign=campaign).values_list("direction", "activity_type", "counted", "submitted")}


def schools_total(campaign: Campaign) -> int:
    """How many schools the campaign has, from its membership rows alone (with the schools joined: 130 ms at 50,000)."""
    return Campaign.schools.through.objects.filter(campaign_id=campaign.pk).count()


def maintained_coverage(campaign: Campaign, include_submitted: bool = False) -> Coverage:
    """The campaign's coverage table from the maintained counts: the rows, order and numbers of `compute_coverage_for`
    for all the campaign's schools, without the lists of schools (rows carry `count`, `uncertified_count`)."""
    maps = framework_maps(campaign.framework)
    counts = maintained(campaign, maps)
    total = schools_total(campaign)

    def numbers(key: Key) -> tuple[int, int]:
        counted, submitted = counts.get(key, (0, 0))
        return (counted + submitted, submitted) if include_submitted else (counted, 0)

    def row(direction, code, name, key: Key) -> CoverageRow:
        n, uncertified = numbers(key)
        return CoverageRow(direction, code, name, [], total, [], count=n, uncertified_count=uncertified)

    present = {key for key in counts if numbers(key)[0]}
    type_names = {t.code: t.name for t in maps.types}
    rows = []
    for d in maps.directions:
        rows.append(row(d.code, None, d.name, (d.code, "")))
        listed = [t.code for t in maps.types if t.direction == d.code]
        extra = sorted(code for direction, code in present if direction == d.code and code and code not in listed)
        for code in listed + extra:
            rows.append(row(d.code, code, type_names.get(code, code), (d.code, code)))
    orphan_types = sorted(code for direction, code in present if direction == OUTSIDE and code)
    if orphan_types or (OUTSIDE, "") in present:
        rows.append(row(None, None, "Вне направлений этой системы", (OUTSIDE, "")))
        for code in orphan_types:
            rows.append(row(None, code, type_names.get(code, code), (OUTSIDE, code)))
    return Coverage(schools_total=total, directions=list(maps.directions), rows=rows)


def coverage_numbers(campaign: Campaign, include_submitted: bool, school_ids: list[int]) -> Coverage:
    """The coverage numbers of the campaign's schools `school_ids` (a viewer's, a subset of the campaign's): from the
    maintained counts when they are all of them — the counts are campaign-wide — else computed for that part. Rows
    of maintained counts carry no lists of schools; ask `coverage_for` for those."""
    if len(school_ids) == schools_total(campaign):
        return maintained_coverage(campaign, include_submitted)
    return coverage_for(campaign, include_submitted, school_ids)


def numbers_of(coverage: Coverage) -> list[tuple]:
    """(direction, type, name, schools, of them uncertified, total) of each row: what maintained and computed must share."""
    return [(r.direction, r.activity_type, r.name, r.schools, r.uncertified, r.schools_total) for r in coverage.rows]


def verify(campaign: Campaign) -> list[str]:
    """The differences between the maintained counts and the full computation, in Russian (empty: they agree).
    Reads the maintained counts as they are (does not build them)."""
    problems = []
    built = CampaignVersion.objects.filter(campaign_id=campaign.pk).values_list("coverage_maps", flat=True).first()
    if not built:
        return ["счётчики охвата ещё не построены"]
    for include_submitted in (False, True):
        kept = {r[:2]: r for r in numbers_of(maintained_coverage(campaign, include_submitted))}
        full = {r[:2]: r for r in numbers_of(compute_coverage_for(campaign, include_submitted))}
        which = "с отправленными отчётами" if include_submitted else "по заверенным и принятым отчётам"
        for key in sorted(set(kept) | set(full), key=lambda k: (str(k[0]), str(k[1]))):
            a, b = kept.get(key), full.get(key)
            if a != b:
                name = (b or a)[2]
                problems.append(f"«{name}» ({which}): поддерживается {_shown(a)}, по полному расчёту {_shown(b)}")
    return problems


def _shown(row: tuple | None) -> str:
    if row is None:
        return "строки нет"
    return f"{row[3]} из {row[5]}" + (f", из них по отправленным {row[4]}" if row[4] else "")


def campaigns_of(ids: Iterable[int] | None = None):
    qs = Campaign.objects.select_related("framework").order_by("pk")
    return qs.filter(pk__in=list(ids)) if ids is not None else qs
