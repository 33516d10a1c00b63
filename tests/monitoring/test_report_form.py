"""The school report form as a school head uses it: saving, evidence, bad input, stale edits."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from shnor.monitoring import workflow
from shnor.monitoring.models import Evidence, IndicatorValue, ReportEntry, SchoolReport


@pytest.fixture
def form_url(world):
    return reverse("report_edit", args=[world.campaign.code, world.a1.pk])


def base_data(report, **extra):
    data = {"version": report.version, "summary": ""}
    for e in report.entries.all():
        data[f"e{e.pk}-status"] = e.status
        data[f"e{e.pk}-result"] = e.actual_result
    data.update(extra)
    return data


def open_form(world, form_url, role="head"):
    client = world.client(role)
    response = client.get(form_url)
    assert response.status_code == 200
    return client, SchoolReport.objects.get(campaign=world.campaign, school=world.a1)


def test_the_form_lists_the_planned_activities_with_deadlines(world, form_url):
    client, report = open_form(world, form_url)
    body = client.get(form_url).content.decode()
    assert "Курсы повышения квалификации учителей математики" in body
    assert "Срок: Октябрь 2021" in body
    assert "Профориентационные пробы" not in body  # due in March 2022, outside the campaign


def test_saving_marks_entries_adds_evidence_unplanned_work_and_indicators(world, form_url, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client, report = open_form(world, form_url)
    first, second = list(report.entries.all())[:2]
    quality = world.campaign.indicators.get(code="quality")
    data = base_data(report, **{
        f"e{first.pk}-status": "done", f"e{first.pk}-result": "КПК прошли 4 учителя",
        f"e{first.pk}-ev-kind": "order", f"e{first.pk}-ev-number": "52", f"e{first.pk}-ev-date": "09.03.2022",
        f"e{first.pk}-ev-title": "О направлении на курсы",
        f"e{second.pk}-status": "partial", f"e{second.pk}-reason": "Пришла половина родителей", f"e{second.pk}-ev-url": "https://clck.ru/34PaDg",
        f"e{second.pk}-ev-file": SimpleUploadedFile("protokol.pdf", b"%PDF-1.4 ok", content_type="application/pdf"),
        "new0-title": "Неделя функциональной грамотности", "new0-status": "done", "new0-type": world.type("methodical_events").pk,
        "new0-ev-url": "alfa.example.ru/news/12",
        f"ind{quality.pk}": "41,5",
    })
    response = client.post(form_url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    first.refresh_from_db()
    assert (first.status, first.actual_result) == ("done", "КПК прошли 4 учителя")
    order = Evidence.objects.get(entry=first)
    assert (order.kind, order.number, str(order.date)) == ("order", "52", "2022-03-09")
    attached = Evidence.objects.get(entry=second)  # one evidence slot per entry and save: the file wins the kind
    assert (attached.kind, attached.file_name, attached.url) == ("file", "protokol.pdf", "https://clck.ru/34PaDg")
    new = ReportEntry.objects.get(report=report, title="Неделя функциональной грамотности")
    assert new.is_unplanned and new.evidence.get().url == "https://alfa.example.ru/news/12"
    assert IndicatorValue.objects.get(report=report, indicator=quality).value == 41.5


@pytest.mark.parametrize("field, value, message", [
    ("ev-date", "31.02.2022", "Введите дату в виде ДД.ММ.ГГГГ."),
    ("ev-url", "не ссылка вовсе", "Введите ссылку"),
])
def test_bad_input_is_refused_with_a_message_and_only_the_valid_part_is_saved(world, form_url, field, value, message):
    client, report = open_form(world, form_url)
    first = report.entries.first()
    data = base_data(report, **{f"e{first.pk}-status": "done", f"e{first.pk}-ev-kind": "order", f"e{first.pk}-ev-number": "1", f"e{first.pk}-{field}": value})
    response = client.post(form_url, data)
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body and "Отчёт сохранён не полностью" in body
    first.refresh_from_db()
    assert first.status == "done"  # the valid mark is kept in the draft
    assert not Evidence.objects.filter(entry=first).exists()  # the evidence with the bad field waits for the fix


def test_an_indicator_percentage_over_100_is_refused(world, form_url):
    client, report = open_form(world, form_url)
    quality = world.campaign.indicators.get(code="quality")
    response = client.post(form_url, base_data(report, **{f"ind{quality.pk}": "140"}))
    assert response.status_code == 400
    assert "значение 140 % больше 100 %" in response.content.decode()
    assert not IndicatorValue.objects.filter(report=report).exists()


def test_a_file_of_the_wrong_type_is_refused(world, form_url):
    client, report = open_form(world, form_url)
    first = report.entries.first()
    data = base_data(report, **{f"e{first.pk}-ev-kind": "file", f"e{first.pk}-ev-file": SimpleUploadedFile("virus.exe", b"MZ...", content_type="application/octet-stream")})
    response = client.post(form_url, data)
    assert response.status_code == 400
    assert "такой тип файла не принимается" in response.content.decode()
    assert not Evidence.objects.filter(entry=first).exists()


def test_a_file_over_the_limit_is_refused(world, form_url, settings):
    settings.UPLOAD_MAX_MB = 1
    client, report = open_form(world, form_url)
    first = report.entries.first()
    big = SimpleUploadedFile("scan.pdf", b"0" * (1024 * 1024 + 10), content_type="application/pdf")
    response = client.post(form_url, base_data(report, **{f"e{first.pk}-ev-kind": "file", f"e{first.pk}-ev-file": big}))
    assert response.status_code == 400
    body = response.content.decode()
    assert "весит 1 МБ, а допускается не больше 1 МБ" in body.replace("\xa0", " ") or "допускается не больше 1 МБ" in body
    assert not Evidence.objects.filter(entry=first).exists()


def test_a_stale_form_is_refused_and_keeps_the_colleagues_work(world, form_url):
    client, report = open_form(world, form_url)
    first = report.entries.first()
    stale = base_data(report, **{f"e{first.pk}-status": "partial", f"e{first.pk}-result": "Моя версия", f"e{first.pk}-reason": "Не успели"})
    colleague = world.client("staff")
    assert colleague.post(form_url, base_data(report, **{f"e{first.pk}-status": "done", f"e{first.pk}-result": "Версия коллеги"})).status_code == 302
    response = client.post(form_url, stale)
    assert response.status_code == 400
    body = response.content.decode()
    assert "Ваши изменения не сохранены" in body
    assert "Моя версия" in body  # what the user typed is still in the form
    first.refresh_from_db()
    assert first.actual_result == "Версия коллеги"


def test_save_and_submit_sends_the_report_to_the_curator(world, form_url):
    client, report = open_form(world, form_url)
    data = base_data(report, submit="1")
    for e in report.entries.all():
        data[f"e{e.pk}-status"] = "done"
        data[f"e{e.pk}-result"] = "Выполнено"
    response = client.post(form_url, data)
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == "submitted"
    # The head cannot edit it any more: the form redirects with a message.
    response = client.get(form_url, follow=True)
    assert "изменить его нельзя" in response.content.decode()


def test_submitting_with_unmarked_activities_explains_what_is_missing(world, form_url):
    client, report = open_form(world, form_url)
    response = client.post(form_url, base_data(report, submit="1"))
    assert response.status_code == 400
    assert "не отмечено 3" in response.content.decode().replace("\xa0", " ")
    report.refresh_from_db()
    assert report.status == "draft"


def test_the_returned_report_shows_the_remarks_to_the_school(world, form_url):
    client, report = open_form(world, form_url)
    data = base_data(report, submit="1")
    for e in report.entries.all():
        data[f"e{e.pk}-status"] = "done"
    client.post(form_url, data)
    report.refresh_from_db()
    workflow.return_report(report, world.users["curator"], report.version, "Приложите приказ о КПК")
    body = client.get(form_url).content.decode()
    assert "Приложите приказ о КПК" in body


def test_an_untouched_indicator_keeps_a_value_imported_without_the_report(world, form_url):
    from datetime import date

    quality = world.campaign.indicators.get(code="quality")
    IndicatorValue.objects.create(indicator=quality, school=world.a1, campaign=world.campaign, value=38.5,
                                  period_start=date(2021, 9, 1), period_end=date(2021, 12, 31), source="импорт из Excel")
    client, report = open_form(world, form_url)
    assert 'value="38,5"' in client.get(form_url).content.decode()
    data = base_data(report, **{f"ind{quality.pk}": "38,5"})
    assert client.post(form_url, data).status_code == 302
    assert IndicatorValue.objects.get(school=world.a1, indicator=quality).source == "импорт из Excel"
    # Clearing the field on purpose removes it.
    report.refresh_from_db()
    assert client.post(form_url, base_data(report, **{f"ind{quality.pk}": ""})).status_code == 302
    assert not IndicatorValue.objects.filter(school=world.a1, indicator=quality).exists()


def test_the_form_requires_a_reason_when_an_activity_was_not_done(world, form_url):
    client, report = open_form(world, form_url)
    first = report.entries.first()
    response = client.post(form_url, base_data(report, **{f"e{first.pk}-status": "not_done"}))
    assert response.status_code == 400
    assert "Укажите причину" in response.content.decode()
    first.refresh_from_db()
    assert first.status == ""  # the mark waits for its reason (the rest of the form is kept in the draft)
    report.refresh_from_db()
    response = client.post(form_url, base_data(report, **{f"e{first.pk}-status": "not_done", f"e{first.pk}-reason": "Не набрана группа"}))
    assert response.status_code == 302
    first.refresh_from_db()
    assert (first.status, first.reason) == ("not_done", "Не набрана группа")


def test_the_form_says_who_sends_the_report(world, form_url):
    open_form(world, form_url)
    assert "отправьте отчёт, когда он готов" in world.client("head").get(form_url).content.decode()
    staff = world.client("staff").get(form_url).content.decode()
    assert "отправляет отчёт руководитель школы" in staff and "отправьте отчёт" not in staff
