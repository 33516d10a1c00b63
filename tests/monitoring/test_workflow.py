from __future__ import annotations

from decimal import Decimal

import pytest

from shnor.audit.models import AuditEvent
from shnor.monitoring import workflow
from shnor.monitoring.models import IndicatorValue, ReportEntry, SchoolReport
from shnor.monitoring.workflow import EntryChange, StaleEdit, WorkflowError

Status = SchoolReport.Status


def fill(report, user, status="done"):
    """Mark every entry of the report and return the saved report."""
    changes = [EntryChange(pk=e.pk, title=e.title, status=status, actual_result="Проведено, 12 педагогов", activity_type_id=e.activity_type_id)
               for e in report.entries.all()]
    return workflow.save_report(report, user, report.version, changes)


def test_it_opens_a_report_with_the_planned_activities_due_in_the_period(world):
    report = workflow.open_report(world.campaign, world.a1, world.users["head"])
    titles = list(report.entries.values_list("title", flat=True))
    # «март 2022» is after the campaign's period (Sep–Dec 2021); the others fall in it or recur.
    assert titles == [
        "Курсы повышения квалификации учителей математики",
        "Родительское собрание «Подготовка к ОГЭ»",
        "Наставничество молодых специалистов",
    ]
    assert report.status == Status.DRAFT
    assert workflow.open_report(world.campaign, world.a1).pk == report.pk


def test_it_runs_the_whole_cycle_and_locks_the_accepted_report(world):
    u = world.users
    report = fill(workflow.open_report(world.campaign, world.a1, u["head"]), u["staff"])
    report = workflow.submit(report, u["head"], report.version)
    assert report.status == Status.SUBMITTED and report.submitted_by == u["head"]
    report = workflow.certify(report, u["curator"], report.version)
    assert report.status == Status.CERTIFIED and report.certified_by == u["curator"]
    report = workflow.accept(report, u["coordinator"], report.version)
    assert report.status == Status.ACCEPTED and report.is_locked
    with pytest.raises(WorkflowError, match="изменить нельзя"):
        fill(report, u["head"])
    with pytest.raises(WorkflowError, match="закрыт"):
        workflow.return_report(report, u["coordinator"], report.version, "Поздно")
    actions = list(AuditEvent.objects.filter(object_id=str(report.pk), object_type="monitoring.schoolreport").values_list("action", flat=True))
    assert {"report.create", "report.edit", "report.submit", "report.certify", "report.accept"} <= set(actions)


def test_it_returns_a_report_with_remarks_and_lets_the_school_fix_it(world):
    u = world.users
    report = fill(workflow.open_report(world.campaign, world.a1), u["head"])
    report = workflow.submit(report, u["head"], report.version)
    with pytest.raises(WorkflowError, match="Укажите замечания"):
        workflow.return_report(report, u["curator"], report.version, "   ")
    report = workflow.return_report(report, u["curator"], report.version, "Нет подтверждения по КПК")
    assert report.status == Status.RETURNED and report.remarks == "Нет подтверждения по КПК"
    report = fill(report, u["staff"])
    report = workflow.submit(report, u["head"], report.version)
    assert report.status == Status.SUBMITTED and report.remarks == ""


def test_it_refuses_to_submit_with_unmarked_planned_activities(world):
    report = workflow.open_report(world.campaign, world.a1)
    first = report.entries.first()
    report = workflow.save_report(report, world.users["head"], report.version,
                                  [EntryChange(pk=first.pk, title=first.title, status="done", actual_result="Прошли 3 учителя")])
    with pytest.raises(WorkflowError, match=r"не отмечено 2\s+мероприятия"):
        workflow.submit(report, world.users["head"], report.version)
    assert SchoolReport.objects.get(pk=report.pk).status == Status.DRAFT


@pytest.mark.parametrize("role, step", [
    ("staff", "submit"), ("curator", "submit"), ("head", "certify"), ("curator2", "certify"),
    ("coordinator", "certify"), ("curator", "accept"), ("municipal2", "accept"), ("far_coordinator", "accept"),
])
def test_it_refuses_steps_to_people_without_the_role(world, role, step):
    u = world.users
    report = fill(workflow.open_report(world.campaign, world.a1), u["head"])
    if step in ("certify", "accept"):
        report = workflow.submit(report, u["head"], report.version)
    if step == "accept":
        report = workflow.certify(report, u["curator"], report.version)
    before = report.status
    with pytest.raises(WorkflowError):
        getattr(workflow, step)(report, u[role], report.version)
    assert SchoolReport.objects.get(pk=report.pk).status == before


def test_it_refuses_editing_to_another_school_and_to_the_curator(world):
    report = workflow.open_report(world.campaign, world.a1)
    for role in ("head_b1", "curator", "coordinator", "observer"):
        with pytest.raises(WorkflowError, match="руководитель и сотрудники"):
            fill(report, world.users[role])


