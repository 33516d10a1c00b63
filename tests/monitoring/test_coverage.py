"""Coverage: which reports and entries count, the «N (P %)» labels, the campaign page and the CLI."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from shnor.core.coverage import DirectionInfo, EntryFact, TypeInfo, compute_coverage
from shnor.core.russian import normalize_spaces
from shnor.demo import bryansk
from shnor.monitoring.coverage import compute_coverage_for, coverage_for
from shnor.monitoring.models import Campaign, ReportEntry, SchoolReport


def test_the_pure_core_counts_each_school_once_and_keeps_zero_rows():
    directions = [DirectionInfo("teachers", "Учителя"), DirectionInfo("parents", "Родители")]
    types = [TypeInfo("pk_courses", "КПК", "teachers"), TypeInfo("mentoring", "Наставничество", "teachers"), TypeInfo("parent_education", "Собрания", "parents")]
    facts = [EntryFact(1, "pk_courses", "teachers"), EntryFact(1, "pk_courses", "teachers"), EntryFact(2, "pk_courses", "teachers", certified=False),
             EntryFact(3, "parent_education", "parents"), EntryFact(99, "pk_courses", "teachers")]
    coverage = compute_coverage(facts, list(range(1, 17)), directions, types)
    pk = coverage.row_for_type("pk_courses")
    assert pk.school_ids == [1, 2] and pk.uncertified_ids == [2]  # school 99 is not in the campaign
    assert normalize_spaces(pk.label) == "2 (12,5 %)"
    assert normalize_spaces(coverage.row_for_type("mentoring").label) == "0 (0 %)"
    assert [r.activity_type for r in coverage.rows] == [None, "pk_courses", "mentoring", None, "parent_education"]


@pytest.mark.parametrize("part, label", [(1, "1 (6,3 %)"), (13, "13 (81,3 %)"), (3, "3 (18,8 %)"), (16, "16 (100 %)"), (9, "9 (56,3 %)")])
def test_percentages_are_rounded_half_up_with_a_decimal_comma(part, label):
    coverage = compute_coverage([EntryFact(i, "x", "d") for i in range(part)], list(range(16)), [DirectionInfo("d", "D")], [TypeInfo("x", "X", "d")])
    assert normalize_spaces(coverage.row_for_type("x").label) == label


def test_the_demo_campaign_reproduces_every_count_of_the_bryansk_sample(db):
    campaign = Campaign.objects.get(code="bryansk-2021-h1")
    coverage = coverage_for(campaign)
    assert coverage.schools_total == 16
    counted = {r.activity_type: r.schools for r in coverage.type_rows()}
    for code, count in bryansk.SAMPLE_COUNTS.items():
        assert counted[code] == count, code
    assert len(bryansk.SAMPLE_COUNTS) == 27
    # Types planned but not done in the half-year do not count.
    assert counted["mentoring"] == 0 and counted["subject_weeks"] == 0


def test_only_done_or_partial_entries_of_certified_or_accepted_reports_count(world):
    from shnor.monitoring.workflow import open_report

    a1 = open_report(world.campaign, world.a1)
    b1 = open_report(world.campaign, world.b1)
    ReportEntry.objects.create(report=a1, title="КПК", activity_type=world.type("pk_courses"), status="partial")
    ReportEntry.objects.create(report=b1, title="КПК", activity_type=world.type("pk_courses"), status="done")
    ReportEntry.objects.create(report=b1, title="Наставничество", activity_type=world.type("mentoring"), status="postponed")
    # States written past the doors (no version bump): the computation itself, not the cache keyed by the stamp.
    SchoolReport.objects.filter(pk=a1.pk).update(status="certified")
    SchoolReport.objects.filter(pk=b1.pk).update(status="submitted")
    assert compute_coverage_for(world.campaign).row_for_type("pk_courses").school_ids == [world.a1.pk]
    with_submitted = compute_coverage_for(world.campaign, include_submitted=True)
    assert with_submitted.row_for_type("pk_courses").school_ids == sorted([world.a1.pk, world.b1.pk])
    assert with_submitted.row_for_type("pk_courses").uncertified_ids == [world.b1.pk]
    assert with_submitted.row_for_type("mentoring").schools == 0
    SchoolReport.objects.filter(pk=a1.pk).update(status="returned")
    assert compute_coverage_for(world.campaign).row_for_type("pk_courses").schools == 0


def test_an_explicit_direction_wins_over_the_types_primary_one(world):
    from shnor.monitoring.workflow import open_report
    from shnor.plans.models import Direction

    report = open_report(world.campaign, world.a1)
    parents = Direction.objects.get(framework=world.framework, code="parents")
    ReportEntry.objects.create(report=report, title="Собрание для родителей и учителей", activity_type=world.type("methodical_events"), direction=parents, status="done")
    SchoolReport.objects.filter(pk=report.pk).update(status="accepted")
    coverage = coverage_for(world.campaign)
    assert coverage.direction_row("parents").school_ids == [world.a1.pk]
    assert coverage.direction_row("teachers").schools == 0


def test_the_campaign_page_shows_the_coverage_table_with_the_sample_numbers(db):
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username="coordinator"))
    body = normalize_spaces(client.get(reverse("campaign_detail", args=["bryansk-2021-h1"])).content.decode())
    for label in ("16 (100 %)", "13 (81,3 %)", "14 (87,5 %)", "11 (68,8 %)", "1 (6,3 %)", "2 (12,5 %)", "3 (18,8 %)"):
        assert label in body, label
    assert "6,25" not in body


def test_the_campaign_page_makes_the_same_number_of_queries_whatever_the_number_of_schools(world, django_assert_max_num_queries):
    from shnor.registry.models import School

    client = world.client("coordinator")
    url = reverse("campaign_detail", args=[world.campaign.code]) + "?submitted=1"
    # 17 for the tables; + the charts' numbers (the previous campaign's coverage, completeness over the campaigns,
    # the municipalities compared), computed once per change of the campaign and cached with the page; + 1 for the
    # municipalities' own roadmaps (none here); + building the maintained coverage counts on the campaign's first view
    # (once: the workflow keeps them after)
    with django_assert_max_num_queries(35) as small:
        assert client.get(url).status_code == 200
    extra = [School.objects.create(municipality=world.m1, short_name=f"Школа {i}", full_name=f"Школа {i}") for i in range(40)]
    world.campaign.schools.add(*extra)
    for school in extra[:20]:
        SchoolReport.objects.create(campaign=world.campaign, school=school, status="accepted")
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


def test_the_cli_prints_coverage_as_json(db):
    out = StringIO()
    call_command("coverage", "--campaign", "bryansk-2021-h1", "--json", stdout=out)
    rows = json.loads(out.getvalue())
    row = next(r for r in rows if r["activity_type"] == "open_lessons")
    assert set(row) == {"activity_type", "direction", "schools", "schools_total", "percent", "school_ids"}
    assert (row["direction"], row["schools"], row["schools_total"], row["percent"]) == ("teachers", 13, 16, 81.3)
    assert len(row["school_ids"]) == 13
    assert next(r for r in rows if r["activity_type"] == "continuous_development")["percent"] == 6.3


def test_the_cli_explains_an_unknown_campaign(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="не найдена"):
        call_command("coverage", "--campaign", "no-such", "--json")


def test_the_drill_down_lists_the_schools_and_entries_behind_a_number(db):
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username="coordinator"))
    response = client.get(reverse("coverage_detail", args=["bryansk-2021-h1"]) + "?direction=motivation&type=pedagogical_council")
    body = response.content.decode()
    assert "Дроновская" in body and "Карпиловская" in body
    assert "Пути преодоления неуспеваемости" in body
    assert client.get(reverse("coverage_detail", args=["bryansk-2021-h1"]) + "?direction=nope&type=").status_code == 404


def test_the_share_of_schools_is_said_of_one_school_and_of_many(world):
    from django.urls import reverse

    url = reverse("coverage_detail", args=[world.campaign.code]) + "?direction=teachers&type="
    client = world.client("coordinator")
    assert "из 3 школ кампании" in client.get(url).content.decode()
    assert "Процент — от 3 школ кампании." in client.get(reverse("campaign_detail", args=[world.campaign.code])).content.decode()
    world.campaign.schools.set([world.a1])
    head = world.client("head")  # a head sees a campaign of one school: their own
    assert "из 1 школы кампании" in head.get(url).content.decode()
    assert "Процент — от 1 школы кампании." in head.get(reverse("campaign_detail", args=[world.campaign.code])).content.decode()
