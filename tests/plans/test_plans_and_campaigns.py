"""Campaign creation, roadmap editing and the catalogue, through the pages."""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from shnor.audit.models import AuditEvent
from shnor.monitoring.models import Campaign
from shnor.plans.models import ActivityType, Direction, PlannedActivity, TypeMapping


def campaign_data(world, **extra):
    data = {
        "code": "test-2022-h1", "title": "Мониторинг, I полугодие 2022", "region": world.region.pk,
        "period_start": "2022-01-01", "period_end": "2022-06-30", "period_text": "январь – июнь 2022 года",
        "framework": world.framework.pk, "due_date": "10.07.2022", "schools": [world.a1.pk, world.b1.pk],
    }
    data.update(extra)
    return data


def test_a_regional_coordinator_creates_a_campaign(world):
    response = world.client("coordinator").post(reverse("campaign_create"), campaign_data(world))
    assert response.status_code == 302
    campaign = Campaign.objects.get(code="test-2022-h1")
    assert campaign.due_date == date(2022, 7, 10)
    assert set(campaign.schools.values_list("pk", flat=True)) == {world.a1.pk, world.b1.pk}
    assert AuditEvent.objects.filter(action="campaign.create", object_id=str(campaign.pk)).exists()


def test_a_campaign_with_wrong_dates_or_foreign_schools_is_refused(world):
    client = world.client("coordinator")
    response = client.post(reverse("campaign_create"), campaign_data(world, period_end="2021-06-30", due_date="2030-01-01"))
    body = response.content.decode()
    assert response.status_code == 200 and "Окончание периода раньше его начала" in body
    response = client.post(reverse("campaign_create"), campaign_data(world, code="bryansk-2021-h1"))
    assert "Кампания с таким кодом уже есть" in response.content.decode()
    # A school of another region is not even offered.
    response = client.post(reverse("campaign_create"), campaign_data(world, schools=[world.far.pk]))
    assert "Выберите корректный вариант" in response.content.decode()
    assert not Campaign.objects.filter(code="test-2022-h1").exists()


def test_the_head_adds_a_roadmap_activity_with_a_parsed_deadline(world):
    client = world.client("head")
    response = client.post(reverse("roadmap_edit", args=[world.a1.pk]), {
        "title": "Педагогический совет «Пути преодоления неуспеваемости»", "activity_type": ActivityType.objects.get(code="pedagogical_council").pk,
        "deadline": "до 01.12.2021", "responsible": "директор",
    })
    assert response.status_code == 302
    activity = world.roadmap.activities.get(title__startswith="Педагогический совет")
    assert activity.deadline_text == "до 01.12.2021" and activity.deadline_end == date(2021, 12, 1)
    assert activity.order == 5
    assert AuditEvent.objects.filter(action="roadmap.activity_save", school=world.a1).exists()


def test_a_recurring_deadline_spans_the_whole_roadmap(world):
    world.client("head").post(reverse("roadmap_edit", args=[world.a1.pk]), {"title": "Консультации психолога", "deadline": "постоянно"})
    activity = world.roadmap.activities.get(title="Консультации психолога")
    assert (activity.deadline_start, activity.deadline_end) == (world.roadmap.period_start, world.roadmap.period_end)


def test_an_activity_already_in_a_report_cannot_be_deleted(world):
    from shnor.monitoring.workflow import open_report

    open_report(world.campaign, world.a1)
    activity = world.roadmap.activities.first()
    response = world.client("head").post(reverse("roadmap_activity_delete", args=[world.a1.pk, activity.pk]), follow=True)
    assert "удалить его нельзя" in response.content.decode()
    assert PlannedActivity.objects.filter(pk=activity.pk).exists()
    late = world.roadmap.activities.get(title="Профориентационные пробы")  # not in the report: outside the period
    world.client("head").post(reverse("roadmap_activity_delete", args=[world.a1.pk, late.pk]))
    assert not PlannedActivity.objects.filter(pk=late.pk).exists()


def test_a_coordinator_edits_an_activity_type_and_its_directions(world):
    motivation = Direction.objects.get(framework=world.framework, code="motivation")
    teachers = Direction.objects.get(framework=world.framework, code="teachers")
    response = world.client("coordinator").post(reverse("activity_type_edit", args=["mentoring"]), {
        "name": "Наставничество (учитель – учитель, учитель – ученик)", "examples": "наставничество", "form": "interactive",
        "is_active": "on", "directions": [teachers.pk, motivation.pk],
    })
    assert response.status_code == 302
    mentoring = ActivityType.objects.get(code="mentoring")
    assert mentoring.name.startswith("Наставничество (учитель")
    mappings = TypeMapping.objects.filter(activity_type=mentoring, direction__framework=world.framework)
    assert {(m.direction.code, m.is_primary) for m in mappings} == {("teachers", True), ("motivation", False)}
    assert AuditEvent.objects.filter(action="catalogue.type_edit").exists()


def test_a_municipal_coordinator_cannot_edit_the_catalogue(world):
    response = world.client("municipal").post(reverse("activity_type_edit", args=["mentoring"]), {"name": "Взлом", "form": "other"})
    assert response.status_code == 403
    assert ActivityType.objects.get(code="mentoring").name == "Наставничество"


def test_choice_lists_say_what_an_empty_choice_means_and_name_no_codes(world):
    client = world.client("coordinator")
    body = client.get(reverse("campaign_create")).content.decode()
    assert "---------" not in body
    assert "— выберите регион —" in body and "— выберите систему направлений —" in body and "— нет (первая кампания) —" in body
    body = client.get(reverse("activity_type_edit", args=["pk_courses"])).content.decode()
    direction = world.framework.directions.order_by("order").first()
    assert f"{world.framework.name}: {direction.name}" in body and f"{world.framework.code}: " not in body
