"""Maintained coverage: the counts the workflow keeps agree with the full computation after any sequence of steps."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shnor.monitoring import coverage_counts, workflow
from shnor.monitoring.coverage import compute_coverage_for
from shnor.monitoring.models import CoverageCount, SchoolReport
from shnor.monitoring.workflow import EntryChange, WorkflowError
from shnor.plans.models import ActivityType, Direction
from shnor.registry.models import Membership
from tests.conftest import make_user

TYPES = ["pk_courses", "mentoring", "parent_education", "open_lessons", None]
STATUSES = ["done", "partial", "not_done", "postponed"]

step = st.one_of(
    st.tuples(st.just("edit"), st.integers(0, 2), st.sampled_from(TYPES), st.sampled_from(STATUSES), st.booleans()),
    st.tuples(st.sampled_from(["submit", "certify", "accept", "return", "recall"]), st.integers(0, 2)),
)


def _agree(campaign) -> None:
    for include_submitted in (False, True):
        kept = coverage_counts.numbers_of(coverage_counts.maintained_coverage(campaign, include_submitted))
        full = coverage_counts.numbers_of(compute_coverage_for(campaign, include_submitted))
        assert kept == full
    assert coverage_counts.verify(campaign) == []


def _run(world, steps, heads, curators, directions) -> None:
    schools = [world.a1, world.a2, world.b1]
    u = world.users
    for s in steps:
        school = schools[s[1]]
        report = workflow.open_report(world.campaign, school, u["head"])
        report = SchoolReport.objects.get(pk=report.pk)
        try:
            if s[0] == "edit":
                _, _, code, status, explicit = s
                type_id = ActivityType.objects.get(code=code).pk if code else None
                marked = [EntryChange(e.pk, e.title, e.status or "done", e.actual_result, e.activity_type_id, e.direction_id)
                          for e in report.entries.all()]
                new = EntryChange(None, f"Мероприятие {len(marked) + 1}", status, "Проведено", type_id,
                                  directions[len(marked) % len(directions)] if explicit or not code else None,
                                  reason=None if status == "done" else "Перенесено приказом")
                workflow.save_report(report, heads[school.pk], report.version, [*marked, new])
            elif s[0] == "submit":
                workflow.submit(report, heads[school.pk], report.version)
            elif s[0] == "certify":
                workflow.certify(report, curators[school.pk], report.version)
            elif s[0] == "accept":
                workflow.accept(report, u["coordinator"], report.version)
            elif s[0] == "return":
                workflow.return_report(report, u["coordinator"], report.version, "Уточните результаты")
            else:
                workflow.recall(report, heads[school.pk], report.version)
        except WorkflowError:
            pass  # a step the state does not allow changes nothing


@pytest.fixture
def actors(world):
    R = Membership.Role
    heads = {world.a1.pk: world.users["head"], world.a2.pk: make_user("t_head_a2", (R.HEAD, {"school": world.a2})),
             world.b1.pk: world.users["head_b1"]}
    curators = {world.a1.pk: world.users["curator"], world.a2.pk: world.users["curator"], world.b1.pk: world.users["curator2"]}
    directions = list(Direction.objects.filter(framework=world.framework).order_by("order").values_list("pk", flat=True))
    return heads, curators, directions


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(steps=st.lists(step, min_size=1, max_size=14))
def test_the_maintained_counts_equal_the_computation_after_any_sequence_of_workflow_steps(world, actors, steps):
    with transaction.atomic():
        coverage_counts.maintained_coverage(world.campaign)  # built before the steps: from here on the steps keep them
        _run(world, steps, *actors)
        _agree(world.campaign)
        transaction.set_rollback(True)


def test_a_certified_report_moves_the_counts_in_its_own_step(world, actors):
    heads, curators, directions = actors
    _run(world, [("edit", 0, "pk_courses", "done", False), ("submit", 0)], heads, curators, directions)
    before = coverage_counts.maintained_coverage(world.campaign, True).row_for_type("pk_courses")
    assert (before.schools, before.uncertified) == (1, 1)
    assert coverage_counts.maintained_coverage(world.campaign).row_for_type("pk_courses").schools == 0
    _run(world, [("certify", 0)], heads, curators, directions)
    assert coverage_counts.maintained_coverage(world.campaign).row_for_type("pk_courses").schools == 1
    _run(world, [("return", 0)], heads, curators, directions)
    assert coverage_counts.maintained_coverage(world.campaign, True).row_for_type("pk_courses").schools == 0
    _agree(world.campaign)


def test_verify_finds_a_wrong_count_and_rebuild_mends_it(world, actors):
    _run(world, [("edit", 2, "mentoring", "done", False), ("submit", 2), ("certify", 2)], *actors)
    coverage_counts.maintained_coverage(world.campaign)
    out = StringIO()
    call_command("coverage", "--verify", "--campaign", world.campaign.code, stdout=out)
    assert "совпадают с полным расчётом" in out.getvalue()
    CoverageCount.objects.filter(campaign=world.campaign, activity_type="mentoring").update(counted=7)  # a writer that bypassed the door
    out = StringIO()
    with pytest.raises(CommandError, match="расходятся с полным расчётом: 1.кампания из 1"):
        call_command("coverage", "--verify", "--campaign", world.campaign.code, stdout=out)
    assert "поддерживается 7 из 3, по полному расчёту 1 из 3" in out.getvalue().replace("\xa0", " ")
    out = StringIO()
    call_command("coverage", "--rebuild", "--verify", stdout=out)
    assert "счётчики охвата пересчитаны" in out.getvalue()
    assert coverage_counts.verify(world.campaign) == []
    assert coverage_counts.maintained_coverage(world.campaign).row_for_type("mentoring").schools == 1


def test_the_campaign_page_shows_the_maintained_number_after_a_step(world, actors):
    from django.urls import reverse

    from shnor.core.russian import normalize_spaces

    client = world.client("coordinator")
    url = reverse("campaign_detail", args=[world.campaign.code])
    client.get(url)  # builds the counts
    _run(world, [("edit", 2, "open_lessons", "done", False), ("submit", 2), ("certify", 2)], *actors)
    body = normalize_spaces(client.get(url).content.decode())
    assert "1 (33,3 %)" in body
    assert coverage_counts.verify(world.campaign) == []


def test_counts_built_with_other_maps_are_rebuilt_when_read(world, actors):
    _run(world, [("edit", 0, "pk_courses", "done", False), ("submit", 0), ("certify", 0)], *actors)
    coverage_counts.maintained_coverage(world.campaign)
    from shnor.monitoring.models import CampaignVersion

    CampaignVersion.objects.filter(campaign=world.campaign).update(coverage_maps="other")
    CoverageCount.objects.filter(campaign=world.campaign).update(counted=0)
    assert coverage_counts.maintained_coverage(world.campaign).row_for_type("pk_courses").schools == 1


def test_the_coverage_export_of_the_whole_campaign_reads_the_counts_and_of_a_part_computes_it(world, actors):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from shnor.monitoring import exports
    from shnor.monitoring.models import ReportEntry

    _run(world, [("edit", 0, "pk_courses", "done", False), ("submit", 0), ("certify", 0)], *actors)
    coverage_counts.maintained_coverage(world.campaign)
    everyone = [world.a1.pk, world.a2.pk, world.b1.pk]
    with CaptureQueriesContext(connection) as queries:
        _, _, rows = exports.coverage_table(world.campaign, everyone)
    assert not [q["sql"] for q in queries.captured_queries if ReportEntry._meta.db_table in q["sql"]]
    full = compute_coverage_for(world.campaign)
    assert [(r[2], r[3]) for r in rows] == [(r.schools, r.schools_total) for r in full.rows]
    _, _, rows = exports.coverage_table(world.campaign, [world.b1.pk])  # a municipality's coordinator: b1 did nothing
    assert [(r[2], r[3]) for r in rows] == [(0, 1)] * len(rows)
