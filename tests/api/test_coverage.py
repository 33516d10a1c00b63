"""The coverage API at scale: the whole campaign's numbers from its maintained counts, a viewer's part computed for
exactly their schools, the lists of schools only on request."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shnor.monitoring import coverage_counts, workflow
from shnor.monitoring.coverage import compute_coverage_for
from shnor.monitoring.models import ReportEntry
from shnor.monitoring.workflow import EntryChange

from .conftest import open_report

URL = "/api/v1/campaigns/{}/coverage/"


@pytest.fixture
def certified(world):
    cache.clear()
    report = open_report(world)  # school a1 did its planned activities of the period: pk_courses, parent_education, mentoring
    changes = [EntryChange(e.pk, e.title, "done", "Сделано", e.planned_activity.activity_type_id) for e in report.entries.all()]
    report = workflow.save_report(report, world.users["head"], report.version, changes)
    report = workflow.submit(report, world.users["head"], report.version)
    workflow.certify(report, world.users["curator"], report.version)
    coverage_counts.maintained_coverage(world.campaign)  # the first reader builds the counts; the steps keep them after
    return world


def numbers(rows) -> list[tuple]:
    return [(r["direction"], r["activity_type"], r["schools"], r["schools_total"]) for r in rows]


def computed(campaign, school_ids=None) -> list[tuple]:
    return [(r.direction, r.activity_type, r.schools, r.schools_total) for r in compute_coverage_for(campaign, False, school_ids).rows]


def test_the_whole_campaign_is_answered_from_its_maintained_counts_without_reading_entries(certified, api):
    with CaptureQueriesContext(connection) as queries:
        body = api.get("coordinator", URL.format(certified.campaign.code)).json()
    assert not [q["sql"] for q in queries.captured_queries if ReportEntry._meta.db_table in q["sql"]]
    assert body["with_schools"] is False and body["schools_total"] == 3
    assert numbers(body["rows"]) == computed(certified.campaign)
    assert next(r for r in body["rows"] if r["activity_type"] == "pk_courses")["schools"] == 1
    assert all(r["school_ids"] == [] and r["uncertified_school_ids"] == [] for r in body["rows"])


def test_the_lists_of_schools_come_on_request(certified, api):
    body = api.get("coordinator", URL.format(certified.campaign.code), {"with_schools": "1"}).json()
    assert body["with_schools"] is True
    assert numbers(body["rows"]) == computed(certified.campaign)
    assert next(r for r in body["rows"] if r["activity_type"] == "pk_courses")["school_ids"] == [certified.a1.pk]


@pytest.mark.parametrize("role, schools", [("municipal", ["a1", "a2"]), ("municipal2", ["b1"]), ("curator2", ["b1"])])
def test_a_scoped_viewer_gets_the_numbers_of_their_own_schools_not_the_regions_counts(certified, api, role, schools):
    ids = [getattr(certified, name).pk for name in schools]
    for with_schools in ("0", "1"):
        body = api.get(role, URL.format(certified.campaign.code), {"with_schools": with_schools}).json()
        assert body["schools_total"] == len(ids)
        assert numbers(body["rows"]) == computed(certified.campaign, ids)
        assert all(set(r["school_ids"]) <= set(ids) for r in body["rows"])


def test_a_regional_coordinator_narrowed_to_a_municipality_gets_its_numbers(certified, api):
    body = api.get("coordinator", URL.format(certified.campaign.code), {"municipality": certified.m2.pk}).json()
    assert numbers(body["rows"]) == computed(certified.campaign, [certified.b1.pk])
    assert next(r for r in body["rows"] if r["activity_type"] == "pk_courses")["schools"] == 0


def test_with_schools_must_be_a_boolean(certified, api):
    response = api.get("coordinator", URL.format(certified.campaign.code), {"with_schools": "maybe"})
    assert response.status_code == 400 and response.json()["code"] == "invalid"
