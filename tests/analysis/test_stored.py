"""Stored analyses: the справка page and the dashboard serve the analysis stored until what it reads changes; each
writer (the workflow, the indicator import, the diagnosis, the actions, the findings editor, the campaign's edit)
changes what the page shows at once."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from shnor.actions import door as actions_door
from shnor.analysis import spravka, stored
from shnor.analysis.models import StoredAnalysis
from shnor.core.russian import normalize_spaces
from shnor.diagnosis import door as diagnosis_door
from shnor.monitoring import workflow
from shnor.monitoring.models import Campaign, Indicator
from shnor.monitoring.workflow import EntryChange


@pytest.fixture
def computed(monkeypatch):
    """How many times an analysis was computed."""
    calls = []
    real = stored.compute

    def counting(*args, **kwargs):
        calls.append(args[0].code)
        return real(*args, **kwargs)

    monkeypatch.setattr(stored, "compute", counting)
    return calls


def certify_a1(world, code="pk_courses", status="done"):
    u = world.users
    report = workflow.open_report(world.campaign, world.a1, u["head"])
    changes = [EntryChange(e.pk, e.title, status if e.activity_type and e.activity_type.code == code else "not_done", "Проведено",
                           e.activity_type_id, reason="Перенесено приказом") for e in report.entries.select_related("activity_type")]
    report = workflow.save_report(report, u["head"], report.version, changes)
    report = workflow.submit(report, u["head"], report.version)
    return workflow.certify(report, u["curator"], report.version)


def page(world, campaign=None, role="coordinator", query="") -> str:
    response = world.client(role).get(reverse("spravka", args=[(campaign or world.campaign).code]) + query)
    assert response.status_code == 200
    return normalize_spaces(response.content.decode())


def preview(body: str) -> str:
    start = body.index('id="spravka-preview"')
    return body[start:body.index("</section>", start)]


KPK = "курсы повышения квалификации педагогов — 1 из 3"


def test_a_later_view_serves_the_stored_analysis_and_a_workflow_step_changes_it(world, computed):
    before = page(world)
    page(world)
    assert computed == ["test-2021-h2"]  # the second view computed nothing
    certify_a1(world)
    after = page(world)
    assert computed == ["test-2021-h2", "test-2021-h2"]
    assert KPK in after and KPK not in before


def test_the_dashboard_shares_the_stored_analysis_with_the_spravka(world, computed):
    certify_a1(world)
    page(world)
    response = world.client("coordinator").get(reverse("dashboard") + f"?campaign={world.campaign.code}")
    assert response.status_code == 200 and computed == ["test-2021-h2"]
    assert "1 (33,3 %)" in normalize_spaces(response.content.decode())


def test_an_indicator_import_changes_the_page(world):
    certify_a1(world)
    assert "42,5" not in page(world)
    quality = Indicator.objects.get(code="quality")
    value = workflow.ValueInput(world.b1.pk, quality, "", world.campaign.period_start, world.campaign.period_end, Decimal("42.5"), "файл")
    workflow.set_indicator_values([value], world.users["coordinator"], world.campaign, file_name="показатели.xlsx")
    assert "42,5" in page(world)


def test_a_diagnosis_change_changes_the_page(world):
    certify_a1(world)
    before = preview(page(world))
    need = diagnosis_door.add_need(world.a1, world.users["coordinator"], diagnosis_door.NeedInput("cause", "Низкая учебная мотивация обучающихся",
                                                                                                  period_text="2021/2022 учебный год"))
    after = preview(page(world))
    assert after != before and "Диагностика" in after
    diagnosis_door.delete_need(need, world.users["coordinator"])
    assert preview(page(world)) == before


def next_campaign(world) -> Campaign:
    following = Campaign.objects.create(code="test-2022-h1", title="Тестовый мониторинг, II полугодие 2021/2022", region=world.region,
                                        period_start=date(2022, 1, 1), period_end=date(2022, 5, 31), framework=world.framework,
                                        due_date=date(2022, 6, 10), previous=world.campaign)
    following.schools.set([world.a1, world.a2, world.b1])
    return following


def test_marking_an_action_of_the_previous_campaign_changes_the_next_ones_page(world):
    following = next_campaign(world)
    action = actions_door.create(world.users["coordinator"], kind="recommendation", region=world.region, campaign=world.campaign,
                                 text="Провести методический семинар для учителей математики", addressee_text="Образовательным организациям")
    assert "семинар прошёл 12 марта" not in page(world, following)
    actions_door.set_status(action, world.users["coordinator"], "done", note="семинар прошёл 12 марта")
    assert "семинар прошёл 12 марта" in page(world, following)


def test_a_step_in_the_previous_campaign_changes_the_next_ones_stamp(world, computed):
    following = next_campaign(world)
    page(world, following)
    stamp = stored.stamp(following)
    certify_a1(world)
    assert stored.stamp(following) != stamp
    page(world, following)
    assert computed.count("test-2022-h1") == 2


def test_a_findings_edit_shows_at_once(world):
    certify_a1(world)
    page(world)
    finding = spravka.stored_findings(world.campaign)[0]
    spravka.edit_finding(finding, world.users["coordinator"], text="Вывод, переписанный координатором вручную.")
    assert "Вывод, переписанный координатором вручную." in page(world)


def test_editing_the_campaign_changes_the_stamp_and_rebuilds_its_coverage(world):
    certify_a1(world)
    page(world)
    stamp = stored.stamp(world.campaign)
    world.campaign.schools.remove(world.b1)
    workflow.campaign_changed(world.campaign, world.users["coordinator"])
    assert stored.stamp(world.campaign) != stamp
    assert "курсы повышения квалификации педагогов — 1 из 2" in page(world)


def test_a_large_campaign_is_analysed_by_a_task_with_progress(world, settings, django_capture_on_commit_callbacks):
    certify_a1(world)
    settings.ANALYSIS_INLINE_SCHOOLS = 2  # the campaign's 3 schools are «large»
    with django_capture_on_commit_callbacks() as callbacks:
        body = page(world)
    assert "пересчитывается в фоне" in body and 'http-equiv="refresh"' in body
    assert "в кампании 3 школы" in body
    assert StoredAnalysis.objects.get(campaign=world.campaign).state == StoredAnalysis.State.COMPUTING
    with django_capture_on_commit_callbacks() as again:
        page(world)
    assert len(again) == 0  # a second view while it runs starts no second task
    for callback in callbacks:
        callback()  # the queue runs the task (the immediate backend of the tests)
    assert KPK in page(world)


def test_a_failed_analysis_offers_a_retry(world, settings, monkeypatch, django_capture_on_commit_callbacks):
    settings.ANALYSIS_INLINE_SCHOOLS = 2

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(stored, "compute", broken)
    with django_capture_on_commit_callbacks(execute=True):
        page(world)  # the task fails (the queue keeps its error)
    body = page(world)
    assert "прервался" in body and "Повторить" in body
    monkeypatch.undo()
    settings.ANALYSIS_INLINE_SCHOOLS = 2
    with django_capture_on_commit_callbacks(execute=True):
        response = world.client("coordinator").post(reverse("analysis_retry", args=[world.campaign.code]))
    assert response.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        page(world)
    assert StoredAnalysis.objects.get(campaign=world.campaign).state == StoredAnalysis.State.READY


def test_long_lists_are_shortened_in_the_preview_and_paginated_below(world, monkeypatch):
    from shnor.analysis import views

    monkeypatch.setattr(views, "PREVIEW_ROWS", 1)
    monkeypatch.setattr(views, "LIST_PAGE", 2)
    certify_a1(world)
    body = page(world)
    assert 'id="list-schools"' in body and "3 строки" in body
    assert "Показать весь список по страницам" in body and "страница 1 из 2" not in body  # collapsed: the rows are not sent
    assert "страница 1 из 2" in page(world, query="?schools=1")
    second = page(world, query="?schools=2")
    assert 'id="list-schools" open' in second and "страница 2 из 2" in second


def test_each_pager_of_the_spravka_page_keeps_the_others_place(world, monkeypatch):
    from shnor.analysis import views

    monkeypatch.setattr(views, "PREVIEW_ROWS", 1)
    monkeypatch.setattr(views, "LIST_PAGE", 2)
    monkeypatch.setattr(views, "FINDINGS_PAGE", 1)
    certify_a1(world)
    page(world)
    body = page(world, query="?schools=2&findings=2")
    assert 'id="list-schools" open' in body and "страница 2 из 2" in body
    assert 'href="?schools=1&amp;findings=2#list-schools"' in body  # the list's page back keeps the findings' page
    assert 'href="?schools=2&amp;findings=1#findings"' in body  # the findings' page back keeps the list's page
    assert 'href="?schools=2&amp;findings=3#findings"' in body


def test_a_school_renamed_or_a_roadmap_edited_makes_the_stored_analysis_stale(world, computed):
    certify_a1(world)
    page(world)
    school = world.a1
    school.short_name = "Переименованная СОШ"
    school.save()
    assert "Переименованная СОШ" in page(world)
    assert len(computed) == 2
    page(world)
    assert len(computed) == 2  # stored again until the next change
    activity = world.a1.roadmaps.first().activities.first()
    activity.title = activity.title + " (уточнено)"
    activity.save()
    page(world)
    assert len(computed) == 3
    indicator = Indicator.objects.first()
    indicator.name = indicator.name + " (уточнено)"
    indicator.save()
    page(world)
    assert len(computed) == 4


def test_issuing_takes_the_stored_analysis_when_current_and_sees_a_step_made_after_it(world, monkeypatch):
    page(world)  # the analysis is stored
    analysed = []
    real = spravka.analysis_for

    def counting(*args, **kwargs):
        analysed.append(args[0].code)
        return real(*args, **kwargs)

    monkeypatch.setattr(spravka, "analysis_for", counting)
    u = world.users
    first = spravka.issue(world.campaign, u["coordinator"], "Р. Координаторова", "координатор")
    assert analysed == []  # nothing changed since the page: the stored analysis was issued
    certify_a1(world)  # a step after the page was viewed: the stored analysis is stale
    second = spravka.issue(world.campaign, u["coordinator"], "Р. Координаторова", "координатор")
    assert analysed == ["test-2021-h2"]
    text = normalize_spaces(repr(second.content))
    assert KPK in text and KPK not in normalize_spaces(repr(first.content))


def test_a_stored_analysis_reads_back_equal_with_one_int_object_per_school(world):
    from shnor.core.coverage import CoverageRow

    certify_a1(world)
    kept = stored.compute(world.campaign)
    again = stored._unpack(stored._pack(kept))
    assert repr(again.analysis) == repr(kept.analysis)
    ids = list(range(10_000, 10_300))
    rows = [CoverageRow("d", None, "Направление", ids, 300, ids), CoverageRow("d", "t", "Тип", list(ids), 300),
            CoverageRow("d", "u", "Тип", [10_000] + [True] * 300, 300)]
    read = stored._unpack(stored._pack(rows))
    assert read == rows and type(read[2].school_ids[1]) is bool
    assert read[0].school_ids is read[0].uncertified_ids  # a list shared stays shared
    assert all(a is b for a, b in zip(read[0].school_ids, read[1].school_ids, strict=True))  # one int object per school
