"""The API on the demo region (read-only): the same numbers as the CLI, and query counts that do not grow with rows."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from shnor.monitoring import coverage_counts
from shnor.monitoring.models import Campaign

CAMPAIGN = "bryansk-2021-h1"
CLI_KEYS = ("activity_type", "direction", "schools", "schools_total", "percent", "school_ids")


def demo_client(username: str) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def cli_rows(*flags: str) -> list[dict]:
    out = StringIO()
    call_command("coverage", "--campaign", CAMPAIGN, "--json", *flags, stdout=out)
    return json.loads(out.getvalue())


@pytest.mark.parametrize("submitted", [False, True])
def test_coverage_equals_the_cli(db, submitted):
    query = {"with_schools": "1", **({"submitted": "1"} if submitted else {})}
    response = demo_client("coordinator").get(f"/api/v1/campaigns/{CAMPAIGN}/coverage/", query)
    assert response.status_code == 200
    body = response.json()
    assert body["include_submitted"] is submitted and body["schools_total"] == 16
    api_rows = [{k: row[k] for k in CLI_KEYS} for row in body["rows"]]
    assert api_rows == cli_rows(*(["--submitted"] if submitted else []))


def test_coverage_gives_the_bryansk_numbers(db):
    rows = demo_client("coordinator").get(f"/api/v1/campaigns/{CAMPAIGN}/coverage/?submitted=1").json()["rows"]
    open_lessons = next(r for r in rows if r["activity_type"] == "open_lessons")
    assert (open_lessons["schools"], open_lessons["schools_total"], open_lessons["percent"]) == (13, 16, 81.3)
    assert open_lessons["label"].replace("\u00a0", " ") == "13 (81,3 %)"
    courses = next(r for r in rows if r["activity_type"] == "pk_courses")
    assert (courses["schools"], courses["percent"]) == (16, 100.0)


def test_a_municipal_coordinator_gets_coverage_of_their_schools_only(db):
    body = demo_client("municipal").get(f"/api/v1/campaigns/{CAMPAIGN}/coverage/?with_schools=1").json()
    campaign = demo_client("municipal").get(f"/api/v1/campaigns/{CAMPAIGN}/").json()
    assert 0 < body["schools_total"] == len(campaign["schools"]) < 16
    assert all(set(r["school_ids"]) <= set(campaign["schools"]) for r in body["rows"])


def test_completeness_lists_every_school_with_its_state(db):
    body = demo_client("coordinator").get(f"/api/v1/campaigns/{CAMPAIGN}/completeness/").json()
    assert body["total"] == 16 == len(body["rows"]) == sum(body["counts"].values())
    assert body["done"] == body["counts"].get("certified", 0) + body["counts"].get("accepted", 0)
    assert {r["state"] for r in body["rows"]} <= {"not_started", "draft", "returned", "submitted", "certified", "accepted"}


def test_a_filter_narrows_a_list(db):
    client = demo_client("coordinator")
    reports = client.get("/api/v1/reports/", {"campaign": CAMPAIGN, "status": "accepted"}).json()
    assert reports["count"] > 0 and all(r["campaign"] == CAMPAIGN and r["status"] == "accepted" for r in reports["results"])
    schools = client.get("/api/v1/schools/", {"q": "СОШ"}).json()["results"]
    lower = client.get("/api/v1/schools/", {"q": "сош"}).json()["results"]
    assert schools and schools == lower  # Cyrillic search ignores case (SQLite's LIKE would not)
    values = client.get("/api/v1/indicator-values/", {"campaign": CAMPAIGN, "indicator": "quality"}).json()
    assert values["count"] > 0 and {v["indicator"] for v in values["results"]} == {"quality"}
    page = client.get("/api/v1/schools/", {"limit": 5, "offset": 5}).json()
    assert page["count"] == 16 and len(page["results"]) == 5 and "offset=10" in page["next"]


LISTS = [
    "/api/v1/regions/", "/api/v1/municipalities/", "/api/v1/schools/", "/api/v1/frameworks/", "/api/v1/activity-types/",
    "/api/v1/indicators/", "/api/v1/roadmaps/", "/api/v1/planned-activities/", "/api/v1/campaigns/", "/api/v1/reports/",
    "/api/v1/indicator-values/",
]


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200, url
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", LISTS)
def test_list_queries_do_not_grow_with_the_rows(db, url):
    client = demo_client("coordinator")
    _queries(client, url)  # warm the session and the content-type caches
    one, many = _queries(client, f"{url}?limit=1"), _queries(client, f"{url}?limit=200")
    assert one == many, f"{url}: {one} queries for one row, {many} for a page"


def test_heavy_pages_stay_within_a_query_budget(db, django_assert_max_num_queries):
    client = demo_client("coordinator")
    report = client.get("/api/v1/reports/", {"campaign": CAMPAIGN, "limit": 1}).json()["results"][0]
    client.get("/api/v1/me/")
    with django_assert_max_num_queries(12):
        assert client.get("/api/v1/reports/?limit=200").status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(f"/api/v1/reports/{report['id']}/").status_code == 200
    # The campaign's maintained coverage counts are built once by their first reader (then kept by the workflow).
    coverage_counts.maintained_coverage(Campaign.objects.get(code=CAMPAIGN))
    with django_assert_max_num_queries(14):
        assert client.get(f"/api/v1/campaigns/{CAMPAIGN}/coverage/").status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(f"/api/v1/campaigns/{CAMPAIGN}/completeness/").status_code == 200
