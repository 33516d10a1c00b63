"""The home page is each role's to-do list: what the person must do next, and nothing they may not do."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from shnor.actions import door
from shnor.monitoring import workflow
from shnor.monitoring.models import SchoolReport


@pytest.fixture
def cycle(world):
    """a1 returned with remarks (head, staff), a2 certified (to accept), b1 submitted (curator2 certifies)."""
    report = workflow.open_report(world.campaign, world.a1)
    entries = list(report.entries.all())
    for e in entries[:-1]:
        e.status = "done"
        e.save()
    SchoolReport.objects.filter(pk=report.pk).update(status="returned", remarks="Приложите приказ о КПК")
    a2 = SchoolReport.objects.create(campaign=world.campaign, school=world.a2, status="certified", certified_at=timezone.now(),
                                     certified_by=world.users["curator"])
    b1 = SchoolReport.objects.create(campaign=world.campaign, school=world.b1, status="submitted", submitted_at=timezone.now())
    for text, addressee in [("Провести семинар для директоров", "Органу местного самоуправления в сфере образования (Первый район)"),
                            ("Проверить отчёты района", "Органу местного самоуправления в сфере образования (Второй район)")]:
        door.create(world.users["coordinator"], kind="decision", region=world.region, campaign=world.campaign, text=text, addressee_text=addressee)
    return report, a2, b1


def home(world, role) -> str:
    response = world.client(role).get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode().replace("\xa0", " ")


def test_the_head_sees_the_remarks_to_fix_what_is_missing_and_the_deadline(world, cycle):
    body = home(world, "head")
    assert "Исправьте по замечаниям" in body and "Приложите приказ о КПК" in body
    assert "срок истёк" in body  # the test campaign's due date is in the past
    assert reverse("report_edit", args=[world.campaign.code, world.a1.pk]) in body
    assert "Принять отмеченные" not in body and "Ждут вашего заверения" not in body and "Не отправили отчёт" not in body


def test_the_head_sees_the_unmarked_activities_and_the_days_left(world):
    world.campaign.due_date = timezone.localdate() + timezone.timedelta(days=5)
    world.campaign.save()
    workflow.open_report(world.campaign, world.a1)
    body = home(world, "head")
    assert "Не отмечено 3 мероприятия" in body and "осталось 5 дней" in body


def test_the_curator_sees_what_waits_for_them_and_their_schools_with_states(world, cycle):
    body = home(world, "curator2")
    assert "Ждут вашего заверения (1)" in body and "Проверить и заверить" in body and "МБОУ СОШ № 2" in body
    body = home(world, "curator")
    assert "Ждут вашего заверения (0)" in body
    assert "Мои школы" in body and "возвращён на доработку" in body and "заверен куратором" in body
    assert "Принять отмеченные" not in body and "Заполнить отчёт" not in body


def test_the_municipal_coordinator_sees_their_own_lagging_schools(world, cycle):
    body = home(world, "municipal")
    lagging = body.split('id="lagging"')[1].split("</table>")[0]
    assert "МБОУ «Альфа СОШ»" in lagging
    assert "МБОУ СОШ № 2" not in lagging  # another municipality's school
    assert "Провести семинар для директоров" in body  # addressed to their municipality
    assert "Проверить отчёты района" not in body  # addressed to another one
    assert "Заполнить отчёт" not in body


def test_the_regional_coordinator_accepts_several_certified_reports_at_once(world, cycle):
    report, a2, b1 = cycle
    body = home(world, "coordinator")
    assert "Ждут принятия (1)" in body and f'value="{a2.pk}:{a2.version}"' in body
    assert "Не отправили отчёт" in body and "Провести семинар для директоров" in body and "Проверить отчёты района" in body
    assert "Заполнить отчёт" not in body and "Проверить и заверить" not in body
    b1_version = b1.version
    response = world.client("coordinator").post(reverse("reports_accept"), {"report": [f"{a2.pk}:{a2.version}", f"{b1.pk}:{b1_version}"]}, follow=True)
    text = response.content.decode().replace("\xa0", " ")
    a2.refresh_from_db()
    b1.refresh_from_db()
    assert a2.status == "accepted" and b1.status == "submitted"
    assert "Принято: 1 отчёт" in text and "Не принят — МБОУ СОШ № 2: Принять можно только заверенный" in text


def test_bulk_accept_is_refused_to_heads_and_curators(world, cycle):
    _, a2, _ = cycle
    for role in ("head", "curator", "observer"):
        assert world.client(role).post(reverse("reports_accept"), {"report": [f"{a2.pk}:{a2.version}"]}).status_code == 403
    a2.refresh_from_db()
    assert a2.status == "certified"


def test_the_observer_sees_read_only_summaries_with_links_to_the_spravka_and_analytics(world, cycle):
    body = home(world, "observer")
    assert reverse("spravka", args=[world.campaign.code]) in body and reverse("dashboard") in body
    assert "Заполнить отчёт" not in body and "Принять отмеченные" not in body and "Проверить и заверить" not in body
    assert "Провести семинар для директоров" in body  # read-only: the list of items, no marking here


def test_analytics_opens_the_latest_campaign_with_data(world, cycle):
    from shnor.monitoring.models import Campaign

    Campaign.objects.create(code="test-2022-h1", title="Новая пустая кампания", region=world.region, framework=world.framework,
                            period_start=world.campaign.period_end, period_end=world.campaign.period_end.replace(year=2022, month=6, day=30),
                            due_date=world.campaign.due_date.replace(month=7)).schools.set([world.a1])
    body = world.client("coordinator").get(reverse("dashboard")).content.decode()
    assert f"Аналитика: {world.campaign.title}" in body
