"""Records built from the database: the fast coverage equals the core's computation from per-entry facts, and the
entries summarised in SQL equal the summary of the per-entry records, on the demo and on hand-made edge cases."""

from __future__ import annotations

import pytest

from shnor.analysis.records import campaign_data
from shnor.core.analysis import analyse, summarise
from shnor.core.coverage import compute_coverage
from shnor.core.findings import generate
from shnor.monitoring.coverage import coverage_for, entry_facts
from shnor.monitoring.models import Campaign, Evidence, ReportEntry, SchoolReport
from shnor.plans.maps import framework_maps
from shnor.plans.models import ActivityType, Direction, PlannedActivity

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
    data = campaign_data(campaign, entries=True)
    assert len(data.schools) == 16 and all(s.reported for s in data.schools)
    assert {e.status for e in data.entries} >= {"done", "partial", "not_done", "postponed"}
    assert sum(1 for e in data.entries if not e.planned) == 3
    assert {r.code for r in data.indicators} == {"quality", "success_rate", "failing", "vpr_avg", "vpr_confirmed"}
    assert {r.subject for r in data.indicators if r.code == "vpr_avg"} == {"математика", "русский язык"}
    assert data.coverage().by_type()["pk_courses"] == 16


# --- the entries summarised in SQL (what the справка reads) against the per-entry records --------------------


def summaries(campaign, school_ids=None, include_submitted=False, facts_only=False):
    """(summary from SQL, summary of the per-entry records) of the same campaign."""
    fast = campaign_data(campaign, school_ids, include_submitted, facts_only=facts_only).summary
    slow = summarise(campaign_data(campaign, school_ids, include_submitted, entries=True).entries)
    return fast, slow


def assert_same_summary(fast, slow, facts_only=False):
    assert fast.done_schools == slow.done_schools
    assert fast.uncertified == slow.uncertified
    if not facts_only:
        assert fast.tallies == slow.tallies
        assert fast.worked == slow.worked
        assert fast.done_by_type == slow.done_by_type


def analysis_tuple(a):
    """Everything an analysis yields that the rules and the справка read."""
    d = a.dynamics
    return (
        as_tuples(a.coverage), [x.code for x in a.analysed], [x.code for x in a.not_analysed],
        [(p.school, sorted(p.types_done), sorted(p.directions_done), p.empty_directions, p.planned, p.planned_done, p.done,
          p.unplanned_done, list(p.not_done), p.without_evidence) for p in a.profiles],
        a.forms, a.municipalities, a.systemic, [(lag.profile.school.id, lag.reasons) for lag in a.lagging],
        d and (d.school_ids, d.directions, d.types, d.indicators, d.improved, d.worsened),
        [(f.kind, f.rule, f.key, f.text, f.data, f.school_ids) for f in generate(a)],
    )


def both_analyses(campaign, school_ids=None, include_submitted=False):
    fast = campaign_data(campaign, school_ids, include_submitted)
    slow = campaign_data(campaign, school_ids, include_submitted, entries=True)
    fast_prev = slow_prev = None
    if campaign.previous_id:
        fast_prev = campaign_data(campaign.previous, school_ids, facts_only=True)
        slow_prev = campaign_data(campaign.previous, school_ids, entries=True)
    return analysis_tuple(analyse(fast, fast_prev)), analysis_tuple(analyse(slow, slow_prev))


@pytest.mark.parametrize("code", ["bryansk-2020-h2", "bryansk-2021-h1", "bryansk-2021-h2"])
@pytest.mark.parametrize("include_submitted", [False, True])
def test_the_summary_from_sql_equals_the_summary_of_the_entries_on_the_demo(code, include_submitted):
    campaign = Campaign.objects.get(code=code)
    some = list(campaign.schools.order_by("pk").values_list("pk", flat=True))[::3]
    for school_ids in (None, some):
        fast, slow = summaries(campaign, school_ids, include_submitted)
        assert fast.tallies and fast.done_schools
        assert_same_summary(fast, slow)
        assert_same_summary(*summaries(campaign, school_ids, include_submitted, facts_only=True), facts_only=True)


@pytest.mark.parametrize("code", ["bryansk-2021-h1", "bryansk-2021-h2"])
def test_the_analysis_and_findings_from_the_summary_equal_those_from_the_entries_on_the_demo(code):
    campaign = Campaign.objects.get(code=code)
    fast, slow = both_analyses(campaign)
    assert fast == slow
    some = list(campaign.schools.order_by("pk").values_list("pk", flat=True))[:5]
    fast, slow = both_analyses(campaign, some)
    assert fast == slow


