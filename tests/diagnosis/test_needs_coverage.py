"""Needs coverage from the database into the справка, its findings and its query count."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shnor.analysis import spravka
from shnor.diagnosis import door
from shnor.diagnosis.door import NeedInput
from shnor.diagnosis.records import need_records
from shnor.monitoring.models import ReportEntry, SchoolReport


def _diagnose(world):
    curator, curator2 = world.users["curator"], world.users["curator2"]
    deficit = door.add_need(world.a1, curator, NeedInput("deficit", "Дефицит оценочных компетенций"))
    courses = world.roadmap.activities.get(activity_type__code="pk_courses")
    mentoring = world.roadmap.activities.get(activity_type__code="mentoring")
    door.set_measures(deficit, [courses.pk, mentoring.pk], curator)
    door.add_need(world.a2, curator, NeedInput("deficit", "дефицит оценочных компетенций у учителей"))
    door.add_need(world.b1, curator2, NeedInput("cause", "Дефицит педагогических кадров", period_text="2023/2024 учебный год"))  # later
    for school, status in ((world.a1, "certified"), (world.a2, "accepted")):
        report = SchoolReport.objects.create(campaign=world.campaign, school=school, status=status)
        if school == world.a1:
            ReportEntry.objects.create(report=report, planned_activity=courses, title=courses.title, status="done")
            ReportEntry.objects.create(report=report, planned_activity=mentoring, title=mentoring.title, status="not_done")
    return deficit


def test_need_records_say_which_measures_are_done_in_counted_reports(world):
    deficit = _diagnose(world)
    records = need_records(world.campaign, SchoolReport.COUNTED)
    by_school = {r.school_id: r for r in records}
    assert set(by_school) == {world.a1.pk, world.a2.pk}  # b1's need is found after the period
    assert len(by_school[world.a1.pk].measures) == 2 and len(by_school[world.a1.pk].done) == 1
    assert by_school[world.a2.pk].code == deficit.code == "assessment_deficit"


def test_the_spravka_has_the_needs_section_and_its_findings(world):
    _diagnose(world)
    prepared = spravka.prepare(world.campaign)
    lines = [line.replace("\xa0", " ") for line in prepared.spravka.needs_lines]
    assert lines == ["дефицит оценочных компетенций выявлен в 2 школах, мероприятия по нему запланированы в 1, проведены в 1; "
                     "не запланированы: МБОУ Бета ООШ."]
    assert "из 3" in prepared.spravka.needs_lead
    by_rule = {f.rule: f for f in prepared.findings}
    assert by_rule["needs_without_measures"].school_ids == [world.a2.pk]
    assert by_rule["needs_addressed"].school_ids == [world.a1.pk]


def test_the_needs_take_two_queries_whatever_the_number_of_needs(world):
    _diagnose(world)
    with CaptureQueriesContext(connection) as few:
        need_records(world.campaign, SchoolReport.COUNTED)
    for i in range(5):
        door.add_need(world.a2, world.users["curator"], NeedInput("cause", f"Причина {i}"))
    with CaptureQueriesContext(connection) as more:
        need_records(world.campaign, SchoolReport.COUNTED)
    assert len(few) == len(more) == 2


def test_the_coordinators_spravka_page_shows_the_section(world):
    _diagnose(world)
    page = world.client("coordinator").get(reverse("spravka", args=[world.campaign.code])).content.decode()
    assert "Диагностика и меры." in page and "не запланированы: МБОУ Бета ООШ" in page


def test_the_dashboard_shows_the_needs_table_and_drills_down_to_the_schools(world):
    _diagnose(world)
    client = world.client("coordinator")
    page = client.get(reverse("dashboard") + f"?campaign={world.campaign.code}").content.decode()
    assert 'id="dashboard-needs"' in page and "Дефицит оценочных компетенций" in page
    drill = client.get(reverse("dashboard_schools", args=[world.campaign.code]) + "?need=deficit:assessment_deficit&which=unplanned")
    body = drill.content.decode()
    assert drill.status_code == 200 and "МБОУ Бета ООШ" in body and "МБОУ «Альфа СОШ»" not in body
    assert client.get(reverse("dashboard_schools", args=[world.campaign.code]) + "?need=cause:nothing").status_code == 404


def test_a_municipal_coordinator_drills_down_only_into_their_schools(world):
    _diagnose(world)
    body = world.client("municipal2").get(reverse("dashboard_schools", args=[world.campaign.code]) +
                                          "?need=deficit:assessment_deficit&which=schools")
    assert body.status_code == 404  # b1 (their only school) has no such need: the row does not exist for them
    assert world.client("outsider").get(reverse("dashboard_schools", args=[world.campaign.code]) +
                                        "?need=deficit:assessment_deficit&which=schools").status_code in (403, 404)
