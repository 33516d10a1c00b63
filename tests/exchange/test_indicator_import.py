"""Indicator values from the XLSX/CSV template: by campaign or by period, checked row by row, all or nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from openpyxl import load_workbook

from shnor.audit.models import AuditEvent
from shnor.core.sheets import SheetError
from shnor.exchange.access import coordinated_schools
from shnor.exchange.indicators import import_indicators
from shnor.monitoring import workflow
from shnor.monitoring.models import Campaign, IndicatorValue

from .conftest import FIXTURES, fixture_bytes


def load(world, name, campaign=None, role="coordinator", data=None):
    user = world.users[role]
    return import_indicators(data if data is not None else fixture_bytes(name), name, user, coordinated_schools(user), campaign)


def values(**filters):
    return {(v.school.short_name, v.indicator.code, v.subject): v.value
            for v in IndicatorValue.objects.filter(**filters).select_related("school", "indicator")}


def test_a_campaign_file_loads_values_into_the_campaign_period(world):
    result = load(world, "indicators_campaign.xlsx", world.campaign)
    assert result.committed, result.error_lines()
    assert (result.created, result.skipped, result.schools) == (9, 1, 3)
    got = values(campaign=world.campaign)
    assert got[("МБОУ «Альфа СОШ»", "quality", "")] == Decimal("42.5")
    assert got[("МБОУ «Альфа СОШ»", "oge_avg", "Математика")] == Decimal("3.6")
    assert got[("МБОУ «Альфа СОШ»", "oge_avg", "Русский язык")] == Decimal("3.85")  # «русский язык» written in lower case
    assert got[("МБОУ Бета ООШ", "quality", "")] == Decimal("38.0")  # «38,0 %» with a decimal comma
    assert got[("МБОУ СОШ № 2", "success_rate", "")] == Decimal("97.3")
    assert got[("МБОУ «Альфа СОШ»", "olympiad_prize", "")] == 5
    value = IndicatorValue.objects.get(campaign=world.campaign, school=world.a1, indicator__code="quality")
    assert (value.period_start, value.period_end) == (world.campaign.period_start, world.campaign.period_end)
    assert value.source == "отчёт школы"


def test_loading_again_updates_changed_values_and_logs_the_change(world):
    load(world, "indicators_campaign.xlsx", world.campaign)
    wb = load_workbook(FIXTURES / "indicators_campaign.xlsx")
    wb.active["F3"] = 44.1  # Альфа, quality: 42,5 → 44,1
    import io

    buf = io.BytesIO()
    wb.save(buf)
    result = load(world, "indicators_campaign.xlsx", world.campaign, data=buf.getvalue())
    assert (result.created, result.updated, result.unchanged) == (0, 1, 8)
    assert IndicatorValue.objects.get(campaign=world.campaign, school=world.a1, indicator__code="quality").value == Decimal("44.1")
    event = AuditEvent.objects.filter(action="indicators.import", school=world.a1).first()
    assert event.changes == {"Качество знаний": ["42.500", "44.100"]}


def test_a_value_goes_with_the_school_report_so_the_school_sees_it(world):
    report = workflow.open_report(world.campaign, world.a1)
    load(world, "indicators_campaign.xlsx", world.campaign)
    assert report.indicator_values.filter(indicator__code="quality").exists()


def test_every_bad_row_is_reported_and_nothing_is_written(world):
    before = (IndicatorValue.objects.count(), AuditEvent.objects.count())
    result = load(world, "indicators_bad.xlsx", world.campaign)
    assert not result.committed
    errors = {r.number: "; ".join(r.errors) for r in result.errors}
    assert "105 % больше 100 %" in errors[3]
    assert "«МБОУ Неизвестная СОШ» не найдена" in errors[4]
    assert 5 not in errors and "повторяет строку 5" in errors[6]
    assert "укажите предмет" in errors[7]
    assert "не делится по предметам" in errors[8]
    assert "«девяносто» — не число" in errors[9]
    assert "2,5 должно быть целым числом" in errors[10]
    assert "отрицательное" in errors[11]
    assert "победителей и призёров (4) больше, чем участников (3)" in errors[14]
    assert "показатель «Рейтинг школы» не найден" in errors[15]
    assert "«МБОУ Дальняя СОШ» не найдена" in errors[16]
    assert (IndicatorValue.objects.count(), AuditEvent.objects.count()) == before


def test_values_by_period_need_a_readable_period(world):
    before = IndicatorValue.objects.count()
    result = load(world, "indicators_periods.xlsx")
    errors = {r.number: "; ".join(r.errors) for r in result.errors}
    assert "период «31.02.2023 – 31.05.2023» не распознан" in errors[6]
    assert "не указан период" in errors[7]
    assert not result.committed and IndicatorValue.objects.count() == before


def test_values_by_period_are_loaded_without_a_campaign(world):
    data = fixture_bytes("indicators_periods.xlsx")
    wb = load_workbook(FIXTURES / "indicators_periods.xlsx")
    wb.active.delete_rows(6, 2)
    import io

    buf = io.BytesIO()
    wb.save(buf)
    assert data != buf.getvalue()
    result = load(world, "periods.xlsx", data=buf.getvalue())
    assert result.committed, result.error_lines()
    vpr = IndicatorValue.objects.filter(indicator__code="vpr_avg", school=world.a1, campaign=None).order_by("period_start")
    assert [(v.period_start, v.period_end, v.value) for v in vpr] == [
        (date(2022, 9, 1), date(2023, 8, 31), Decimal("3.4")), (date(2023, 9, 1), date(2024, 8, 31), Decimal("3.7"))]
    ege = IndicatorValue.objects.get(indicator__code="ege_avg", school=world.a2)
    assert (ege.period_start, ege.period_end, ege.subject) == (date(2023, 1, 1), date(2023, 12, 31), "Русский язык")


def test_a_school_outside_the_campaign_is_refused(world):
    other = Campaign.objects.create(code="other-c", title="Другая кампания", region=world.region, period_start=date(2022, 1, 1),
                                    period_end=date(2022, 6, 30), framework=world.framework, due_date=date(2022, 7, 1))
    other.schools.set([world.a1])
    result = load(world, "indicators_campaign.xlsx", other)
    assert any("не участвует в кампании «Другая кампания»" in e for r in result.errors for e in r.errors)


def test_a_municipal_coordinator_loads_only_their_municipality(world):
    result = load(world, "indicators_campaign.xlsx", world.campaign, role="municipal")
    assert [r.number for r in result.errors] == [12]  # «МБОУ СОШ № 2» is in the second district


@pytest.mark.parametrize("name, message", [
    ("broken.xlsx", "не открывается как книга Excel"),
    ("empty.xlsx", "нет ни одной заполненной строки"),
    ("roadmaps_empty.xlsx", "Не найдены обязательные столбцы: «Значение»"),
])
def test_broken_files_get_a_clear_message(world, name, message):
    with pytest.raises(SheetError, match=message):
        load(world, name, world.campaign)


def test_a_file_with_no_value_at_all_is_refused(world):
    response = world.client("coordinator").get(reverse("exchange_indicator_template") + f"?campaign={world.campaign.code}")
    with pytest.raises(SheetError, match="нет ни одного значения"):
        load(world, "template.xlsx", world.campaign, data=response.content)


def test_the_campaign_template_lists_schools_and_requested_indicators(world):
    response = world.client("coordinator").get(reverse("exchange_indicator_template") + f"?campaign={world.campaign.code}")
    assert response.status_code == 200
    wb = load_workbook(__import__("io").BytesIO(response.content))
    assert wb.sheetnames == ["Значения показателей", "Показатели", "Предметы"]
    rows = [r for r in wb.worksheets[0].iter_rows(values_only=True)][3:]
    assert len(rows) == 3 * 2  # three schools × quality and failing
    wb.worksheets[0]["F4"] = "41,5"
    buf = __import__("io").BytesIO()
    wb.save(buf)
    result = load(world, "template.xlsx", world.campaign, data=buf.getvalue())
    assert result.committed and result.created == 1 and result.skipped == 5


def test_the_page_loads_a_file_into_a_chosen_campaign(world, upload):
    client = world.client("coordinator")
    page = client.get(reverse("exchange_indicator_import") + f"?campaign={world.campaign.code}")
    assert page.status_code == 200 and f'value="{world.campaign.code}" selected' in page.content.decode()
    response = client.post(reverse("exchange_indicator_import"), {"file": upload("indicators_bad.xlsx"), "campaign": world.campaign.code})
    assert response.status_code == 400 and "105 % больше 100 %" in response.content.decode()
    response = client.post(reverse("exchange_indicator_import"), {"file": upload("indicators_campaign.xlsx"), "campaign": world.campaign.code},
                           follow=True)
    assert "Показатели загружены: новых значений 9" in response.content.decode()


def test_only_coordinators_load_indicators(world):
    for role in ("head", "curator", "observer", "outsider", "staff"):
        assert world.client(role).get(reverse("exchange_indicator_import")).status_code == 403, role
        assert world.client(role).get(reverse("exchange_indicator_template")).status_code == 403, role


def test_the_command_loads_into_a_campaign_and_refuses_a_bad_file(world):
    out = StringIO()
    call_command("import_indicators", str(FIXTURES / "indicators_campaign.xlsx"), "--campaign", world.campaign.code, "--dry-run", stdout=out)
    assert "Файл без ошибок, ничего не записано (--dry-run). Школ: 3, строк без значения: 1." in out.getvalue()
    assert not IndicatorValue.objects.filter(campaign=world.campaign).exists()
    out = StringIO()
    call_command("import_indicators", str(FIXTURES / "indicators_campaign.xlsx"), "--campaign", world.campaign.code, stdout=out)
    assert "новых значений 9" in out.getvalue()
    err = StringIO()
    with pytest.raises(CommandError, match="Ничего не записано"):
        call_command("import_indicators", str(FIXTURES / "indicators_bad.xlsx"), "--campaign", world.campaign.code, stderr=err)
    assert "строка 3: значение 105 % больше 100 %" in err.getvalue()
    with pytest.raises(CommandError, match="Кампания «nope» не найдена"):
        call_command("import_indicators", str(FIXTURES / "indicators_campaign.xlsx"), "--campaign", "nope")
    with pytest.raises(CommandError, match="не найден"):
        call_command("import_indicators", "/nonexistent.xlsx")
