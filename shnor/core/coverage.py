"""Coverage: how many of a campaign's schools did each kind of activity, per direction.

A school counts for an activity type when at least one of its entries of that type is done or
partly done in a report that counts (certified by its curator or accepted; optionally submitted).
A school counts for a direction when it counts for any activity type of that direction, or has a
done entry assigned to the direction explicitly. Percentages are of the campaign's schools.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence, Set
from dataclasses import dataclass, field
from decimal import Decimal

from .russian import count_share, percent

DONE_STATUSES = frozenset({"done", "partial"})


@dataclass(frozen=True, slots=True)
class EntryFact:
    """One done entry reduced to what coverage needs (built from the database or a document)."""

    school_id: int
    activity_type: str | None
    direction: str | None  # the effective direction: explicit, else the type's primary direction
    certified: bool = True  # False for a submitted, not yet certified report


@dataclass(frozen=True)
class DirectionInfo:
    code: str
    name: str


@dataclass(frozen=True)
class TypeInfo:
    code: str
    name: str
    direction: str | None  # primary direction in the campaign's framework
    form: str = "other"


@dataclass
class CoverageRow:
    direction: str | None
    activity_type: str | None  # None: the direction's own row (any activity of the direction)
    name: str
    school_ids: list[int]
    schools_total: int
    uncertified_ids: list[int] = field(default_factory=list)  # counted only thanks to submitted reports
    # A row of maintained counts (monitoring.coverage_counts) carries the numbers without the lists of schools.
    count: int | None = None
    uncertified_count: int | None = None

    @property
    def schools(self) -> int:
        return len(self.school_ids) if self.count is None else self.count

    @property
    def uncertified(self) -> int:
        return len(self.uncertified_ids) if self.uncertified_count is None else self.uncertified_count

    @property
    def percent(self) -> Decimal | None:
        return percent(self.schools, self.schools_total)

    @property
    def label(self) -> str:
        """«13 (81,3 %)»"""
        return count_share(self.schools, self.schools_total)

    def as_dict(self) -> dict:
        pct = self.percent
        return {
            "activity_type": self.activity_type,
            "direction": self.direction,
            "name": self.name,
            "schools": self.schools,
            "schools_total": self.schools_total,
            "percent": float(pct) if pct is not None else None,
            "school_ids": self.school_ids,
            "uncertified_school_ids": self.uncertified_ids,
        }


@dataclass
class Coverage:
    schools_total: int
    directions: list[DirectionInfo]
    rows: list[CoverageRow]

    def direction_row(self, code: str) -> CoverageRow:
        return next(r for r in self.rows if r.direction == code and r.activity_type is None)

    def type_rows(self, direction: str | None = None) -> list[CoverageRow]:
        return [r for r in self.rows if r.activity_type is not None and (direction is None or r.direction == direction)]

    def row_for_type(self, code: str) -> CoverageRow | None:
        return next((r for r in self.rows if r.activity_type == code), None)

    def by_type(self) -> dict[str, int]:
        return {r.activity_type: r.schools for r in self.type_rows()}

    def as_dicts(self) -> list[dict]:
        return [r.as_dict() for r in self.rows]


def compute_coverage(
    facts: Iterable[EntryFact],
    school_ids: Sequence[int],
    directions: Sequence[DirectionInfo],
    types: Sequence[TypeInfo],
) -> Coverage:
    """Coverage rows in framework order: each direction's row, then its activity types' rows.

    Facts of schools outside `school_ids` are ignored (a school removed from the campaign).
    Every type of the framework gets a row, zero included, so that gaps are visible.
    """
    members = set(school_ids)
    total = len(members)
    by_key: dict[tuple[str | None, str | None], dict[int, bool]] = defaultdict(dict)
    by_direction: dict[str | None, dict[int, bool]] = defaultdict(dict)
    for fact in facts:
        if fact.school_id not in members:
            continue
        for bucket in (by_key[(fact.direction, fact.activity_type)], by_direction[fact.direction]):
            # A school is certified for a row when any of its entries there is certified.
            bucket[fact.school_id] = bucket.get(fact.school_id, False) or fact.certified

    type_names = {t.code: t.name for t in types}
    rows: list[CoverageRow] = []
    known_directions = [d.code for d in directions]
    for d in directions:
        rows.append(_row(d.code, None, d.name, by_direction.get(d.code, {}), total))
        listed = [t.code for t in types if t.direction == d.code]
        extra = sorted(
            code for (direction, code) in by_key if direction == d.code and code is not None and code not in listed
        )
        for code in listed + extra:
            rows.append(_row(d.code, code, type_names.get(code, code), by_key.get((d.code, code), {}), total))
    # Done entries with no direction in this framework still appear, so nothing is silently lost.
    orphan_types = sorted(
        {code for (direction, code) in by_key if direction not in known_directions and code is not None}
    )
    if orphan_types or by_direction.get(None):
        rows.append(_row(None, None, "Вне направлений этой системы", by_direction.get(None, {}), total))
        for code in orphan_types:
            merged: dict[int, bool] = {}
            for (direction, c), bucket in by_key.items():
                if c == code and direction not in known_directions:
                    for school, certified in bucket.items():
                        merged[school] = merged.get(school, False) or certified
            rows.append(_row(None, code, type_names.get(code, code), merged, total))
    return Coverage(schools_total=total, directions=list(directions), rows=rows)


def _row(direction, activity_type, name, bucket: dict[int, bool], total: int) -> CoverageRow:
    return CoverageRow(
        direction=direction,
        activity_type=activity_type,
        name=name,
        school_ids=sorted(bucket),
        schools_total=total,
        uncertified_ids=sorted(s for s, certified in bucket.items() if not certified),
    )


Key = tuple[str | None, str | None]  # (effective direction, activity type)


def coverage_of(by_key: Mapping[Key, Collection[int]], uncertified: Mapping[Key, Set[int]], school_ids: Collection[int],
                directions: Sequence[DirectionInfo], types: Sequence[TypeInfo]) -> Coverage:
    """`compute_coverage`'s rows from the schools of each (direction, type) rather than one fact per entry: the same
    rows in the same order with the same schools. `uncertified`: per key, those of its schools whose every entry there
    is in a submitted, not yet certified report. A direction's row merges its keys; a school is uncertified there
    when it is uncertified in each of them."""
    # One int object per school, shared by every row: a national campaign has a million (school, type) pairs, and an
    # object for each (read from the arrays of ids) would cost a hundred megabytes more than the rows' lists.
    members = {school: school for school in school_ids}
    total = len(members)
    keys: dict[Key, list[int]] = {}
    doubtful: dict[Key, list[int]] = {}
    for key, ids in by_key.items():
        schools = sorted({members[s] for s in ids if s in members})
        if schools:
            keys[key] = schools
            if uncertified.get(key):
                doubtful[key] = sorted(uncertified[key].intersection(schools))

    def row(direction, code, name, parts: list[Key]) -> CoverageRow:
        if len(parts) == 1:
            return CoverageRow(direction, code, name, keys[parts[0]], total, doubtful.get(parts[0], []))
        schools = set().union(*(keys[k] for k in parts))
        unsure: set[int] = set()
        if any(k in doubtful for k in parts):
            unsure = schools.difference(*(set(keys[k]).difference(doubtful.get(k, ())) for k in parts))
        return CoverageRow(direction, code, name, sorted(schools), total, sorted(unsure))

    type_names = {t.code: t.name for t in types}
    known = [d.code for d in directions]
    rows = []
    for d in directions:
        rows.append(row(d.code, None, d.name, [k for k in keys if k[0] == d.code]))
        listed = [t.code for t in types if t.direction == d.code]
        extra = sorted(code for (direction, code) in keys if direction == d.code and code is not None and code not in listed)
        for code in listed + extra:
            rows.append(row(d.code, code, type_names.get(code, code), [(d.code, code)] if (d.code, code) in keys else []))
    orphan_types = sorted({code for (direction, code) in keys if direction not in known and code is not None})
    outside = [k for k in keys if k[0] is None]
    if orphan_types or outside:
        rows.append(row(None, None, "Вне направлений этой системы", outside))
        for code in orphan_types:
            rows.append(row(None, code, type_names.get(code, code), [k for k in keys if k[1] == code and k[0] not in known]))
    return Coverage(schools_total=total, directions=list(directions), rows=rows)
