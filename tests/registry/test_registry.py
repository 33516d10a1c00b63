"""The registry: scoping, the school list import, the demo region, reminders, user creation."""

from __future__ import annotations

import io
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from openpyxl import Workbook

from shnor.audit.models import AuditEvent
from shnor.core.sheets import SheetError
from shnor.demo.load import load_demo
from shnor.registry.importing import import_schools
from shnor.registry.models import Membership, Municipality, School, SchoolStatus, Scope


def xlsx(rows, header=("Муниципалитет", "Полное наименование", "Краткое наименование", "Тип", "Сайт", "Статус", "Учебный год", "Номер приказа", "Дата приказа")):
    wb = Workbook()
    ws = wb.active
    ws.append(["Список школ — ШНОР 2021"])
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_scope_gives_each_role_its_schools(world):
    def names(role):
        return set(Scope.of(world.users[role]).schools().values_list("short_name", flat=True)) & {s.short_name for s in (world.a1, world.a2, world.b1, world.far)}

    assert names("coordinator") == {world.a1.short_name, world.a2.short_name, world.b1.short_name}
    assert names("municipal") == {world.a1.short_name, world.a2.short_name}
    assert names("curator") == {world.a1.short_name, world.a2.short_name}
    assert names("head") == {world.a1.short_name}
    assert names("observer") == {world.a1.short_name, world.a2.short_name, world.b1.short_name}
    assert names("far_coordinator") == {world.far.short_name}
    assert names("outsider") == set()


def test_search_finds_schools_regardless_of_case_and_yo(world):
    School.objects.create(municipality=world.m1, short_name="МБОУ Берёзовская СОШ", full_name="МБОУ Берёзовская средняя школа")
    assert School.objects.search("березовская").count() == 1
    assert School.objects.search("БЕРЁЗОВСКАЯ").count() == 1


def test_search_finds_a_school_whatever_quotes_the_name_is_typed_with(world):
    School.objects.create(municipality=world.m1, short_name="МБОУ «Ёлочка СОШ»", full_name="МБОУ «Ёлочка средняя школа»")
    assert School.objects.search('МБОУ "Елочка СОШ"').count() == 1
    assert School.objects.search("мбоу ёлочка").count() == 1


def test_a_school_list_is_imported_with_statuses_and_new_municipalities(world):
    data = xlsx([
        ("Первый район", "МБОУ «Гамма средняя общеобразовательная школа»", "МБОУ «Гамма СОШ»", "СОШ", "gamma.example.ru", "ШНОР", "2021/2022", "15", "12.01.2021"),
        ("Третий район", "МБОУ Дельта основная общеобразовательная школа", "", "", "", "зона риска", "2021", "", ""),
    ])
    report = import_schools(data, "schools.xlsx", world.region, world.users["coordinator"])
    assert report.committed and (report.created, report.updated) == (2, 0)
    gamma = School.objects.get(short_name="МБОУ «Гамма СОШ»")
    assert gamma.website == "https://gamma.example.ru"
    status = SchoolStatus.objects.get(school=gamma)
    assert (status.status, status.year, status.basis_number, str(status.basis_date)) == ("shnor", 2021, "15", "2021-01-12")
    delta = School.objects.get(full_name__startswith="МБОУ Дельта")
    assert delta.kind == "ООШ" and delta.municipality.name == "Третий район"
    assert report.new_municipalities == ["Третий район"]
    assert AuditEvent.objects.filter(action="registry.import").exists()
    # Importing again updates instead of duplicating.
    again = import_schools(data, "schools.xlsx", world.region, world.users["coordinator"])
    assert (again.created, again.updated) == (0, 2)


def test_a_school_list_with_errors_reports_each_row_and_writes_nothing(world):
    before = School.objects.count(), Municipality.objects.count()
    data = xlsx([
        ("Первый район", "МБОУ Хорошая СОШ", "", "СОШ", "", "", "", "", ""),
        ("", "МБОУ Без района СОШ", "", "", "", "", "", "", ""),
        ("Первый район", "МБОУ Странная школа", "", "колледж", "", "", "", "", ""),
        ("Первый район", "МБОУ Хорошая СОШ", "", "", "", "", "", "", ""),
        ("Первый район", "МБОУ Статусная СОШ", "", "", "", "ШНОР", "", "", "32.13.2021"),
    ])
    report = import_schools(data, "schools.xlsx", world.region, world.users["coordinator"])
    assert not report.committed
    errors = {row.number: "; ".join(row.errors) for row in report.errors}
    assert set(errors) == {4, 5, 6, 7}
    assert "не указан муниципалитет" in errors[4]
    assert "тип «колледж» не распознан" in errors[5]
    assert "уже есть в строке 3" in errors[6]
    assert "не дата" in errors[7] and "укажите учебный год" in errors[7]
    assert (School.objects.count(), Municipality.objects.count()) == before


@pytest.mark.parametrize("content, name, message", [
    (b"", "empty.xlsx", "Файл пустой"),
    (b"PK\x03\x04 broken zip", "broken.xlsx", "не открывается как книга Excel"),
    (b"just text", "list.docx", "Нужен файл Excel"),
])
def test_broken_school_lists_get_a_clear_message(world, content, name, message):
    with pytest.raises(SheetError, match=message):
        import_schools(content, name, world.region, world.users["coordinator"])


