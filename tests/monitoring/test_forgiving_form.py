"""The report form forgives: a failed save keeps every valid field and file, points at the errors, autosaves,
lets evidence be corrected until submission, and the head can recall a submitted report."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from shnor.audit.models import AuditEvent
from shnor.monitoring import workflow
from shnor.monitoring.models import Campaign, Evidence, ReportEntry, SchoolReport


@pytest.fixture
def form_url(world):
    return reverse("report_edit", args=[world.campaign.code, world.a1.pk])


def opened(world, form_url, role="head"):
    client = world.client(role)
    assert client.get(form_url).status_code == 200
    return client, SchoolReport.objects.get(campaign=world.campaign, school=world.a1)


def pdf(name):
    return SimpleUploadedFile(name, b"%PDF-1.4 " + name.encode(), content_type="application/pdf")


def test_a_bad_percentage_keeps_both_files_and_every_valid_field(world, form_url, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client, report = opened(world, form_url)
    first, second = list(report.entries.all())[:2]
    quality = world.campaign.indicators.get(code="quality")
    response = client.post(form_url, {
        "version": report.version, "summary": "Итоги полугодия",
        f"e{first.pk}-status": "done", f"e{first.pk}-result": "КПК прошли 4 учителя", f"e{first.pk}-ev-file": pdf("prikaz.pdf"),
        f"e{second.pk}-status": "partial", f"e{second.pk}-reason": "Болезнь лектора", f"e{second.pk}-ev-file": pdf("protokol.pdf"),
        "new0-title": "Неделя грамотности", "new0-status": "done",
        f"ind{quality.pk}": "120",
    })
    assert response.status_code == 400
    body = response.content.decode()
    assert "сохранён не полностью" in body
    # The summary at the top links to the field, and the field has the focus.
    assert f'href="#id_ind{quality.pk}"' in body and "больше 100 %" in body
    field = re.search(rf'<input[^>]*name="ind{quality.pk}"[^>]*>', body).group(0)
    assert 'value="120"' in field and "autofocus" in field and body.count("autofocus") == 1
    # Both files are attached, the valid marks, the new activity and the summary are in the draft.
    assert sorted(Evidence.objects.filter(entry__report=report).values_list("file_name", flat=True)) == ["prikaz.pdf", "protokol.pdf"]
    assert "prikaz.pdf" in body and "protokol.pdf" in body
    first.refresh_from_db()
    assert (first.status, first.actual_result) == ("done", "КПК прошли 4 учителя")
    new = ReportEntry.objects.get(report=report, title="Неделя грамотности")
    report.refresh_from_db()
    assert report.summary == "Итоги полугодия"
    # Fixing the value and saving again creates nothing twice.
    assert f'name="e{new.pk}-title"' in body and 'name="new0-title"' in body
    assert f'name="version" value="{report.version}"' in body
    fixed = {"version": report.version, "summary": "Итоги полугодия", f"ind{quality.pk}": "42",
             f"e{first.pk}-status": "done", f"e{first.pk}-result": "КПК прошли 4 учителя", f"e{second.pk}-status": "partial",
             f"e{second.pk}-reason": "Болезнь лектора", f"e{new.pk}-title": "Неделя грамотности", f"e{new.pk}-status": "done"}
    assert client.post(form_url, fixed).status_code == 302
    assert Evidence.objects.filter(entry__report=report).count() == 2
    assert ReportEntry.objects.filter(report=report, title="Неделя грамотности").count() == 1


def test_the_first_error_gets_the_focus_and_every_error_is_listed(world, form_url):
    client, report = opened(world, form_url)
    first = report.entries.first()
    failing = world.campaign.indicators.get(code="failing")
    response = client.post(form_url, {"version": report.version, "summary": "", f"e{first.pk}-ev-kind": "link",
                                      f"ind{failing.pk}": "3 чел."})
    body = response.content.decode()
    assert body.count("autofocus") == 1
    assert f'href="#id_e{first.pk}-ev-url"' in body and f'href="#id_ind{failing.pk}"' in body
    assert "Мероприятие 1: Ссылка" in body


def test_staff_do_not_see_the_submit_button_and_cannot_submit_by_posting(world, form_url):
    client, report = opened(world, form_url, "staff")
    assert "Сохранить и отправить куратору" not in client.get(form_url).content.decode()
    head_body = world.client("head").get(form_url).content.decode()
    assert "Сохранить и отправить куратору" in head_body
    data = {"version": report.version, "summary": "", "submit": "1"}
    for e in report.entries.all():
        data[f"e{e.pk}-status"] = "done"
    assert client.post(form_url, data).status_code == 302
    report.refresh_from_db()
    assert report.status == "draft"  # saved, not submitted


def test_autosave_keeps_the_valid_fields_and_returns_the_new_version(world, form_url):
    client, report = opened(world, form_url)
    first = report.entries.first()
    url = reverse("report_autosave", args=[world.campaign.code, world.a1.pk])
    quality = world.campaign.indicators.get(code="quality")
    answer = client.post(url, {"version": report.version, "summary": "черновик", f"e{first.pk}-result": "Половина сделана",
                               f"ind{quality.pk}": "140", "new0-title": "Не сейчас"})
    assert answer.status_code == 200
    report.refresh_from_db()
    assert answer.json() == {"version": report.version, "saved_at": answer.json()["saved_at"], "errors": 1}
    first.refresh_from_db()
    assert first.actual_result == "Половина сделана" and report.summary == "черновик"
    assert not ReportEntry.objects.filter(title="Не сейчас").exists()  # new activities wait for the button
    stale = client.post(url, {"version": report.version - 1, "summary": "старое"})
    assert stale.status_code == 409 and "Ваши изменения не сохранены" in stale.json()["error"]


def test_evidence_is_corrected_and_deleted_until_submission_with_the_audit_log(world, form_url, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client, report = opened(world, form_url)
    first = report.entries.first()
    client.post(form_url, {"version": report.version, "summary": "", f"e{first.pk}-ev-kind": "order", f"e{first.pk}-ev-number": "5"})
    ev = Evidence.objects.get(entry=first)
    response = client.post(reverse("evidence_edit", args=[ev.pk]), {"kind": "order", "number": "52", "title": "О курсах", "date": "09.03.2022"})
    assert response.status_code == 302
    ev.refresh_from_db()
    assert (ev.number, ev.title, str(ev.date)) == ("52", "О курсах", "2022-03-09")
    assert AuditEvent.objects.filter(action="evidence.edit", object_id=str(report.pk)).exists()
    report.refresh_from_db()
    assert client.post(reverse("evidence_delete", args=[ev.pk]), {"version": report.version - 1}).status_code == 302
    assert Evidence.objects.filter(pk=ev.pk).exists()  # refused: the report changed since the page was opened
    assert client.post(reverse("evidence_delete", args=[ev.pk]), {"version": report.version}).status_code == 302
    assert not Evidence.objects.filter(pk=ev.pk).exists()
    assert AuditEvent.objects.filter(action="evidence.delete", object_id=str(report.pk)).exists()


def test_evidence_of_a_submitted_report_cannot_be_changed(world, form_url):
    client, report = opened(world, form_url)
    first = report.entries.first()
    client.post(form_url, {"version": report.version, "summary": "", f"e{first.pk}-ev-kind": "order", f"e{first.pk}-ev-number": "5"})
    ev = Evidence.objects.get(entry=first)
    SchoolReport.objects.filter(pk=report.pk).update(status="submitted")
    report.refresh_from_db()
    response = client.post(reverse("evidence_delete", args=[ev.pk]), {"version": report.version}, follow=True)
    assert "подтверждения изменить нельзя" in response.content.decode()
    assert Evidence.objects.filter(pk=ev.pk).exists()
    response = client.post(reverse("evidence_edit", args=[ev.pk]), {"kind": "order", "number": "99"})
    assert response.status_code == 400 and "подтверждения изменить нельзя" in response.content.decode()


def _submitted(world):
    report = workflow.open_report(world.campaign, world.a1)
    for e in report.entries.all():
        e.status = "done"
        e.save()
    return workflow.submit(report, world.users["head"], None)


def test_the_head_recalls_a_submitted_report_until_the_curator_acts(world):
    report = _submitted(world)
    url = reverse("report_action", args=[world.campaign.code, world.a1.pk, "recall"])
    detail = world.client("head").get(reverse("report_detail", args=[world.campaign.code, world.a1.pk])).content.decode()
    assert "Отозвать для исправления" in detail
    assert world.client("staff").post(url, {"version": report.version}).status_code == 403
    assert world.client("head").post(url, {"version": report.version}).status_code == 302
    report.refresh_from_db()
    assert report.status == "draft" and AuditEvent.objects.filter(action="report.recall").exists()
    report = workflow.submit(report, world.users["head"], None)
    workflow.certify(report, world.users["curator"], None)
    with pytest.raises(workflow.WorkflowError, match="куратор ещё не заверил"):
        workflow.recall(report, world.users["head"], None)


def test_each_activity_shows_last_periods_status_and_result(world, form_url):
    previous = Campaign.objects.create(code="test-prev", title="Прошлое полугодие", region=world.region, framework=world.framework,
                                       period_start=world.campaign.period_start.replace(year=world.campaign.period_start.year - 1),
                                       period_end=world.campaign.period_end.replace(year=world.campaign.period_end.year - 1),
                                       due_date=world.campaign.due_date.replace(year=world.campaign.due_date.year - 1))
    previous.schools.set([world.a1])
    client, report = opened(world, form_url)
    first = report.entries.first()
    old = SchoolReport.objects.create(campaign=previous, school=world.a1)
    ReportEntry.objects.create(report=old, title=first.title, status="partial", actual_result="Прошли двое из пяти")
    world.campaign.previous = previous
    world.campaign.save()
    body = client.get(form_url).content.decode()
    assert "В прошлом периоде: выполнено частично — Прошли двое из пяти" in body
