"""The demo's campaign in progress is dated relative to the loading day; the reproduced справка keeps its dates."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from shnor.analysis import spravka
from shnor.demo import live
from shnor.monitoring.completeness import completeness
from shnor.monitoring.models import Campaign, ReportEntry

pytestmark = pytest.mark.django_db


def test_the_period_is_six_months_around_the_day_with_reports_due_three_weeks_after():
    p = live.period_around(date(2026, 11, 30))
    assert (p.start, p.end, p.due, p.text) == (date(2026, 7, 1), date(2026, 12, 31), date(2027, 1, 20), "июль – декабрь 2026 года")
    p = live.period_around(date(2026, 12, 20))
    assert (p.start, p.end, p.due, p.text) == (date(2026, 8, 1), date(2027, 1, 31), date(2027, 2, 20), "август 2026 – январь 2027 года")


def test_the_campaign_in_progress_is_live_today():
    today = timezone.localdate()
    campaign = Campaign.objects.get(code="bryansk-2021-h2")
    assert campaign.is_open and campaign.previous.code == "bryansk-2021-h1"
    assert campaign.period_start <= today <= campaign.period_end and campaign.due_date > today
    progress = completeness(campaign)
    # time left: schools that have not submitted, none of them overdue yet; some reports wait for the curator
    assert len(progress.not_submitted) >= 5 and not progress.overdue
    assert len(progress.waiting) >= 1 and progress.count("certified") >= 1 and progress.count("accepted") >= 1
    # every report has the period's activities, each dated within the period; some are ahead of today
    entries = ReportEntry.objects.filter(report__campaign=campaign, planned_activity__isnull=False).select_related("planned_activity")
    assert all(campaign.period_start <= e.planned_activity.deadline_end <= campaign.period_end for e in entries)
    assert all(r.entries.exists() for r in campaign.reports.all())
    assert any(e.planned_activity.deadline_end >= today for e in entries)
    # …and some activities whose own deadline has passed are not marked in a draft: overdue
    late = [e for e in entries if e.is_past_due]
    assert late and {e.report.status for e in late} <= {"draft", "returned"}
    counted = entries.filter(report__status__in=["certified", "accepted"], status="done")
    assert counted.exists() and all(e.planned_activity.deadline_end < today for e in counted)


def test_the_reproduced_campaigns_keep_their_dates_and_the_next_report_due_date():
    h1 = Campaign.objects.get(code="bryansk-2021-h1")
    h2_2020 = Campaign.objects.get(code="bryansk-2020-h2")
    assert (h2_2020.period_start, h2_2020.period_end, h2_2020.due_date) == (date(2020, 7, 1), date(2020, 12, 31), date(2021, 1, 15))
    assert (h1.period_start, h1.period_end, h1.due_date, h1.status) == (date(2021, 1, 1), date(2021, 6, 30), date(2021, 6, 25), "closed")
    # the live campaign follows h1 but years later: the справка of h1 keeps «до 20 января 2022 г.»
    assert spravka.findings_context(h1).next_due == date(2022, 1, 20)


def test_the_next_due_date_is_the_following_campaigns_when_it_follows_directly(world):
    following = Campaign(period_start=date(2022, 1, 10), period_end=date(2022, 6, 30), due_date=date(2022, 7, 5))
    assert spravka.next_due(world.campaign, following) == date(2022, 7, 5)  # world.campaign ends on 31.12.2021
    moved = Campaign(period_start=date(2026, 7, 1), period_end=date(2026, 12, 31), due_date=date(2027, 1, 10))
    assert spravka.next_due(world.campaign, moved) == date(2022, 7, 10)
    assert spravka.next_due(world.campaign, None) is None


def test_the_draft_shows_the_activities_whose_deadline_has_passed():
    campaign = Campaign.objects.get(code="bryansk-2021-h2")
    late = next(e for e in ReportEntry.objects.filter(report__campaign=campaign).select_related("report__school", "planned_activity") if e.is_past_due)
    client = Client()
    client.force_login(get_user_model().objects.get(username="coordinator"))
    page = client.get(reverse("report_detail", args=[campaign.code, late.report.school_id])).content.decode()
    assert "срок прошёл" in page and late.planned_activity.deadline_text in page
