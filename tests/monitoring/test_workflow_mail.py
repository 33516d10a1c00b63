"""Workflow e-mails through the task queue, and reminders with preview, confirmation and «последняя рассылка»."""

from __future__ import annotations

from django.core import mail
from django.urls import reverse

from shnor.monitoring import workflow


def _submitted(world):
    report = workflow.open_report(world.campaign, world.a1)
    for e in report.entries.all():
        e.status = "done"
        e.save()
    return workflow.submit(report, world.users["head"], None)


def test_a_returned_report_mails_the_school_its_remarks_once_the_step_is_committed(world, django_capture_on_commit_callbacks):
    report = _submitted(world)
    first = report.entries.first()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.return_report(report, world.users["curator"], None, "Проверьте сроки", {first.pk: "Приложите приказ"})
    [letter] = mail.outbox
    assert sorted(letter.to) == ["alfa@test.example", "t_head@test.example", "t_staff@test.example"]
    assert "вернул отчёт школы МБОУ «Альфа СОШ»" in letter.body and "— Проверьте сроки" in letter.body
    assert f"— к мероприятию «{first.title}»: Приложите приказ" in letter.body


def test_certified_goes_to_the_coordinators_and_accepted_to_the_school(world, django_capture_on_commit_callbacks):
    report = _submitted(world)
    with django_capture_on_commit_callbacks(execute=True):
        report = workflow.certify(report, world.users["curator"], None)
    assert sorted(mail.outbox[0].to) == ["t_coordinator@test.example", "t_municipal@test.example"]  # not m2's, not the far region's
    assert "ждёт принятия" in mail.outbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        workflow.accept(report, world.users["coordinator"], None)
    assert "t_head@test.example" in mail.outbox[1].to and "принял отчёт" in mail.outbox[1].body


def test_a_refused_step_sends_nothing(world, django_capture_on_commit_callbacks):
    report = workflow.open_report(world.campaign, world.a1)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            workflow.certify(report, world.users["curator"], None)
        except workflow.WorkflowError:
            pass
    assert callbacks == [] and mail.outbox == []


def test_reminders_show_a_preview_and_send_only_when_confirmed(world):
    client = world.client("coordinator")
    url = reverse("campaign_remind", args=[world.campaign.code])
    page = client.get(url).content.decode().replace("\xa0", " ")
    assert "Напоминания по этой кампании ещё не отправлялись" in page
    assert "Письмо получат 2 школы" in page and "t_head@test.example" in page and "Нет адреса электронной почты: МБОУ Бета ООШ" in page
    assert client.post(url, {}).status_code == 200 and mail.outbox == []  # no confirmation: the preview again
    client.post(url, {"confirm": "1"})
    assert len(mail.outbox) == 2
    page = client.get(url).content.decode().replace("\xa0", " ")
    assert "Последняя рассылка" in page and "— 2 школы." in page and "Отправить ещё раз" in page
    client.post(url, {"confirm": "1"})  # pressed twice: nothing more without «ещё раз»
    assert len(mail.outbox) == 2
    client.post(url, {"confirm": "1", "again": "1"})
    assert len(mail.outbox) == 4
