"""Roadmaps from the XLSX/CSV template: deadlines as written and parsed, per-row errors, all or nothing, audit."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from shnor.audit.models import AuditEvent
from shnor.core.sheets import SheetError
from shnor.exchange.access import roadmap_schools
from shnor.exchange.roadmaps import import_roadmaps
from shnor.monitoring import workflow
from shnor.plans.models import PlannedActivity, Roadmap

from .conftest import FIXTURES, fixture_bytes


def load(world, name, role="coordinator", **kwargs):
    user = world.users[role]
    return import_roadmaps(fixture_bytes(name), name, user, roadmap_schools(user), **kwargs)


def test_a_filled_template_becomes_current_roadmaps_with_parsed_deadlines(world):
    result = load(world, "roadmaps_good.xlsx")
    assert result.committed, result.error_lines()
    assert (result.schools, result.created) == (2, 7)
    alfa = Roadmap.objects.get(school=world.a1, is_current=True)
    assert alfa.title == "Дорожная карта повышения качества образования"
    assert (alfa.period_start, alfa.period_end) == (date(2023, 9, 1), date(2024, 8, 31))
    assert alfa.approved_by == "приказ от 01.09.2023 № 120"
    deadlines = {a.deadline_text: (a.deadline_start, a.deadline_end) for a in alfa.activities.all()}
    assert deadlines["Октябрь 2023"] == (date(2023, 10, 1), date(2023, 10, 31))
    assert deadlines["до 01 декабря 2023 года"][1] == date(2023, 12, 1)
    assert deadlines["с 01 сентября 2023 года"][0] == date(2023, 9, 1)
    # Deadlines without a year of their own recur over the roadmap's period.
    assert deadlines["в течение учебного года"] == (date(2023, 9, 1), date(2024, 8, 31))
    assert deadlines["По спец. графику"] == (date(2023, 9, 1), date(2024, 8, 31))
    courses = alfa.activities.get(number="1")
    assert courses.activity_type.code == "pk_courses" and courses.section == "Кадровые условия"
    assert courses.responsible == "заместитель директора по УВР"


def test_the_previous_roadmap_is_kept_and_reports_keep_their_activities(world):
    report = workflow.open_report(world.campaign, world.a1)
    old_activity_ids = set(report.entries.values_list("planned_activity_id", flat=True))
    old = world.roadmap
    load(world, "roadmaps_good.xlsx")
    old.refresh_from_db()
    assert not old.is_current and old.activities.count() == 4
    assert set(report.entries.values_list("planned_activity_id", flat=True)) == old_activity_ids
    assert Roadmap.objects.filter(school=world.a1, is_current=True).count() == 1


def test_activities_without_a_type_get_one_from_the_classifier_when_it_is_sure(world):
    result = load(world, "roadmaps_good.xlsx")
    assert any("определён автоматически" in n for n in result.notes)
    typed = PlannedActivity.objects.filter(roadmap__is_current=True, roadmap__school=world.a1, activity_type__isnull=False)
    assert typed.count() >= 2  # the given one and at least one the classifier was sure of


def test_every_bad_row_is_reported_and_nothing_is_written(world):
    before = (PlannedActivity.objects.count(), Roadmap.objects.count(), AuditEvent.objects.count())
    result = load(world, "roadmaps_bad.xlsx")
    assert not result.committed
    errors = {r.number: "; ".join(r.errors) for r in result.errors}
    assert "«31.02.2024» не удалось прочитать" in errors[3]
    assert "«МБОУ «Несуществующая СОШ»» не найдена" in errors[4]
    assert "повторяет строку 5" in errors[6]
    assert "вид мероприятия «Вид, которого нет» не найден" in errors[7]
    assert "не указано мероприятие" in errors[8]
    assert "не указан срок" in errors[9]
    assert "«МБОУ «Дальняя СОШ»» не найдена" in errors[10]  # another region's school is not revealed
    assert "период дорожной карты «когда-нибудь» не распознан" in errors[11]
    assert 5 not in errors
    assert (PlannedActivity.objects.count(), Roadmap.objects.count(), AuditEvent.objects.count()) == before


def test_a_windows_1251_csv_is_read(world):
    result = load(world, "roadmaps_cp1251.csv")
    assert result.committed, result.error_lines()
    activity = PlannedActivity.objects.get(roadmap__school=world.a2, roadmap__is_current=True, title__startswith="Открытые уроки")
    assert (activity.deadline_start, activity.deadline_end) == (date(2023, 11, 1), date(2023, 11, 30))


@pytest.mark.parametrize("name, message", [
    ("broken.xlsx", "не открывается как книга Excel"),
    ("roadmaps_empty.xlsx", "нет ни одной заполненной строки"),
    ("empty.xlsx", "Не найдены обязательные столбцы: «Мероприятие», «Сроки»"),
    ("blank_sheet.xlsx", "Не найдена строка заголовков"),
])
def test_broken_files_get_a_clear_message(world, name, message):
    with pytest.raises(SheetError, match=message):
        load(world, name)


def test_the_import_is_audit_logged_per_school(world):
    load(world, "roadmaps_good.xlsx")
    events = AuditEvent.objects.filter(action="roadmap.import")
    assert {e.school_id for e in events} == {world.a1.pk, world.a2.pk}
    assert all(e.user == world.users["coordinator"] for e in events)
    assert "прежняя редакция сохранена" in events.get(school=world.a1).summary


def test_a_head_loads_only_their_own_school(world):
    result = load(world, "roadmaps_good.xlsx", role="head")
    assert not result.committed
    assert all("«МБОУ Бета ООШ» не найдена" in "; ".join(r.errors) for r in result.errors)
    assert {r.number for r in result.errors} == {9, 10}


def test_the_page_loads_a_file_and_shows_row_errors(world, upload):
    client = world.client("curator")
    page = client.get(reverse("exchange_roadmap_import") + f"?school={world.a1.pk}")
    assert page.status_code == 200 and "шаблон дорожной карты" in page.content.decode()
    response = client.post(reverse("exchange_roadmap_import"), {"file": upload("roadmaps_bad.xlsx")})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Ничего не изменено" in body and "31.02.2024" in body and 'id="row-errors"' in body
    response = client.post(reverse("exchange_roadmap_import"), {"file": upload("roadmaps_good.xlsx")}, follow=True)
    assert response.status_code == 200 and "Дорожные карты загружены: школ 2" in response.content.decode()


def test_the_page_refuses_files_that_are_not_tables(world, upload):
    response = world.client("coordinator").post(reverse("exchange_roadmap_import"), {"file": upload("notes.docx", b"PK...")})
    assert response.status_code == 400 and "такой тип файла не принимается" in response.content.decode()


def test_the_template_comes_filled_with_the_current_roadmap_and_loads_back(world):
    response = world.client("head").get(reverse("exchange_roadmap_template") + f"?school={world.a1.pk}")
    assert response.status_code == 200
    data = response.content
    result = import_roadmaps(data, "template.xlsx", world.users["head"], roadmap_schools(world.users["head"]), classify=False)
    assert result.committed, result.error_lines()
    current = Roadmap.objects.get(school=world.a1, is_current=True)
    assert [a.title for a in current.activities.all()] == [a.title for a in world.roadmap.activities.all()]
    assert [a.deadline_end for a in current.activities.all()] == [a.deadline_end for a in world.roadmap.activities.all()]


def test_outsiders_cannot_get_the_template_or_the_page(world):
    for role in ("outsider", "staff", "observer"):
        assert world.client(role).get(reverse("exchange_roadmap_import")).status_code == 403
        assert world.client(role).get(reverse("exchange_roadmap_template")).status_code == 403
    assert world.client("curator2").get(reverse("exchange_roadmap_template") + f"?school={world.a1.pk}").status_code == 404


def test_the_command_loads_a_file_and_refuses_a_bad_one(world):
    out = StringIO()
    call_command("import_roadmaps", str(FIXTURES / "roadmaps_good.xlsx"), "--user", "t_coordinator", stdout=out)
    assert "Загружены дорожные карты. Школ: 2, мероприятий: 7" in out.getvalue()
    before = PlannedActivity.objects.count()
    err = StringIO()
    with pytest.raises(CommandError, match="Ничего не записано"):
        call_command("import_roadmaps", str(FIXTURES / "roadmaps_bad.xlsx"), stderr=err)
    assert "строка 3:" in err.getvalue()
    assert PlannedActivity.objects.count() == before


def test_the_shnor_command_name_is_spelled_with_a_hyphen(world, monkeypatch):
    from shnor import cli

    calls = []
    monkeypatch.setattr("django.core.management.execute_from_command_line", lambda argv: calls.append(argv))
    cli.main(["import-roadmaps", "file.xlsx", "--dry-run"])
    assert calls == [["shnor", "import_roadmaps", "file.xlsx", "--dry-run"]]


def test_directions_go_out_by_name_and_load_back_even_with_commas_in_them(world):
    first = world.roadmap.activities.order_by("order", "pk").first()
    directions = list(world.framework.directions.order_by("pk")[:2])
    directions[0].name = "Кадровые условия, методическая работа"
    directions[0].save()
    first.directions.set(directions)
    data = world.client("head").get(reverse("exchange_roadmap_template") + f"?school={world.a1.pk}").content
    import io

    import openpyxl

    cells = [str(c) for row in openpyxl.load_workbook(io.BytesIO(data), read_only=True).worksheets[0].iter_rows(values_only=True)
             for c in row if c]
    assert "; ".join(d.name for d in directions) in cells and not any(d.code in cells for d in directions)
    result = import_roadmaps(data, "template.xlsx", world.users["head"], roadmap_schools(world.users["head"]), classify=False)
    assert result.committed, result.error_lines()
    loaded = Roadmap.objects.get(school=world.a1, is_current=True).activities.get(title=first.title)
    assert set(loaded.directions.all()) == set(directions)
