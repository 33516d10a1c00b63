"""Coverage from the schools of each (direction, type) is the per-fact computation, row for row."""

from __future__ import annotations

import random
from array import array

import pytest

from shnor.core.coverage import DirectionInfo, EntryFact, TypeInfo, compute_coverage, coverage_of

DIRECTIONS = [DirectionInfo("teachers", "Учителя"), DirectionInfo("parents", "Родители"), DirectionInfo("idle", "Никто")]
TYPES = [TypeInfo("pk_courses", "КПК", "teachers"), TypeInfo("mentoring", "Наставничество", "teachers"),
         TypeInfo("parent_education", "Собрания", "parents"), TypeInfo("lost", "Без направления", None)]
# Directions of facts: the framework's, one it does not know and none; types: listed, unlisted and none.
FACT_DIRECTIONS = ["teachers", "parents", "elsewhere", None]
FACT_TYPES = ["pk_courses", "mentoring", "parent_education", "lost", "unlisted", None]


def as_sets(facts: list[EntryFact]) -> tuple[dict, dict]:
    """(per key, its schools as a sorted array), (per key, the schools none of whose facts there is certified)."""
    certified: dict = {}
    for f in facts:
        bucket = certified.setdefault((f.direction, f.activity_type), {})
        bucket[f.school_id] = bucket.get(f.school_id, False) or f.certified
    return ({key: array("q", sorted(bucket)) for key, bucket in certified.items()},
            {key: frozenset(s for s, ok in bucket.items() if not ok) for key, bucket in certified.items()})


@pytest.mark.parametrize("seed", range(40))
def test_coverage_of_the_sets_is_compute_coverage_of_the_facts(seed):
    rng = random.Random(seed)
    facts = [EntryFact(rng.randrange(40), rng.choice(FACT_TYPES), rng.choice(FACT_DIRECTIONS), rng.random() < 0.7)
             for _ in range(rng.randrange(0, 120))]
    members = rng.sample(range(45), rng.randrange(1, 45))  # some facts' schools are not members, some members have none
    by_key, uncertified = as_sets(facts)
    assert coverage_of(by_key, uncertified, members, DIRECTIONS, TYPES) == compute_coverage(facts, members, DIRECTIONS, TYPES)


def test_a_direction_row_is_uncertified_only_where_every_type_of_the_school_is():
    facts = [EntryFact(1, "pk_courses", "teachers", False), EntryFact(1, "mentoring", "teachers", True),
             EntryFact(2, "pk_courses", "teachers", False)]
    by_key, uncertified = as_sets(facts)
    row = coverage_of(by_key, uncertified, [1, 2, 3], DIRECTIONS, TYPES).direction_row("teachers")
    assert row.school_ids == [1, 2] and row.uncertified_ids == [2]
