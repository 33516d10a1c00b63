"""A database that fails or is too slow during a request gives a clean Russian error page (JSON for the API)."""

from __future__ import annotations

import pytest
from django.db import OperationalError, connection
from django.urls import reverse

MESSAGE = "База данных временно недоступна"


def _fail_some(pattern: str):
    def wrapper(execute, sql, params, many, context):
        if pattern in sql:
            raise OperationalError("could not receive data from server: Connection reset by peer")
        return execute(sql, params, many, context)

    return wrapper


def _fail_all(execute, sql, params, many, context):
    raise OperationalError("connection to server at \"127.0.0.1\", port 5432 failed: Connection refused")


def test_a_failing_query_in_a_view_gives_a_503_page_in_russian(world):
    client = world.client("coordinator")
    client.get(reverse("campaign_detail", args=[world.campaign.code]))  # log in and warm up before the failure
    with connection.execute_wrapper(_fail_some("monitoring_campaign")):
        response = client.get(reverse("campaign_detail", args=[world.campaign.code]))
    assert response.status_code == 503
    body = response.content.decode()
    assert MESSAGE in body and "Traceback" not in body and "OperationalError" not in body


def test_a_database_that_is_down_gives_the_503_page_not_a_500(world):
    client = world.client("coordinator")
    with connection.execute_wrapper(_fail_all):
        response = client.get(reverse("school_list"))
    assert response.status_code == 503
    assert MESSAGE in response.content.decode()


def test_the_api_gets_json_when_the_database_fails(world):
    client = world.client("coordinator")
    client.get(reverse("home"))
    with connection.execute_wrapper(_fail_some("monitoring_campaign")):
        response = client.get(f"/api/v1/campaigns/{world.campaign.code}/coverage/")
    assert response.status_code == 503
    assert response.json()["code"] == "database_unavailable"


def test_a_failing_write_changes_nothing_and_explains(world):
    from shnor.monitoring import workflow
    from shnor.monitoring.models import SchoolReport
    from shnor.monitoring.workflow import EntryChange

    u = world.users
    report = workflow.open_report(world.campaign, world.a1)
    report = workflow.save_report(report, u["head"], report.version, [EntryChange(e.pk, e.title, "done", "Сделано") for e in report.entries.all()])
    report = workflow.submit(report, u["head"], report.version)
    client = world.client("curator")
    with connection.execute_wrapper(_fail_some("INSERT INTO \"audit_auditevent\"")):
        response = client.post(reverse("report_action", args=[world.campaign.code, world.a1.pk, "certify"]), {"version": report.version})
    assert response.status_code == 503 and MESSAGE in response.content.decode()
    # The audit event failed, so the state change it belongs to was rolled back with it.
    assert SchoolReport.objects.get(pk=report.pk).status == "submitted"


@pytest.fixture
def postgres_only(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no statement timeout: the slow-query case is PostgreSQL's")


def test_a_query_cancelled_by_the_statement_timeout_gives_the_503_page(postgres_only, world):
    client = world.client("coordinator")
    url = reverse("campaign_detail", args=[world.campaign.code])
    assert client.get(url).status_code == 200

    def slow(execute, sql, params, many, context):
        if "monitoring_campaign" in sql:
            context["cursor"].execute("SELECT pg_sleep(2)")  # a query that takes longer than the timeout allows
        return execute(sql, params, many, context)

    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = 200")
    try:
        with connection.execute_wrapper(slow):
            response = client.get(url)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = 0")
    assert response.status_code == 503
    assert MESSAGE in response.content.decode()
    assert client.get(url).status_code == 200  # the next request is served normally


def test_the_statement_timeout_is_set_on_postgresql_connections(postgres_only):
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] not in ("0", "0ms")
