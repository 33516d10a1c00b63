"""The campaign's stamp, which keys the cached campaign page, coverage and API answers: it follows the doors' version
and every save of a report, and reading it costs the same for 3 or 50,000 schools."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from shnor.monitoring import workflow
from shnor.monitoring.models import SchoolReport
from shnor.monitoring.stamps import campaign_stamp


def test_the_stamp_changes_when_a_door_bumps_the_campaigns_version(world):
    before = campaign_stamp(world.campaign)
    assert campaign_stamp(world.campaign) == before
    workflow.campaign_changed(world.campaign)  # the admin edited the campaign (its schools, period, framework)
    assert campaign_stamp(world.campaign) != before


def test_the_stamp_changes_with_a_workflow_step_and_with_a_report_saved_outside_the_doors(world):
    first = campaign_stamp(world.campaign)
    report = workflow.open_report(world.campaign, world.a1)
    second = campaign_stamp(world.campaign)
    assert second != first
    SchoolReport.objects.get(pk=report.pk).save()  # a write that bypassed the doors still touches updated_at
    assert campaign_stamp(world.campaign) != second


def test_reading_the_stamp_does_not_count_the_campaigns_reports_or_schools(world):
    workflow.open_report(world.campaign, world.a1)
    with CaptureQueriesContext(connection) as queries:
        campaign_stamp(world.campaign)
    (sql,) = [q["sql"] for q in queries.captured_queries]
    report, members = SchoolReport._meta.db_table, world.campaign.schools.through._meta.db_table
    assert f"COUNT(*) AS n FROM {report}" not in sql and members not in sql  # an aggregate over 50,000 rows on every view