def test_it_refuses_a_stale_edit_and_keeps_the_first_one(world):
    u = world.users
    report = workflow.open_report(world.campaign, world.a1)
    seen_version = report.version
    entry = report.entries.first()
    workflow.save_report(report, u["head"], seen_version, [EntryChange(entry.pk, entry.title, "done", "Версия директора")])
    with pytest.raises(StaleEdit, match="Ваши изменения не сохранены"):
        workflow.save_report(report, u["staff"], seen_version, [EntryChange(entry.pk, entry.title, "partial", "Версия завуча")])
    entry.refresh_from_db()
    assert (entry.status, entry.actual_result) == ("done", "Версия директора")


def test_a_stale_certification_is_refused(world):
    u = world.users
    report = fill(workflow.open_report(world.campaign, world.a1), u["head"])
    report = workflow.submit(report, u["head"], report.version)
    stale = report.version
    workflow.return_report(report, u["coordinator"], stale, "Уточните данные")
    with pytest.raises(StaleEdit):
        workflow.certify(report, u["curator"], stale)
    assert SchoolReport.objects.get(pk=report.pk).status == Status.RETURNED


def test_it_saves_unplanned_activities_evidence_and_indicators_in_one_step(world):
    u = world.users
    report = workflow.open_report(world.campaign, world.a1)
    quality = world.campaign.indicators.get(code="quality")
    changes = [EntryChange(pk=None, title="Школьный фестиваль проектов", status="done", actual_result="12 проектов",
                           activity_type_id=world.type("student_projects").pk)]
    evidence = [workflow.EvidenceInput(entry_pk=None, new_entry_index=0, kind="order", number="52", title="О фестивале")]
    report = workflow.save_report(report, u["head"], report.version, changes, {(quality.pk, ""): Decimal("41.5")}, evidence)
    entry = report.entries.get(title="Школьный фестиваль проектов")
    assert entry.is_unplanned and entry.evidence.get().describe() == "Приказ № 52 «О фестивале»"
    assert IndicatorValue.objects.get(report=report, indicator=quality).value == Decimal("41.5")
    # Changing and clearing the value is recorded too.
    report = workflow.save_report(report, u["head"], report.version, [], {(quality.pk, ""): None})
    assert not IndicatorValue.objects.filter(report=report).exists()
    event = AuditEvent.objects.filter(action="report.edit", object_id=str(report.pk)).first()
    assert event.user == u["head"] and event.changes


def test_a_failed_submission_leaves_nothing_half_saved(world):
    u = world.users
    report = workflow.open_report(world.campaign, world.a1)
    first = report.entries.first()
    with pytest.raises(WorkflowError):
        workflow.save_and_submit(report, u["head"], report.version, [EntryChange(first.pk, first.title, "done", "Сделано")])
    first.refresh_from_db()
    assert first.status == "" and SchoolReport.objects.get(pk=report.pk).version == report.version


def test_planned_entries_cannot_be_deleted_but_unplanned_can(world):
    u = world.users
    report = workflow.open_report(world.campaign, world.a1)
    planned = report.entries.first()
    with pytest.raises(WorkflowError, match="удалить нельзя"):
        workflow.save_report(report, u["head"], report.version, [EntryChange(planned.pk, planned.title, "", "", delete=True)])
    report = workflow.save_report(report, u["head"], report.version, [EntryChange(None, "Лишнее", "done", "")])
    extra = report.entries.get(title="Лишнее")
    workflow.save_report(report, u["head"], report.version, [EntryChange(extra.pk, extra.title, "", "", delete=True)])
    assert not ReportEntry.objects.filter(pk=extra.pk).exists()


def test_an_entry_keeps_the_planned_expected_result_beside_the_actual_one(world):
    activity = world.roadmap.activities.get(number="1")
    activity.expected_result = "Обучены 3 учителя математики"
    activity.save()
    report = workflow.open_report(world.campaign, world.a1)
    assert report.entries.get(planned_activity=activity).expected_result == "Обучены 3 учителя математики"


@pytest.mark.parametrize("status", ["partial", "not_done", "postponed"])
def test_submission_needs_a_reason_for_what_was_not_done(world, status):
    head = world.users["head"]
    report = fill(workflow.open_report(world.campaign, world.a1), head)
    first = report.entries.first()
    report = workflow.save_report(report, head, report.version, [EntryChange(first.pk, first.title, status, "")])
    with pytest.raises(WorkflowError, match="без причины 1\xa0мероприятие"):
        workflow.submit(report, head, report.version)
    assert list(report.entries.missing_reason()) == [first]
    report.refresh_from_db()
    report = workflow.save_report(report, head, report.version, [EntryChange(first.pk, first.title, status, "", reason="Болезнь лектора")])
    assert workflow.submit(report, head, report.version).status == Status.SUBMITTED
    assert ReportEntry.objects.get(pk=first.pk).reason == "Болезнь лектора"


def test_a_change_without_a_reason_keeps_the_stored_one(world):
    head = world.users["head"]
    report = workflow.open_report(world.campaign, world.a1)
    first = report.entries.first()
    report = workflow.save_report(report, head, report.version, [EntryChange(first.pk, first.title, "not_done", "", reason="Нет лектора")])
    report = workflow.save_report(report, head, report.version, [EntryChange(first.pk, first.title, "not_done", "Перенесено на весну")])
    first.refresh_from_db()
    assert (first.reason, first.actual_result) == ("Нет лектора", "Перенесено на весну")
