"""Issue 10's outcomes on the demo: schools leaving the ШНОР list, and the «Что сработало» table's drill-down."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from shnor.analysis import dashboard
from shnor.analysis import spravka as spravka_workflow
from shnor.core.russian import normalize_spaces
from shnor.monitoring.models import Campaign
from shnor.registry.models import School

pytestmark = pytest.mark.django_db
LEFT = {"МБОУ Дроновская СОШ имени Героя Советского Союза И.К.Хахерина", "МБОУ «Краснорогская СОШ имени А.К.Толстого»",
        "МБОУ «Пацынская СОШ»"}


def client_for(username: str) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def test_three_demo_schools_leave_the_list_in_the_next_years_status():
    campaign = Campaign.objects.get(code="bryansk-2021-h1")
    page = normalize_spaces(client_for("coordinator").get(reverse("dashboard") + "?campaign=bryansk-2021-h1").content.decode())
    left = page.split('id="dashboard-left"')[1].split("</p>")[0]
    assert "<strong>3</strong> из 16 школ" in left and all(name in unescape(left) for name in LEFT)
    lead = normalize_spaces(spravka_workflow.prepare(campaign).spravka.outcome_lead)
    assert "Вышли из перечня ШНОР по статусу следующего учебного года: 3 из 16 школ" in lead
    statuses = School.objects.get(short_name="МБОУ «Пацынская СОШ»").statuses.order_by("year")
    assert [(s.year, s.status) for s in statuses] == [(2020, "shnor"), (2021, "risk")]
    assert "демонстрационные данные" in statuses[1].basis


def worked_links(page: str) -> list[str]:
    table = page.split('id="dashboard-worked"')[1].split("</table>")[0]
    return [unescape(href) for href in re.findall(r'href="([^"]*worked=[^"]*)"', table)]


def test_each_group_of_what_worked_drills_down_to_its_schools():
    client = client_for("coordinator")
    page = client.get(reverse("dashboard") + "?campaign=bryansk-2021-h1").content.decode()
    board = dashboard.build(Campaign.objects.get(code="bryansk-2021-h1"),
                            list(Campaign.objects.get(code="bryansk-2021-h1").schools.values_list("pk", flat=True)))
    links = worked_links(page)
    assert len(links) == 2 * len(board.worked_rows)
    i, row = next((i, w) for i, w in enumerate(board.worked_rows) if w.did and w.did_not)  # both groups have schools
    did, did_not = links[2 * i], links[2 * i + 1]
    assert "which=did&" in did + "&" and "which=did_not" in did_not
    did_page, other_page = client.get(did).content.decode(), client.get(did_not).content.decode()

    def listed(page: str) -> int:
        return page.split('id="worked-schools"')[1].count('href="/campaigns/bryansk-2021-h1/schools/')

    assert (listed(did_page), listed(other_page)) == (row.did, row.did_not)
    assert row.label in unescape(did_page) and "не доказательство" in did_page


def test_the_drill_down_is_scoped_to_the_viewers_schools_and_refuses_unknown_rows():
    campaign = Campaign.objects.get(code="bryansk-2021-h1")
    page = client_for("coordinator").get(reverse("dashboard") + "?campaign=bryansk-2021-h1").content.decode()
    did, did_not = worked_links(page)[:2]
    municipal = client_for("municipal")
    for link in (did, did_not):
        body = municipal.get(link).content.decode()
        listed = re.findall(r'href="/campaigns/bryansk-2021-h1/schools/(\d+)/"', body.split('id="worked-schools"')[1])
        own = set(campaign.schools.filter(municipality__name="Рогнединский район").values_list("pk", flat=True))
        assert {int(pk) for pk in listed} <= own
    base = reverse("dashboard_schools", args=["bryansk-2021-h1"])
    coordinator = client_for("coordinator")
    assert coordinator.get(base + "?worked=nothing:&indicator=quality:&which=did").status_code == 404
    assert coordinator.get(did.replace("which=did", "which=maybe")).status_code == 404


def test_an_outsider_gets_no_drill_down(world):
    url = reverse("dashboard_schools", args=[world.campaign.code]) + "?worked=teachers:&indicator=quality:&which=did"
    assert world.client("outsider").get(url).status_code == 404
