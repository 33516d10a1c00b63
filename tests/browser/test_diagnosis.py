"""A curator records a school's cause and deficit and links two roadmap activities; the coordinator's справка shows
the needs coverage with the right counts and the school left without measures."""

from __future__ import annotations

import pytest

from tests.conftest import PASSWORD

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _add_need(page, school_pk: int, kind: str, text: str) -> None:
    page.goto(f"/schools/{school_pk}/")
    page.click("text=Добавить причину, дефицит или риск")
    page.select_option("select[name=kind]", kind)
    page.fill("textarea[name=text]", text)
    page.fill("input[name=period_text]", "2021/2022 учебный год")
    page.click("button:has-text('Сохранить')")
    assert "Сохранено." in page.locator(".messages").inner_text()


def test_curator_links_measures_and_the_coordinator_sees_needs_coverage(page, world):
    from shnor.diagnosis import door
    from shnor.monitoring.models import ReportEntry, SchoolReport

    a1, a2 = world.a1, world.a2
    courses = world.roadmap.activities.get(activity_type__code="pk_courses")
    mentoring = world.roadmap.activities.get(activity_type__code="mentoring")
    # Another school has the same deficit and no measure; a1's report, certified, did the courses.
    door.add_need(a2, world.users["curator"], door.NeedInput("deficit", "Дефицит оценочных компетенций"))
    report = SchoolReport.objects.create(campaign=world.campaign, school=a1, status=SchoolReport.Status.CERTIFIED)
    ReportEntry.objects.create(report=report, planned_activity=courses, title=courses.title, status="done")

    login(page, "t_curator", PASSWORD)
    _add_need(page, a1.pk, "cause", "Высокая доля обучающихся с рисками учебной неуспешности")
    _add_need(page, a1.pk, "deficit", "Затруднения учителей в объективном оценивании (оценочные компетенции)")
    section = page.locator("#diagnosis ~ .table-scroll table").first
    assert "подобрано автоматически" in section.inner_text()
    page.locator("tr", has_text="Затруднения учителей в объективном оценивании").locator("a:has-text('меры')").click()
    assert page.locator("tr", has_text=courses.title).locator("text=предлагается").count() == 1
    page.check(f"#activity-{courses.pk}")
    page.check(f"#activity-{mentoring.pk}")
    page.click("button:has-text('Сохранить меры')")
    assert "Связано мероприятий: 2." in page.locator(".messages").inner_text()
    assert mentoring.title in page.locator("tr", has_text="Затруднения учителей в объективном оценивании").inner_text()

    login(page, "t_coordinator", PASSWORD)
    page.goto(f"/campaigns/{world.campaign.code}/spravka/")
    text = page.inner_text("body").replace("\xa0", " ")
    assert "Диагностика и меры." in text
    assert ("дефицит оценочных компетенций выявлен в 2 школах, мероприятия по нему запланированы в 1, проведены в 1; "
            "не запланированы: МБОУ Бета ООШ") in text
    assert "высокая доля обучающихся с рисками учебной неуспешности выявлена в 1 школе, мероприятий по ней нет" in text
