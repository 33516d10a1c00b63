"""A municipality's own roadmap and its report in a campaign: filled and submitted by the municipal coordinator,
certified and accepted by the regional coordinator (no curator step), counted apart from the schools."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse

from shnor.audit.describe import action_label
from shnor.audit.models import AuditEvent
from shnor.monitoring import workflow
from shnor.monitoring.coverage import compute_coverage_for, municipal_coverage
from shnor.monitoring.models import MunicipalReport, ReportEntry
from shnor.plans import roadmaps
from shnor.plans.models import PlannedActivity, Roadmap

pytestmark = pytest.mark.django_db
S = MunicipalReport.Status


@pytest.fixture
def own(world):
    """Municipality m1's own roadmap (three activities in the campaign's period, one after it), in the campaign."""
    roadmap = Roadmap.objects.create(municipality=world.m1, title="Муниципальная дорожная карта", framework=world.framework)
    for i, (title, deadline, who) in enumerate([
        ("Семинар для руководителей ШНОР «Управление качеством образования»", "октябрь 2021", "МОЦ"),
        ("Методический интенсив для учителей математики", "ноябрь 2021", "Отдел образования"),
        ("Стажировка на базе школы-лидера", "декабрь 2021", "МБОУ «Лидер СОШ»"),
        ("Муниципальная олимпиада", "март 2022", "МОЦ"),
    ], start=1):
        activity = PlannedActivity(roadmap=roadmap, number=str(i), section="Работа с педагогами", title=title, responsible=who,
                                   expected_result="Повышение квалификации", activity_type=world.type("pk_courses"), order=i)
        activity.set_deadline(deadline)
        activity.save()
    world.campaign.municipalities.add(world.m1)
    return roadmap


def _fill(report, user, statuses=("done", "partial", "done")):
    entries = list(report.entries.order_by("order"))
    changes = [workflow.EntryChange(e.pk, e.title, status, f"Проведено: {e.title[:20]}", reason="Перенос сроков" if status != "done" else None)
               for e, status in zip(entries, statuses, strict=True)]
    return workflow.save_municipal_report(report, user, report.version, changes)


def test_a_roadmap_has_exactly_one_owner(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        Roadmap.objects.create(school=world.a1, municipality=world.m1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Roadmap.objects.create()
    assert Roadmap.objects.create(municipality=world.m1).owner == world.m1
    assert world.roadmap.owner == world.a1  # the existing school roadmaps keep their school


def test_an_entry_belongs_to_exactly_one_report(world, own):
    report = workflow.open_municipal_report(world.campaign, world.m1)
    school_report = workflow.open_report(world.campaign, world.a1)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportEntry.objects.create(report=school_report, municipal_report=report, title="Два владельца")
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportEntry.objects.create(title="Без отчёта")


def test_the_report_opens_with_the_roadmap_activities_of_the_period(world, own):
    report = workflow.open_municipal_report(world.campaign, world.m1, world.users["municipal"])
    assert [e.title[:7] for e in report.entries.order_by("order")] == ["Семинар", "Методич", "Стажиро"]
    assert all(e.report_id is None for e in report.entries.all())
    assert workflow.open_municipal_report(world.campaign, world.m1) == report


def test_a_campaign_that_does_not_monitor_the_roadmap_refuses_the_report(world, own):
    with pytest.raises(workflow.WorkflowError, match="не включает"):
        workflow.open_municipal_report(world.campaign, world.m2)


def test_the_whole_workflow_fill_submit_certify_accept(world, own):
    municipal, coordinator = world.users["municipal"], world.users["coordinator"]
    report = workflow.open_municipal_report(world.campaign, world.m1, municipal)
    report = _fill(report, municipal)
    report = workflow.submit_municipal(report, municipal, report.version)
    assert report.status == S.SUBMITTED and report.submitted_by == municipal
    report = workflow.certify_municipal(report, coordinator, report.version)
    assert report.status == S.CERTIFIED and report.certified_by == coordinator
    report = workflow.accept_municipal(report, coordinator, report.version)
    assert report.status == S.ACCEPTED and report.is_locked
    actions = list(AuditEvent.objects.filter(object_type="monitoring.municipalreport").order_by("at", "pk").values_list("action", flat=True))
    assert actions == ["municipal_report.create", "municipal_report.edit", "municipal_report.submit", "municipal_report.certify",
                       "municipal_report.accept"]
    assert [action_label(a) for a in actions][-1] == "отчёт о муниципальной дорожной карте принят"  # the audit page's words
    with pytest.raises(workflow.WorkflowError):
        _fill(report, municipal)


@pytest.mark.parametrize("role", ["curator", "head", "municipal2", "coordinator", "observer"])
def test_only_the_municipal_coordinator_fills_and_submits(world, own, role):
    report = workflow.open_municipal_report(world.campaign, world.m1)
    with pytest.raises(workflow.WorkflowError, match="муниципальный координатор"):
        _fill(report, world.users[role])
    report = _fill(report, world.users["municipal"])
    with pytest.raises(workflow.WorkflowError, match="муниципальный координатор"):
        workflow.submit_municipal(report, world.users[role], report.version)


@pytest.mark.parametrize("role", ["municipal", "curator", "far_coordinator", "observer"])
def test_only_the_regional_coordinator_certifies_accepts_and_returns(world, own, role):
    municipal = world.users["municipal"]
    report = _fill(workflow.open_municipal_report(world.campaign, world.m1), municipal)
    report = workflow.submit_municipal(report, municipal, report.version)
    for step in (workflow.certify_municipal, lambda r, u, v: workflow.return_municipal(r, u, v, "Исправьте")):
        with pytest.raises(workflow.WorkflowError, match="региональный координатор"):
            step(report, world.users[role], report.version)
    report = workflow.certify_municipal(report, world.users["coordinator"], report.version)
    with pytest.raises(workflow.WorkflowError, match="региональный координатор"):
        workflow.accept_municipal(report, world.users[role], report.version)


def test_accept_needs_certification_first_and_return_needs_remarks(world, own):
    municipal, coordinator = world.users["municipal"], world.users["coordinator"]
    report = workflow.submit_municipal(_fill(workflow.open_municipal_report(world.campaign, world.m1), municipal), municipal, None)
    with pytest.raises(workflow.WorkflowError, match="невозможно"):
        workflow.accept_municipal(report, coordinator, report.version)
    with pytest.raises(workflow.WorkflowError, match="Укажите замечания"):
        workflow.return_municipal(report, coordinator, report.version, "  ")
    report = workflow.return_municipal(report, coordinator, report.version, "Добавьте приказы")
    assert report.status == S.RETURNED and report.is_editable and report.remarks == "Добавьте приказы"
    report = workflow.submit_municipal(report, municipal, report.version)
    assert report.status == S.SUBMITTED and report.remarks == ""


def test_submission_needs_every_activity_marked_and_reasons(world, own):
    municipal = world.users["municipal"]
    report = workflow.open_municipal_report(world.campaign, world.m1)
    with pytest.raises(workflow.WorkflowError, match="не отмечено 3\u00a0мероприятия"):
        workflow.submit_municipal(report, municipal, report.version)
    entries = list(report.entries.order_by("order"))
    report = workflow.save_municipal_report(report, municipal, report.version,
                                            [workflow.EntryChange(e.pk, e.title, "not_done", "") for e in entries])
    with pytest.raises(workflow.WorkflowError, match="без причины 3\u00a0мероприятия"):
        workflow.submit_municipal(report, municipal, report.version)
    assert MunicipalReport.objects.get(pk=report.pk).status == S.DRAFT


def test_a_stale_form_is_refused(world, own):
    municipal = world.users["municipal"]
    report = workflow.open_municipal_report(world.campaign, world.m1)
    seen = report.version
    _fill(report, municipal)
    with pytest.raises(workflow.StaleEdit):
        workflow.save_municipal_report(report, municipal, seen, [])


def test_recall_only_before_certification(world, own):
    municipal = world.users["municipal"]
    report = workflow.submit_municipal(_fill(workflow.open_municipal_report(world.campaign, world.m1), municipal), municipal, None)
    report = workflow.recall_municipal(report, municipal, report.version)
    assert report.status == S.DRAFT
    report = workflow.submit_municipal(report, municipal, report.version)
    report = workflow.certify_municipal(report, world.users["coordinator"], report.version)
    with pytest.raises(workflow.WorkflowError, match="Отозвать"):
        workflow.recall_municipal(report, municipal, report.version)


def test_a_closed_campaign_refuses_every_step(world, own):
    report = workflow.open_municipal_report(world.campaign, world.m1)
    workflow.close_campaign(world.campaign, world.users["coordinator"])
    with pytest.raises(workflow.WorkflowError, match="Кампания закрыта"):
        _fill(report, world.users["municipal"])


def test_evidence_of_a_municipal_entry_is_kept_under_the_municipality_and_only_its_coordinator_changes_it(world, own, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    municipal = world.users["municipal"]
    report = workflow.open_municipal_report(world.campaign, world.m1)
    entry = report.entries.first()
    workflow.save_municipal_report(report, municipal, report.version, [], evidence=[
        workflow.EvidenceInput(entry.pk, "file", file=SimpleUploadedFile("prikaz.pdf", b"%PDF-1.4"))])
    evidence = entry.evidence.get()
    assert f"/mun-{world.m1.pk}/" in evidence.file.name
    url = reverse("evidence_file", args=[evidence.pk])
    for role, status in (("municipal", 200), ("coordinator", 200), ("observer", 200), ("municipal2", 404), ("head", 404), ("curator", 404)):
        assert world.client(role).get(url).status_code == status, role
    assert world.client("head").get(reverse("evidence_edit", args=[evidence.pk])).status_code == 404
    assert world.client("coordinator").get(reverse("evidence_edit", args=[evidence.pk])).status_code == 403
    assert world.client("municipal").get(reverse("evidence_edit", args=[evidence.pk])).status_code == 200
    with pytest.raises(workflow.WorkflowError, match="муниципальный координатор"):
        workflow.update_evidence(evidence, world.users["head"], title="Чужое")
    workflow.update_evidence(evidence, municipal, title="Приказ МОЦ")
    report.refresh_from_db()
    workflow.delete_evidence(evidence, municipal, report.version)
    assert not entry.evidence.exists()


def test_the_school_coverage_does_not_count_municipal_entries(world, own):
    municipal, coordinator = world.users["municipal"], world.users["coordinator"]
    report = workflow.open_municipal_report(world.campaign, world.m1)
    report = workflow.submit_municipal(_fill(report, municipal), municipal, None)
    report = workflow.accept_municipal(workflow.certify_municipal(report, coordinator, None), coordinator, None)
    coverage = compute_coverage_for(world.campaign, include_submitted=True)
    assert coverage.schools_total == 3
    assert all(not row.schools for row in coverage.rows)  # no school did anything: the municipality's work is not theirs
    [row] = municipal_coverage(world.campaign)
    assert (row.municipality, row.planned, row.done, row.partial, row.not_done, row.counted) == (world.m1, 3, 2, 1, 0, True)
    assert row.done_label == "3 (100\u00a0%)"


def test_the_municipal_table_counts_only_certified_or_accepted_reports_unless_asked(world, own):
    municipal = world.users["municipal"]
    [row] = municipal_coverage(world.campaign)
    assert (row.report, row.planned, row.label, row.done_label) == (None, 3, "не начат", "—")
    report = workflow.submit_municipal(_fill(workflow.open_municipal_report(world.campaign, world.m1), municipal), municipal, None)
    [row] = municipal_coverage(world.campaign)
    assert not row.counted and row.done_label == "—"
    [row] = municipal_coverage(world.campaign, include_submitted=True)
    assert row.counted and row.done == 2 and row.report == report
    assert municipal_coverage(world.campaign, municipality_ids=[world.m2.pk]) == []


def test_the_campaign_page_shows_the_municipal_table_to_whom_may_see_it(world, own):
    url = reverse("campaign_detail", args=[world.campaign.code])
    for role in ("coordinator", "municipal", "observer"):
        page = world.client(role).get(url).content.decode()
        assert "Мероприятия муниципальных дорожных карт" in page and "Первый район" in page, role
    for role in ("head", "curator", "municipal2"):
        assert "Мероприятия муниципальных дорожных карт" not in world.client(role).get(url).content.decode(), role


def test_the_pages_carry_the_report_from_fill_to_acceptance(world, own):
    municipal, coordinator = world.client("municipal"), world.client("coordinator")
    code, pk = world.campaign.code, world.m1.pk
    detail = reverse("municipal_report_detail", args=[code, pk])
    assert "Заполнить отчёт" in municipal.get(detail).content.decode()
    assert "Заполнить отчёт" not in coordinator.get(detail).content.decode()
    edit = reverse("municipal_report_edit", args=[code, pk])
    page = municipal.get(edit)
    assert page.status_code == 200 and "Отчёт о муниципальной дорожной карте: Первый район" in page.content.decode()
    report = MunicipalReport.objects.get(campaign=world.campaign, municipality=world.m1)
    data = {"version": report.version, "summary": "Итоги за полугодие", "submit": "1"}
    for e in report.entries.all():
        data.update({f"e{e.pk}-status": "done", f"e{e.pk}-result": "Проведено"})
    response = municipal.post(edit, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    report.refresh_from_db()
    assert report.status == S.SUBMITTED and report.summary == "Итоги за полугодие"
    for action in ("certify", "accept"):
        before = report.status
        refused = municipal.post(reverse("municipal_report_action", args=[code, pk, action]), {"version": report.version})
        report.refresh_from_db()
        assert refused.status_code == 403 and report.status == before  # the municipality cannot certify its own report
        coordinator.post(reverse("municipal_report_action", args=[code, pk, action]), {"version": report.version})
        report.refresh_from_db()
    assert report.status == S.ACCEPTED
    assert "принят" in coordinator.get(detail).content.decode()


def test_the_roadmap_page_adds_activities_for_coordinators_and_only_shows_them_to_the_observer(world):
    url = reverse("municipal_roadmap", args=[world.m1.pk])
    response = world.client("municipal").post(url, {"title": "Совещание руководителей ШНОР", "deadline": "ноябрь 2021",
                                                    "responsible": "Отдел образования"})
    assert response.status_code == 302
    roadmap = Roadmap.objects.get(municipality=world.m1, is_current=True)
    assert roadmap.school is None and roadmap.activities.get().deadline_text == "ноябрь 2021"
    page = world.client("observer").get(url).content.decode()
    assert "Совещание руководителей ШНОР" in page and "Добавить мероприятие" not in page
    assert world.client("observer").post(url, {"title": "Чужое"}).status_code == 403
    assert world.client("municipal2").get(url).status_code == 404
    event = AuditEvent.objects.filter(action="roadmap.activity_save").latest("at")
    assert event.municipality == world.m1 and "муниципалитета Первый район" in event.summary


def test_a_school_roadmap_change_is_still_logged_for_the_school(world):
    activity = roadmaps.save_activity(PlannedActivity(roadmap=world.roadmap, title="Новый семинар"), world.users["head"])
    event = AuditEvent.objects.filter(action="roadmap.activity_save").latest("at")
    assert event.school == world.a1 and "школы МБОУ «Альфа СОШ»" in event.summary and activity.order == 5


def test_the_home_page_shows_each_their_step_with_the_municipal_report(world, own):
    home = reverse("home")
    assert "Отчёты о муниципальных дорожных картах" in world.client("municipal").get(home).content.decode()
    for role in ("coordinator", "municipal2", "head"):
        assert "Отчёты о муниципальных дорожных картах" not in world.client(role).get(home).content.decode(), role
    municipal = world.users["municipal"]
    workflow.submit_municipal(_fill(workflow.open_municipal_report(world.campaign, world.m1), municipal), municipal, None)
    assert "Отчёты о муниципальных дорожных картах" not in world.client("municipal").get(home).content.decode()
    page = world.client("coordinator").get(home).content.decode()
    assert "Отчёты о муниципальных дорожных картах" in page and reverse("municipal_report_detail", args=[world.campaign.code, world.m1.pk]) in page


def test_a_new_campaign_takes_the_municipal_roadmaps_from_the_previous_one_and_refuses_another_regions(world, own):
    from shnor.monitoring.models import Campaign
    from shnor.registry.models import Municipality

    client = world.client("coordinator")
    body = client.get(reverse("campaign_create") + f"?from={world.campaign.code}").content.decode()
    assert f'name="municipalities" value="{world.m1.pk}" class="check"' in body and "checked" in body.split(f'value="{world.m1.pk}" class="check"')[1][:60]
    data = {"title": "Мониторинг ШНОР, I полугодие 2022 года", "region": world.region.pk, "period_start": "2022-01-01",
            "period_end": "2022-06-30", "framework": world.framework.pk, "due_date": "2022-07-20", "schools": [world.a1.pk],
            "municipalities": [world.m1.pk]}
    assert client.post(reverse("campaign_create"), data).status_code == 302
    assert list(Campaign.objects.get(code="monitoring-shnor-i-polugodie-2022-goda-2022-01").municipalities.all()) == [world.m1]
    far = Municipality.objects.get(name="Дальний район")
    Roadmap.objects.create(municipality=far, title="Чужая")
    response = client.post(reverse("campaign_create"), {**data, "municipalities": [far.pk]})
    assert response.status_code == 200 and "municipalities" in response.context["form"].errors
