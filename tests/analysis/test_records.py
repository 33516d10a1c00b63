"""Records built from the database: the fast coverage equals the core's computation from per-entry facts."""

from __future__ import annotations

import pytest

from shnor.analysis.records import campaign_data, coverage_for, entry_facts, framework_maps
from shnor.core.coverage import compute_coverage
from shnor.monitoring.models import Campaign, ReportEntry, SchoolReport
from shnor.plans.models import ActivityType, Direction

pytestmark = pytest.mark.django_db


def slow(campaign, include_submitted=False, school_ids=None):
    maps = framework_maps(campaign.framework)
    members = list(campaign.schools.values_list("pk", flat=True))
    if school_ids is not None:
        members = [s for s in members if s in set(school_ids)]
    return compute_coverage(entry_facts(campaign, maps, include_submitted), members, maps.directions, maps.types)


def as_tuples(coverage):
    return [(r.direction, r.activity_type, r.name, r.school_ids, r.schools_total, r.uncertified_ids) for r in coverage.rows]


@pytest.mark.parametrize("code", ["bryansk-2020-h2", "bryansk-2021-h1", "bryansk-2021-h2"])
@pytest.mark.parametrize("include_submitted", [False, True])
def test_the_fast_coverage_equals_the_cores_on_the_demo(code, include_submitted):
    campaign = Campaign.objects.get(code=code)
    assert as_tuples(coverage_for(campaign, include_submitted)) == as_tuples(slow(campaign, include_submitted))
    some = list(campaign.schools.values_list("pk", flat=True))[:5]
    assert as_tuples(coverage_for(campaign, include_submitted, some)) == as_tuples(slow(campaign, include_submitted, some))


def test_the_fast_coverage_equals_the_cores_with_explicit_and_foreign_directions(world):
    other = Direction.objects.filter(framework__code="risk500").first()
    own = Direction.objects.get(framework=world.framework, code="parents")
    report = SchoolReport.objects.create(campaign=world.campaign, school=world.a1, status="submitted")
    for title, code, direction in [("КПК", "pk_courses", None), ("КПК для родителей", "pk_courses", own), ("Нечто", None, None),
                                   ("Чужое направление", "mentoring", other), ("Вид без направления", "identification", None)]:
        ReportEntry.objects.create(report=report, title=title, activity_type=ActivityType.objects.get(code=code) if code else None,
                                   direction=direction, status="done")
    for flag in (False, True):
        assert as_tuples(coverage_for(world.campaign, flag)) == as_tuples(slow(world.campaign, flag))


def test_campaign_data_carries_schools_entries_and_indicators_of_counted_reports():
    campaign = Campaign.objects.get(code="bryansk-2021-h1")
    data = campaign_data(campaign)
    assert len(data.schools) == 16 and all(s.reported for s in data.schools)
    assert {e.status for e in data.entries} >= {"done", "partial", "not_done", "postponed"}
    assert sum(1 for e in data.entries if not e.planned) == 3
    assert {r.code for r in data.indicators} == {"quality", "success_rate", "failing"}
    assert data.coverage().by_type()["pk_courses"] == 16
