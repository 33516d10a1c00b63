"""Charts at the top of the campaign page and the dashboard: SVG pictures with their numbers as tables."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from shnor.core.render.charts import one_series, two_series
from shnor.monitoring.models import Campaign

pytestmark = pytest.mark.django_db


def client_for(username: str) -> Client:
    from django.contrib.auth import get_user_model

    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def charts_in(page: str) -> dict[str, str]:
    return dict(re.findall(r'<figure class="chart" id="chart-([a-z]+)">(.*?)</figure>', page, re.S))


def test_the_campaign_page_shows_its_charts_above_the_tables_with_their_numbers():
    page = client_for("coordinator").get(reverse("campaign_detail", args=["bryansk-2021-h2"])).content.decode()
    charts = charts_in(page)
    assert {"coverage", "completeness", "municipalities"} <= set(charts)
    assert page.index('id="chart-coverage"') < page.index('id="completeness"')
    assert "<table>" in charts["coverage"]
    # the previous campaign's period and this one's are the two series of coverage
    campaign = Campaign.objects.get(code="bryansk-2021-h2")
    header = charts["coverage"].lower()
    assert f"{campaign.previous.period_label()}, %".lower() in header and f"{campaign.period_label()}, %".lower() in header
    src = re.search(r'<img src="([^"]+)"', charts["completeness"]).group(1).replace("&amp;", "&")
    assert src.startswith(reverse("campaign_chart", args=["bryansk-2021-h2", "completeness"]) + "?v=")
    response = client_for("coordinator").get(src)
    assert response["Content-Type"] == "image/svg+xml" and b"<svg" in response.content


def test_a_chart_picture_is_not_found_for_an_outsider_or_an_unknown_chart(world):
    url = reverse("campaign_chart", args=[world.campaign.code, "coverage"])
    assert world.client("coordinator").get(url).status_code == 200
    assert world.client("outsider").get(url).status_code == 404
    assert world.client("coordinator").get(reverse("campaign_chart", args=[world.campaign.code, "nothing"])).status_code == 404


def test_a_school_head_sees_charts_of_their_school_only():
    page = client_for("head").get(reverse("campaign_detail", args=["bryansk-2021-h2"])).content.decode()
    assert "municipalities" not in charts_in(page)  # one school: nothing to compare


def test_the_dashboard_shows_its_charts_first():
    page = client_for("coordinator").get(reverse("dashboard") + "?campaign=bryansk-2021-h1").content.decode()
    charts = charts_in(page)
    assert {"directions", "municipalities", "completeness"} <= set(charts)
    assert "data:image/svg+xml;base64," in charts["directions"] and "<table>" in charts["directions"]
    assert page.index('id="chart-directions"') < page.index('id="dashboard-coverage"')


def test_chart_numbers_are_formatted_and_a_missing_value_reads_as_a_dash():
    chart = one_series("x", "Заголовок", "Доля, %", ["Первое", "Второе"], [12.5, None], "svg")
    assert chart.columns == ("", "Доля, %")
    assert [(n, v.replace("\xa0", " ")) for n, v in chart.rows] == [("Первое", "12,5 %"), ("Второе", "—")]
    pair = two_series("y", "Заголовок", "Доля, %", ["Первое"], [10], [20], "svg", labels=("2020", "2021"))
    assert pair.columns == ("", "2020, %", "2021, %") and chart.image.startswith(b"<?xml")


def test_the_indicator_dynamics_chart_is_on_the_campaign_page_and_the_dashboard_above_the_tables():
    page = client_for("coordinator").get(reverse("campaign_detail", args=["bryansk-2021-h1"])).content.decode()
    charts = charts_in(page)
    assert "indicators" in charts and page.index('id="chart-indicators"') < page.index('id="completeness"')
    numbers = charts["indicators"].replace("\xa0", " ")
    # the regional totals of the reproduced campaigns: the unweighted means of качество знаний over the 16 schools
    from decimal import Decimal

    from shnor.core.russian import format_percent
    from shnor.demo.bryansk import INDICATORS

    before, after = (format_percent(sum(Decimal(str(v[i])) for v in INDICATORS.values()) / 16).replace("\xa0", " ") for i in (0, 1))
    assert "июль – декабрь 2020 года, %" in numbers.lower() and "январь – июнь 2021 года, %" in numbers.lower()
    assert f'качество знаний</th><td class="num">{before}</td><td class="num">{after}</td>' in numbers
    src = re.search(r'<img src="([^"]+)"', charts["indicators"]).group(1).replace("&amp;", "&")
    response = client_for("coordinator").get(src)
    assert response["Content-Type"] == "image/svg+xml" and b"<svg" in response.content
    board = client_for("coordinator").get(reverse("dashboard") + "?campaign=bryansk-2021-h1").content.decode()
    assert "indicators" in charts_in(board) and board.index('id="chart-indicators"') < board.index('id="dashboard-coverage"')


def test_the_live_campaign_compares_its_first_reports_indicators_with_the_previous_campaign():
    page = client_for("coordinator").get(reverse("campaign_detail", args=["bryansk-2021-h2"])).content.decode()
    assert "школ в сравнении" not in page  # the heading is in the picture; the table says which periods
    assert "indicators" in charts_in(page)


def test_the_charts_numbers_take_a_bounded_number_of_queries(django_assert_max_num_queries):
    from shnor.monitoring.charts import campaign_charts

    campaign = Campaign.objects.get(code="bryansk-2021-h1")
    ids = list(campaign.schools.values_list("pk", flat=True))
    from django.core.cache import cache

    cache.clear()
    campaign = Campaign.objects.get(code="bryansk-2021-h1")
    # coverage of both campaigns (the current one passed in), the indicators, the completeness chain, municipalities
    from shnor.monitoring.coverage import coverage_for

    coverage = coverage_for(campaign, False, ids)
    with django_assert_max_num_queries(12):
        charts = campaign_charts(campaign, ids, coverage=coverage)
    assert [c.key for c in charts] == ["coverage", "indicators", "completeness", "municipalities"]


def test_a_campaign_of_many_municipalities_charts_the_lagging_ones_first(monkeypatch):
    from shnor.core.russian import normalize_spaces
    from shnor.monitoring import charts
    from shnor.monitoring.models import SchoolReport

    campaign = Campaign.objects.get(code="bryansk-2021-h1")
    ids = list(campaign.schools.values_list("pk", flat=True))
    full = charts.municipalities_compared(campaign, ids, None)
    assert len(full.rows) > 2 and [name for name, _ in full.rows] == sorted(name for name, _ in full.rows)
    monkeypatch.setattr(charts, "MAX_MUNICIPALITIES", 2)
    lagging = charts.municipalities_compared(campaign, ids, None)
    shares = {}
    for school in campaign.schools.select_related("municipality"):
        done = SchoolReport.objects.filter(campaign=campaign, school=school, status__in=charts.DONE).exists()
        total, n = shares.get(school.municipality.name, (0, 0))
        shares[school.municipality.name] = (total + 1, n + done)
    lowest = sorted(shares, key=lambda name: (shares[name][1] / shares[name][0], name))[:2]
    assert [name for name, _ in lagging.rows] == lowest
    assert normalize_spaces(lagging.title) == f"Сдача отчётов: 2 муниципалитета с наименьшей долей из {len(shares)}"
