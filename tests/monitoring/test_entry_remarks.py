"""Remarks per entry when a report is returned: stored on the entry, shown beside it, and «изменено после возврата»."""

from __future__ import annotations

import pytest
from django.urls import reverse

from shnor.audit.models import AuditEvent
from shnor.monitoring import workflow
from shnor.monitoring.models import ReportEntry


@pytest.fixture
def submitted(world):
    report = workflow.open_report(world.campaign, world.a1)
    for e in report.entries.all():
        e.status = "done"
        e.save()
    return workflow.submit(report, world.users["head"], None)


def test_the_curator_returns_with_a_remark_on_one_entry_and_the_head_sees_it_beside_that_entry(world, submitted):
    first, second = list(submitted.entries.all())[:2]
    detail = reverse("report_detail", args=[world.campaign.code, world.a1.pk])
    page = world.client("curator").get(detail).content.decode()
    assert f'name="remark-{first.pk}" form="return-form"' in page
    response = world.client("curator").post(reverse("report_action", args=[world.campaign.code, world.a1.pk, "return"]),
                                            {"version": submitted.version, "remarks": "", f"remark-{first.pk}": "Приложите приказ о КПК"})
    assert response.status_code == 302
    submitted.refresh_from_db()
    first.refresh_from_db()
    second.refresh_from_db()
    assert submitted.status == "returned" and (first.remark, second.remark) == ("Приложите приказ о КПК", "")
    event = AuditEvent.objects.get(action="report.return")
    assert event.changes == {f"замечание: {first.title[:60]}": [None, "Приложите приказ о КПК"]}
    form = world.client("head").get(reverse("report_edit", args=[world.campaign.code, world.a1.pk])).content.decode()
    block = form.split(f'data-entry="{first.pk}"')[1].split("</fieldset>")[0]
    assert "Замечание:</strong> Приложите приказ о КПК" in block
    other = form.split(f'data-entry="{second.pk}"')[1].split("</fieldset>")[0]
    assert "Замечание" not in other


def test_a_return_needs_a_remark_somewhere(world, submitted):
    with pytest.raises(workflow.WorkflowError, match="Укажите замечания"):
        workflow.return_report(submitted, world.users["curator"], None, "  ", {submitted.entries.first().pk: " "})


def test_what_the_school_changed_after_the_return_is_marked(world, submitted):
    first, second = list(submitted.entries.all())[:2]
    report = workflow.return_report(submitted, world.users["curator"], None, "Проверьте результаты", {first.pk: "Опишите результат"})
    change = [workflow.EntryChange(pk=e.pk, title=e.title, status=e.status, actual_result="Прошли 4 учителя" if e.pk == first.pk else e.actual_result,
                                   activity_type_id=e.activity_type_id, direction_id=e.direction_id) for e in report.entries.all()]
    workflow.save_report(report, world.users["head"], report.version, change)
    assert ReportEntry.objects.get(pk=first.pk).changed_since_return
    assert not ReportEntry.objects.get(pk=second.pk).changed_since_return
    report.refresh_from_db()
    workflow.submit(report, world.users["head"], report.version)
    page = world.client("curator").get(reverse("report_detail", args=[world.campaign.code, world.a1.pk])).content.decode()
    assert page.count("изменено после возврата") == 1 and "Замечание: Опишите результат" in page