def edge_cases(world):
    """Reports with everything the summary must get right: explicit and foreign directions, entries without a type,
    unplanned entries done and not, unmarked and postponed ones, evidence on some, a submitted report, a returned
    one, a school that left the campaign after reporting, and a school with nothing done."""
    from shnor.registry.models import School

    foreign = Direction.objects.filter(framework__code="risk500").first()
    own = Direction.objects.get(framework=world.framework, code="parents")
    planned = list(PlannedActivity.objects.filter(roadmap=world.roadmap).order_by("order"))
    gone = School.objects.create(municipality=world.m2, short_name="МБОУ Ушедшая СОШ", full_name="МБОУ Ушедшая СОШ")
    world.campaign.schools.add(gone)

    def report(school, status, rows):
        r = SchoolReport.objects.create(campaign=world.campaign, school=school, status=status)
        for title, code, direction, entry_status, plan, evidence in rows:
            entry = ReportEntry.objects.create(report=r, title=title, activity_type=ActivityType.objects.get(code=code) if code else None,
                                               direction=direction, status=entry_status, planned_activity=plan)
            if evidence:
                Evidence.objects.create(entry=entry, kind="order", number="52")
        return r

    report(world.a1, "accepted", [
        ("КПК", "pk_courses", None, "done", planned[0], True),
        ("КПК ещё раз", "pk_courses", None, "partial", planned[0], False),
        ("Собрание", "parent_education", own, "not_done", planned[1], False),
        ("Наставничество", "mentoring", None, "postponed", planned[2], True),
        ("Пробы", "career_guidance", None, "", planned[3], False),
        ("Наставничество снова", "mentoring", None, "not_done", planned[2], False),
        ("Нечто без вида", None, None, "done", None, False),
        ("Чужое направление", "mentoring", foreign, "done", None, True),
        ("Несделанное сверх плана", "webinars", None, "not_done", None, False),
    ])
    report(world.a2, "submitted", [
        ("КПК", "pk_courses", None, "done", planned[0], True),
        ("Вид без направления", "identification", None, "done", None, False),
        ("Перенесено", "subject_weeks", None, "postponed", planned[1], False),
    ])
    report(world.b1, "returned", [("КПК", "pk_courses", None, "done", planned[0], True)])
    report(gone, "certified", [("Семинар", "methodical_events", None, "done", None, True)])
    world.campaign.schools.remove(gone)  # its report stays, and must not count
    return world.campaign


@pytest.mark.parametrize("include_submitted", [False, True])
def test_the_summary_from_sql_equals_the_summary_of_the_entries_on_edge_cases(world, include_submitted):
    campaign = edge_cases(world)
    for school_ids in (None, [world.a1.pk], [world.a2.pk, world.b1.pk], []):
        fast, slow = summaries(campaign, school_ids, include_submitted)
        assert_same_summary(fast, slow)
        assert_same_summary(*summaries(campaign, school_ids, include_submitted, facts_only=True), facts_only=True)
    fast, _ = summaries(campaign, None, include_submitted)
    a1 = fast.tallies[world.a1.pk]
    assert (a1.planned, a1.planned_done, a1.done, a1.unplanned_done, a1.without_evidence) == (6, 2, 4, 2, 2)
    assert [(e.activity_type, e.status) for e in a1.not_done] == [("parent_education", "not_done"), ("mentoring", "postponed"),
                                                                  ("career_guidance", ""), ("mentoring", "not_done")]
    assert set(fast.tallies) == ({world.a1.pk, world.a2.pk} if include_submitted else {world.a1.pk})
    if include_submitted:
        assert fast.uncertified and all(ids == {world.a2.pk} for ids in fast.uncertified.values())


def test_the_analysis_from_the_summary_equals_the_one_from_the_entries_on_edge_cases(world):
    campaign = edge_cases(world)
    for include_submitted in (False, True):
        fast = campaign_data(campaign, include_submitted=include_submitted)
        slow = campaign_data(campaign, include_submitted=include_submitted, entries=True)
        assert analysis_tuple(analyse(fast)) == analysis_tuple(analyse(slow))


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_on_postgresql_the_counts_run_beside_the_rest_and_agree(world, monkeypatch):
    from django.db import connection, transaction

    from shnor.analysis import records

    started = []

    class Watched(records.ThreadPoolExecutor):
        def submit(self, fn, *args, **kwargs):
            started.append(fn)
            return super().submit(fn, *args, **kwargs)

    monkeypatch.setattr(records, "ThreadPoolExecutor", Watched)
    campaign = edge_cases(world)  # committed: a second connection sees it
    for include_submitted in (False, True):
        for school_ids in (None, [world.a1.pk]):
            fast, slow = summaries(campaign, school_ids, include_submitted)
            assert_same_summary(fast, slow)
    # The second connection is used where it can see what is committed: PostgreSQL, outside a transaction.
    assert len(started) == (4 if connection.vendor == "postgresql" else 0)
    started.clear()
    with transaction.atomic():  # a second connection would not see this transaction's writes: all in this thread
        assert campaign_data(campaign).summary.tallies == summaries(campaign)[0].tallies
    assert started == []
