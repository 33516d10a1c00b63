"""Creating campaigns and changing roadmaps through the API: the web form's rules, the audit log, Russian errors."""

from __future__ import annotations

from datetime import date

from shnor.audit.models import AuditEvent
from shnor.monitoring.models import Campaign
from shnor.plans.models import PlannedActivity, Roadmap

from .conftest import open_report


def campaign_body(world, **changes) -> dict:
    return {"code": "test-2022-h1", "title": "Мониторинг, II полугодие 2021/2022", "region": "test", "period_start": "2022-01-01",
            "period_end": "2022-06-30", "period_text": "январь – июнь 2022 года", "framework": "cluster4", "due_date": "2022-06-20",
            "schools": [world.a1.pk, world.b1.pk], "indicators": ["quality", "failing"], "previous": world.campaign.code, **changes}


def test_a_regional_coordinator_creates_a_campaign(world, api):
    response = api.post("coordinator", "/api/v1/campaigns/", campaign_body(world))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["code"] == "test-2022-h1" and body["previous"] == world.campaign.code and body["indicators"] == ["quality", "failing"]
    assert sorted(body["schools"]) == sorted([world.a1.pk, world.b1.pk]) and body["schools_total"] == 2
    campaign = Campaign.objects.get(code="test-2022-h1")
    assert campaign.created_by == world.users["coordinator"]
    assert AuditEvent.objects.filter(action="campaign.create", object_id=str(campaign.pk)).exists()
    assert api.get("head_b1", "/api/v1/campaigns/test-2022-h1/").json()["schools"] == [world.b1.pk]


def test_a_campaign_follows_the_web_forms_rules(world, api):
    cases = [
        ({"code": world.campaign.code}, "code", "Кампания с таким кодом уже есть"),
        ({"period_end": "2021-12-31"}, "period_end", "Окончание периода раньше его начала"),
        ({"due_date": "2025-01-01"}, "due_date", "Срок сдачи отчётов"),
        ({"schools": [world.a1.pk, world.far.pk]}, "schools", ""),
        ({"region": "nowhere"}, "region", "Региона с кодом «nowhere» нет"),
        ({"indicators": ["quality", "iq"]}, "indicators", "Таких показателей нет: iq"),
    ]
    for changes, field, message in cases:
        response = api.post("coordinator", "/api/v1/campaigns/", campaign_body(world, **changes))
        assert response.status_code == 400, (changes, response.content)
        assert field in response.json()["fields"], (changes, response.json())
        assert message in " ".join(response.json()["fields"][field]), (changes, response.json())
    far = api.post("far_coordinator", "/api/v1/campaigns/", campaign_body(world, previous=None))
    assert far.status_code == 400 and "region" in far.json()["fields"]
    assert not Campaign.objects.filter(code="test-2022-h1").exists()


def test_a_curator_creates_a_roadmap_and_a_second_current_one_is_refused(world, api):
    created = api.post("curator", "/api/v1/roadmaps/", {"school": world.a2.pk, "framework": "cluster4", "period_start": "2021-09-01",
                                                        "period_end": "2022-08-31", "approved_by": "Приказ от 30.08.2021 № 112"})
    assert created.status_code == 201, created.content
    assert created.json()["activities_count"] == 0 and created.json()["is_current"] is True
    assert AuditEvent.objects.filter(action="roadmap.create", school=world.a2).exists()
    again = api.post("coordinator", "/api/v1/roadmaps/", {"school": world.a2.pk})
    assert again.status_code == 400 and "действующая дорожная карта" in again.json()["fields"]["is_current"][0]
    archived = api.post("coordinator", "/api/v1/roadmaps/", {"school": world.a2.pk, "is_current": False, "title": "Прошлая"})
    assert archived.status_code == 201
    backwards = api.patch("head", f"/api/v1/roadmaps/{world.roadmap.pk}/", {"period_end": "2020-01-01"})
    assert backwards.status_code == 400 and backwards.json()["fields"]["period_end"] == ["Окончание периода раньше его начала."]


def test_a_head_adds_an_activity_with_a_deadline_as_people_write_it(world, api):
    response = api.post("head", "/api/v1/planned-activities/", {
        "roadmap": world.roadmap.pk, "title": "Педсовет по итогам ВПР", "activity_type": "methodical_events",
        "deadline": "Ноябрь 2021", "directions": ["teachers"], "responsible": "Заместитель директора по УВР"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["deadline_text"], body["deadline_start"], body["deadline_end"]) == ("Ноябрь 2021", "2021-11-01", "2021-11-30")
    assert body["directions"] == ["teachers"] and body["order"] == 5
    activity = PlannedActivity.objects.get(pk=body["id"])
    assert activity.deadline_start == date(2021, 11, 1)
    assert AuditEvent.objects.filter(action="roadmap.activity_save", object_id=str(activity.pk)).exists()
    changed = api.patch("head", f"/api/v1/planned-activities/{activity.pk}/", {"deadline": "в течение учебного года"}).json()
    assert changed["deadline_text"] == "в течение учебного года" and changed["deadline_start"] == "2021-09-01"
    assert changed["title"] == "Педсовет по итогам ВПР" and changed["directions"] == ["teachers"]


def test_an_activity_is_checked_against_the_roadmaps_framework(world, api):
    response = api.post("head", "/api/v1/planned-activities/", {"roadmap": world.roadmap.pk, "title": "Что-то", "directions": ["nowhere"],
                                                               "activity_type": "no_such_type"})
    assert response.status_code == 400
    fields = response.json()["fields"]
    assert fields["activity_type"] == ["Вида мероприятия с кодом «no_such_type» нет в справочнике."]
    response = api.post("head", "/api/v1/planned-activities/", {"roadmap": world.roadmap.pk, "title": "Что-то", "directions": ["nowhere"]})
    assert response.json()["fields"]["directions"] == ["В системе направлений дорожной карты нет направлений: nowhere."]


def test_an_activity_already_in_a_report_cannot_be_deleted(world, api):
    open_report(world)
    in_report = world.roadmap.activities.order_by("order").first()
    refused = api.call("coordinator", "delete", f"/api/v1/planned-activities/{in_report.pk}/")
    assert refused.status_code == 409 and refused.json()["code"] == "workflow"
    assert PlannedActivity.objects.filter(pk=in_report.pk).exists()
    spare = PlannedActivity.objects.create(roadmap=world.roadmap, title="Лишнее", order=9)
    deleted = api.call("curator", "delete", f"/api/v1/planned-activities/{spare.pk}/")
    assert deleted.status_code == 204 and not PlannedActivity.objects.filter(pk=spare.pk).exists()
    assert AuditEvent.objects.filter(action="roadmap.activity_delete", object_id=str(spare.pk)).exists()


def test_a_roadmap_does_not_move_between_schools(world, api):
    response = api.patch("coordinator", f"/api/v1/roadmaps/{world.roadmap.pk}/", {"school": world.b1.pk, "title": "Новая"})
    assert response.status_code == 200
    assert Roadmap.objects.get(pk=world.roadmap.pk).school == world.a1


def test_a_code_with_a_nul_character_is_read_without_it_not_answered_with_a_server_error(world, api):
    # PostgreSQL refuses a NUL inside a query: NULs leave a JSON body before any lookup; other control characters
    # are stripped from the texts after validation.
    response = api.post("head", "/api/v1/planned-activities/", {"roadmap": world.roadmap.pk, "title": "Курсы\u000e",
                                                               "activity_type": "pk\u0000_courses"})
    assert response.status_code == 201, response.content
    assert response.json()["activity_type"] == "pk_courses"
    assert response.json()["title"] == "Курсы"
