"""A closed campaign does not change (issue 15, fault 6) until the regional coordinator reopens it, audited."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from shnor.audit.models import AuditEvent
from shnor.exchange.access import coordinated_schools
from shnor.exchange.indicators import import_indicators
from shnor.intake import services
from shnor.intake.models import ImportBatch
from shnor.monitoring import workflow
from shnor.monitoring.models import Campaign, IndicatorValue, ReportEntry, SchoolReport
from shnor.monitoring.workflow import CAMPAIGN_CLOSED, EntryChange

from ..intake.test_intake_web import latest_batch, review_post


def filled(world, school=None, head="head"):
    report = workflow.open_report(world.campaign, school or world.a1)
    return workflow.save_report(report, world.users[head], report.version,
                                [EntryChange(e.pk, e.title, "done", "Сделано") for e in report.entries.all()]
                                + [EntryChange(None, "Семинар по функциональной грамотности", "done", "Проведён")])


def certified(world):
    report = workflow.submit(filled(world), world.users["head"], None)
    return workflow.certify(report, world.users["curator"], None)


def close(world):
    return workflow.close_campaign(world.campaign, world.users["coordinator"])


def state(world):
    return (list(SchoolReport.objects.filter(campaign=world.campaign).order_by("pk").values_list("pk", "status", "version")),
            list(ReportEntry.objects.filter(report__campaign=world.campaign).order_by("pk").values_list("pk", "status", "actual_result")),
            list(IndicatorValue.objects.filter(campaign=world.campaign).order_by("pk").values_list("pk", "value")))


STEPS = {
    "save": lambda w, r: workflow.save_report(r, w.users["head"], r.version, [EntryChange(e.pk, e.title, "not_done", "") for e in r.entries.all()]),
    "submit": lambda w, r: workflow.submit(r, w.users["head"], None),
    "open a new report": lambda w, r: workflow.open_report(w.campaign, w.a2),
}
CERTIFIED_STEPS = {
    "accept": lambda w, r: workflow.accept(r, w.users["coordinator"], None),
    "return": lambda w, r: workflow.return_report(r, w.users["municipal"], None, "Доработайте"),
}


@pytest.mark.parametrize("step", sorted(STEPS))
def test_no_step_changes_a_draft_of_a_closed_campaign(world, step):
    report = filled(world)
    close(world)
    before = state(world)
    with pytest.raises(workflow.WorkflowError, match="Кампания закрыта"):
        STEPS[step](world, report)
    assert state(world) == before


@pytest.mark.parametrize("step", sorted(CERTIFIED_STEPS))
def test_no_step_changes_a_certified_report_of_a_closed_campaign(world, step):
    report = certified(world)
    close(world)
    before = state(world)
    with pytest.raises(workflow.WorkflowError, match="Кампания закрыта"):
        CERTIFIED_STEPS[step](world, report)
    assert state(world) == before


def test_certifying_in_a_closed_campaign_is_refused(world):
    report = workflow.submit(filled(world), world.users["head"], None)
    close(world)
    with pytest.raises(workflow.WorkflowError, match="Кампания закрыта"):
        workflow.certify(report, world.users["curator"], None)


def test_the_municipal_coordinator_cannot_return_a_certified_report_of_a_closed_campaign(world):
    certified(world)
    close(world)
    client = world.client("municipal")
    page = client.post(reverse("report_action", args=[world.campaign.code, world.a1.pk, "return"]),
                       {"version": SchoolReport.objects.get(campaign=world.campaign, school=world.a1).version, "remarks": "Доработайте"},
                       follow=True).content.decode()
    assert CAMPAIGN_CLOSED in page
    assert SchoolReport.objects.get(campaign=world.campaign, school=world.a1).status == SchoolReport.Status.CERTIFIED


def test_an_intake_commit_and_an_undo_are_refused_in_a_closed_campaign(world):
    filled(world)
    text = "№\tМероприятие\tСрок\tОтметка о выполнении\n1.\tСеминар для учителей\tОктябрь 2021\tВыполнено, приказ № 5\n"
    world.client("head").post(reverse("intake_upload", args=[world.campaign.code]),
                              {"files": [SimpleUploadedFile("plan.txt", text.encode("cp1251"))], "school": world.a1.pk})
    batch = latest_batch()
    close(world)
    before = state(world)
    with pytest.raises(services.IntakeError, match="Кампания закрыта"):
        services.commit_batch(batch, world.users["head"])
    assert state(world) == before
    workflow.reopen_campaign(world.campaign, world.users["coordinator"])
    world.client("head").post(reverse("intake_review", args=[batch.pk]), review_post(batch, commit="1"))
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.COMMITTED
    close(world)
    before = state(world)
    with pytest.raises(services.IntakeError, match="Кампания закрыта"):
        services.undo_batch(batch, world.users["head"])
    assert state(world) == before


def test_an_indicator_import_into_a_closed_campaign_is_refused(world):
    filled(world)
    close(world)
    wb = Workbook()
    wb.active.append(["Школа", "Показатель", "Значение"])
    wb.active.append([world.a1.short_name, "Качество знаний", "41,5"])
    buf = io.BytesIO()
    wb.save(buf)
    user = world.users["coordinator"]
    from shnor.core.sheets import SheetError

    with pytest.raises(SheetError, match="Кампания закрыта"):
        import_indicators(buf.getvalue(), "показатели.xlsx", user, coordinated_schools(user), world.campaign)
    assert not IndicatorValue.objects.filter(campaign=world.campaign).exists()


def test_the_regional_coordinator_closes_and_reopens_with_the_audit_log(world):
    client = world.client("coordinator")
    page = client.get(reverse("campaign_detail", args=[world.campaign.code])).content.decode()
    assert "Закрыть кампанию" in page
    client.post(reverse("campaign_close", args=[world.campaign.code]))
    world.campaign.refresh_from_db()
    assert world.campaign.status == Campaign.Status.CLOSED
    page = client.get(reverse("campaign_detail", args=[world.campaign.code])).content.decode()
    assert "Открыть кампанию снова" in page and "завершена" in page
    client.post(reverse("campaign_reopen", args=[world.campaign.code]))
    world.campaign.refresh_from_db()
    assert world.campaign.status == Campaign.Status.OPEN
    events = list(AuditEvent.objects.filter(object_type="monitoring.campaign", object_id=str(world.campaign.pk))
                  .exclude(action="campaign.create").order_by("pk").values_list("action", "user__username"))
    assert events == [("campaign.close", "t_coordinator"), ("campaign.reopen", "t_coordinator")]
    # Reopened, the reports change again.
    assert filled(world).version > 1


@pytest.mark.parametrize("role", ["municipal", "curator", "head", "observer", "outsider", "far_coordinator"])
def test_only_the_regional_coordinator_may_close_or_reopen(world, role):
    client = world.client(role)
    assert "Закрыть кампанию" not in client.get(reverse("campaign_detail", args=[world.campaign.code])).content.decode()
    assert client.post(reverse("campaign_close", args=[world.campaign.code])).status_code in (403, 404)
    close(world)
    assert client.post(reverse("campaign_reopen", args=[world.campaign.code])).status_code in (403, 404)
    world.campaign.refresh_from_db()
    assert world.campaign.status == Campaign.Status.CLOSED
    with pytest.raises(workflow.WorkflowError, match="региональный координатор"):
        workflow.reopen_campaign(world.campaign, world.users[role])


def test_a_closed_campaign_offers_no_report_actions(world):
    report = workflow.submit(filled(world), world.users["head"], None)
    close(world)
    page = world.client("curator").get(reverse("report_detail", args=[world.campaign.code, world.a1.pk])).content.decode()
    assert reverse("report_action", args=[world.campaign.code, world.a1.pk, "certify"]) not in page
    api = world.client("curator").get(f"/api/v1/reports/{report.pk}/").json()
    assert not any(api["permissions"].values())
