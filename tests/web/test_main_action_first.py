"""«The main action first»: on a phone a page's primary button comes before its long lists in the page's order, or
a button at the top leads to it (issue 14)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from shnor.diagnosis.models import Need
from shnor.registry.models import School

pytestmark = pytest.mark.django_db


def page_of(username: str, url: str) -> str:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def before(page: str, first: str, then: str) -> bool:
    assert first in page and then in page, (first, then)
    return page.index(first) < page.index(then)


def gobiki() -> School:
    return School.objects.get(short_name="МБОУ «Гобикская СОШ»")


def test_the_report_form_can_be_saved_from_its_top():
    page = page_of("head", reverse("report_edit", args=["bryansk-2021-h2", gobiki().pk]))
    top = page.split('id="report-actions-top"')[1]
    assert before(top, 'name="save"', "Мероприятия дорожной карты")
    assert before(top, 'name="submit"', "Мероприятия дорожной карты")
    assert before(top, "Сохранить и отправить куратору", "Мероприятия дорожной карты")


def test_the_municipal_report_form_says_whom_it_goes_to_at_its_top():
    from shnor.registry.models import Municipality

    muni = Municipality.objects.get(name="Рогнединский район")
    top = page_of("municipal", reverse("municipal_report_edit", args=["bryansk-2021-h2", muni.pk]))
    top = top.split('id="report-actions-top"')[1].split("</div>")[0]
    assert "Сохранить и отправить региональному координатору" in top and "куратору" not in top


def test_the_coordinators_bulk_accept_comes_before_the_reports():
    page = page_of("coordinator", reverse("home")).split('id="bulk-accept"')[1]
    assert before(page, "Принять отмеченные", "<table")


def test_the_spravka_page_leads_to_its_issue_form_from_the_top():
    page = page_of("coordinator", reverse("spravka", args=["bryansk-2021-h1"]))
    assert before(page, 'href="#issue"', 'id="spravka-preview"') and 'id="issue"' in page


def test_the_measures_of_a_need_are_saved_from_above_the_activities():
    need = Need.objects.filter(school=gobiki()).first()
    page = page_of("curator", reverse("need_measures", args=[gobiki().pk, need.pk]))
    assert before(page, "Сохранить меры", "<table")


def test_the_roadmap_page_leads_to_its_form_from_the_top():
    page = page_of("head", reverse("roadmap_edit", args=[gobiki().pk]))
    assert before(page, 'href="#activity-form"', "<table") and 'id="activity-form"' in page


def test_the_reminders_are_confirmed_above_the_list_of_letters(world):
    world.a1.email = "alpha@school.example"
    world.a1.save()
    page = world.client("coordinator").get(reverse("campaign_remind", args=[world.campaign.code])).content.decode()
    assert before(page, '<button type="submit">Отправить', 'id="reminder-letters"')