def test_a_cp1251_csv_is_read(world):
    data = "Муниципалитет;Полное наименование;Тип\nПервый район;МБОУ Ёлочная СОШ;СОШ\n".encode("cp1251")
    report = import_schools(data, "schools.csv", world.region, world.users["coordinator"])
    assert report.committed and School.objects.filter(full_name="МБОУ Ёлочная СОШ").exists()


def test_the_import_page_shows_row_errors(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = world.client("coordinator")
    upload = SimpleUploadedFile("s.xlsx", xlsx([("", "МБОУ Без района", "", "", "", "", "", "", "")]))
    response = client.post(reverse("school_import"), {"file": upload, "region": world.region.pk})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Ничего не изменено" in body and "не указан муниципалитет" in body
    assert client.get(reverse("school_template")).status_code == 200


def test_the_demo_is_idempotent(db):
    before = {model: model.objects.count() for model in (School, Membership, SchoolStatus)}
    load_demo()
    assert {model: model.objects.count() for model in before} == before


def test_reminders_go_to_overdue_schools_only(world):
    from shnor.monitoring.workflow import EntryChange, open_report, save_report, submit

    report = open_report(world.campaign, world.b1)
    report = save_report(report, world.users["head_b1"], report.version, [EntryChange(None, "Собрание", "done", "Проведено")])
    submit(report, world.users["head_b1"], report.version)
    response = world.client("coordinator").post(reverse("campaign_remind", args=[world.campaign.code]), {"confirm": "1"}, follow=True)
    assert response.status_code == 200
    recipients = sorted(addr for m in mail.outbox for addr in m.to)
    # a1: the school's address plus its head and staff; a2 has no address; b1 has submitted.
    assert recipients == ["alfa@test.example", "t_head@test.example", "t_staff@test.example"]
    assert "Срок сдачи отчёта" in mail.outbox[0].body
    body = response.content.decode().replace("\xa0", " ")
    assert "Отправлено напоминаний: 1." in body
    assert "Напоминание не отправлено — нет адреса электронной почты: МБОУ Бета ООШ." in body
    assert world.client("curator").post(reverse("campaign_remind", args=[world.campaign.code])).status_code == 403


@pytest.mark.django_db(transaction=True)
def test_reminders_are_sent_by_the_worker_and_the_campaign_page_tells_the_result(world, database_queue, monkeypatch):
    client = world.client("coordinator")
    page = client.post(reverse("campaign_remind", args=[world.campaign.code]), {"confirm": "1"}, follow=True).content.decode()
    assert "Напоминания отправляются" in page and 'id="reminders-running"' in page and mail.outbox == []
    assert world.client("outsider").post(reverse("campaign_remind", args=[world.campaign.code])).status_code in (403, 404)

    database_queue()  # shnor worker --batch
    assert len(mail.outbox) == 2  # one letter per overdue school with an address; the outsider queued nothing
    page = client.get(reverse("campaign_detail", args=[world.campaign.code])).content.decode().replace("\xa0", " ")
    assert "Отправлено напоминаний: 2." in page and "нет адреса электронной почты: МБОУ Бета ООШ." in page
    assert 'id="reminders-running"' not in page
    again = client.get(reverse("campaign_detail", args=[world.campaign.code])).content.decode().replace("\xa0", " ")
    assert "Отправлено напоминаний" not in again  # told once
    assert AuditEvent.objects.filter(action="campaign.remind", user=world.users["coordinator"]).count() == 1

    import shnor.monitoring.reminders as reminders

    def no_server(*args, **kwargs):
        raise ConnectionRefusedError("no SMTP server")

    monkeypatch.setattr(reminders, "get_connection", no_server)
    client.post(reverse("campaign_remind", args=[world.campaign.code]), {"confirm": "1", "again": "1"})
    database_queue()
    page = client.get(reverse("campaign_detail", args=[world.campaign.code])).content.decode()
    assert 'id="reminders-failed"' in page and 'id="remind">Повторить</button>' in page  # not retried by itself


def test_createuser_creates_a_scoped_user_and_checks_the_password(world):
    out = StringIO()
    call_command("createuser", "new_curator", "--role", "curator", "--password", "Dlinnyi-parol-2021", "--school", str(world.a1.pk), "--school", str(world.b1.pk), stdout=out)
    membership = Membership.objects.filter(user__username="new_curator")
    assert set(membership.values_list("school_id", flat=True)) == {world.a1.pk, world.b1.pk}
    with pytest.raises(CommandError, match="Пароль не подходит"):
        call_command("createuser", "weak", "--role", "head", "--password", "12345", "--school", str(world.a1.pk))



def test_the_migration_refolds_stored_search_keys_that_kept_quotes(world):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("shnor.registry.migrations.0002_name_search_without_quotes")
    school = School.objects.create(municipality=world.m1, short_name="МБОУ «Ёлочка СОШ»", full_name="МБОУ «Ёлочка школа»")
    School.objects.filter(pk=school.pk).update(name_search="мбоу «елочка сош» мбоу «елочка школа»")  # as the old fold stored it
    assert School.objects.search("МБОУ Ёлочка").count() == 0
    migration.refold(apps, None)
    assert School.objects.get(pk=school.pk).name_search == "мбоу елочка сош мбоу елочка школа"
    assert School.objects.search("МБОУ Ёлочка").count() == 1
