"""Exports of every table the pages show, scoped to the user, in XLSX and CSV; exports load back through the imports."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from shnor.exchange.access import coordinated_schools, roadmap_schools
from shnor.exchange.indicators import import_indicators
from shnor.exchange.roadmaps import import_roadmaps
from shnor.monitoring import workflow
from shnor.monitoring.workflow import EntryChange, EvidenceInput
from shnor.registry.importing import import_schools

GENERAL = ["schools", "roadmaps", "indicators", "audit"]
CAMPAIGN = ["coverage", "completeness", "reports", "indicators"]


def get(client, url) -> tuple[int, bytes]:
    response = client.get(url)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response.status_code, body


def sheet(data: bytes) -> list[tuple]:
    """The rows of the first sheet from the header on (notes above it skipped)."""
    rows = list(load_workbook(io.BytesIO(data), read_only=True).worksheets[0].iter_rows(values_only=True))
    return rows[next(i for i, r in enumerate(rows) if len(r) > 1 and r[1] is not None):]


def csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


@pytest.fixture
def reported(world):
    """A certified report of school a1 with a file-less piece of evidence."""
    u = world.users
    report = workflow.open_report(world.campaign, world.a1)
    entries = list(report.entries.all())
    changes = [EntryChange(e.pk, e.title, "done", "Проведено, 5 человек") for e in entries]
    report = workflow.save_report(report, u["head"], report.version, changes, indicators={(world.campaign.indicators.get(code="quality").pk, ""): 41},
                                  evidence=[EvidenceInput(entries[0].pk, "order", title="О курсах", number="52")])
    report = workflow.submit(report, u["head"], report.version)
    return workflow.certify(report, u["curator"], report.version)


@pytest.mark.parametrize("table", GENERAL)
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_every_general_table_exports_for_a_coordinator(world, reported, table, fmt):
    status, body = get(world.client("coordinator"), reverse("exchange_export", args=[table, fmt]))
    assert status == 200
    rows = sheet(body) if fmt == "xlsx" else csv_rows(body)
    assert len(rows) >= 2, rows


@pytest.mark.parametrize("table", CAMPAIGN)
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_every_campaign_table_exports_for_a_coordinator(world, reported, table, fmt):
    status, body = get(world.client("coordinator"), reverse("exchange_campaign_export", args=[world.campaign.code, table, fmt]))
    assert status == 200
    rows = sheet(body) if fmt == "xlsx" else csv_rows(body)
    assert len(rows) >= 2


def test_the_reports_table_has_entries_evidence_and_schools_not_started(world, reported):
    _, body = get(world.client("coordinator"), reverse("exchange_campaign_export", args=[world.campaign.code, "reports", "csv"]))
    rows = csv_rows(body)
    header, data = rows[0], rows[1:]
    assert header[:4] == ["Код школы", "Муниципалитет", "Школа", "Состояние отчёта"]
    col = {name: i for i, name in enumerate(header)}
    alfa = [r for r in data if r[2] == world.a1.short_name]
    assert len(alfa) == reported.entries.count() and all(r[3] == "заверен куратором" for r in alfa)
    assert "Приказ № 52 «О курсах»" in {r[col["Подтверждения"]] for r in alfa}
    assert {r[col["Отметка о выполнении"]] for r in alfa} == {"выполнено"}
    beta = [r for r in data if r[2] == world.a2.short_name]
    assert len(beta) == 1 and beta[0][3] == "не начат" and beta[0][col["Мероприятие"]] == ""


def test_the_reports_table_has_section_deadline_expected_result_and_reason(world):
    activity = world.roadmap.activities.get(number="1")
    activity.section, activity.expected_result = "Работа с педагогами", "Обучены 3 учителя математики"
    activity.save()
    report = workflow.open_report(world.campaign, world.a1)
    entry = report.entries.get(planned_activity=activity)
    workflow.save_report(report, world.users["head"], report.version,
                         [EntryChange(entry.pk, entry.title, "postponed", "", reason="Курсы перенесены организатором")])
    _, body = get(world.client("coordinator"), reverse("exchange_campaign_export", args=[world.campaign.code, "reports", "xlsx"]))
    rows = sheet(body)
    col = {name: i for i, name in enumerate(rows[0])}
    row = next(r for r in rows[1:] if r[col["Мероприятие"]] == activity.title)
    assert row[col["Раздел"]] == "Работа с педагогами"
    assert row[col["Сроки исполнения"]] == "Октябрь 2021"
    assert row[col["Ожидаемый результат"]] == "Обучены 3 учителя математики"
    assert row[col["Отметка о выполнении"]] == "перенесено"
    assert row[col["Причина невыполнения"]] == "Курсы перенесены организатором"


def test_exports_are_scoped_to_the_user(world, reported):
    _, body = get(world.client("municipal2"), reverse("exchange_export", args=["schools", "csv"]))
    names = {r[3] for r in csv_rows(body)[1:]}
    assert names == {world.b1.short_name}
    _, body = get(world.client("municipal2"), reverse("exchange_campaign_export", args=[world.campaign.code, "reports", "csv"]))
    assert {r[2] for r in csv_rows(body)[1:]} == {world.b1.short_name}
    _, body = get(world.client("head"), reverse("exchange_export", args=["roadmaps", "csv"]))
    assert {r[2] for r in csv_rows(body)[1:]} == {world.a1.short_name}
    _, body = get(world.client("outsider"), reverse("exchange_export", args=["schools", "csv"]))
    assert csv_rows(body)[1:] == []
    # A campaign the user cannot see does not exist for them.
    assert get(world.client("far_coordinator"), reverse("exchange_campaign_export", args=[world.campaign.code, "coverage", "xlsx"]))[0] == 404
    assert get(world.client("outsider"), reverse("exchange_campaign_export", args=[world.campaign.code, "reports", "csv"]))[0] == 404


def test_the_school_list_filters_of_the_page_apply(world):
    _, body = get(world.client("coordinator"), reverse("exchange_export", args=["schools", "csv"]) + f"?municipality={world.m2.pk}")
    assert {r[3] for r in csv_rows(body)[1:]} == {world.b1.short_name}
    _, body = get(world.client("coordinator"), reverse("exchange_export", args=["schools", "csv"]) + "?q=бета")
    assert {r[3] for r in csv_rows(body)[1:]} == {world.a2.short_name}


@pytest.mark.parametrize("value", ["99999999999999999999", "²", "abc", "-1"])
def test_a_municipality_or_school_that_cannot_be_an_id_finds_no_schools_instead_of_a_500(world, value):
    for name in ("municipality", "school"):
        status, body = get(world.client("coordinator"), reverse("exchange_export", args=["schools", "csv"]) + f"?{name}={value}")
        assert status == 200 and len(csv_rows(body)) == 1  # the header only
        response = world.client("coordinator").get(reverse("school_list") + f"?{name}={value}")
        assert response.status_code == 200 and world.a1.short_name not in response.content.decode()


def test_the_audit_log_export_is_for_coordinators_and_takes_the_page_filters(world, reported):
    client = world.client("coordinator")
    _, body = get(client, reverse("exchange_export", args=["audit", "csv"]) + "?action=report.certify")
    rows = csv_rows(body)[1:]
    assert len(rows) == 1 and rows[0][1] == "t_curator" and rows[0][2] == "отчёт заверен"
    assert get(client, reverse("exchange_export", args=["audit", "csv"]) + "?since=вчера")[0] == 404
    for role in ("head", "curator", "observer", "outsider"):
        assert get(world.client(role), reverse("exchange_export", args=["audit", "xlsx"]))[0] == 403, role
    _, body = get(world.client("municipal2"), reverse("exchange_export", args=["audit", "csv"]))
    assert all(r[4] != world.a1.short_name for r in csv_rows(body)[1:])


def test_unknown_tables_formats_and_misplaced_campaigns_are_404(world):
    client = world.client("coordinator")
    assert get(client, reverse("exchange_export", args=["passwords", "csv"]))[0] == 404
    assert get(client, reverse("exchange_export", args=["schools", "pdf"]))[0] == 404
    assert get(client, reverse("exchange_export", args=["coverage", "csv"]))[0] == 404  # needs a campaign
    assert get(client, reverse("exchange_campaign_export", args=[world.campaign.code, "schools", "csv"]))[0] == 404
    assert get(client, reverse("exchange_campaign_export", args=["no-such-campaign", "reports", "csv"]))[0] == 404


def test_csv_numbers_have_a_decimal_comma(world, reported):
    _, body = get(world.client("coordinator"), reverse("exchange_campaign_export", args=[world.campaign.code, "indicators", "csv"]))
    rows = csv_rows(body)
    quality = next(r for r in rows[1:] if r[3] == "Качество знаний")
    assert quality[5] == "41" and quality[8] == "%"
    _, body = get(world.client("coordinator"), reverse("exchange_campaign_export", args=[world.campaign.code, "coverage", "csv"]))
    assert any("," in r[5] for r in csv_rows(body)[1:] if r[5] not in ("0", "100"))


def test_the_indicator_export_gives_the_level_before_where_a_document_stated_it(world, reported):
    from decimal import Decimal

    from shnor.monitoring import workflow

    failing = world.campaign.indicators.get(code="failing")
    report = workflow.open_report(world.campaign, world.a2)
    workflow.import_into_report(report, world.users["coordinator"], [], [workflow.ImportedValue(failing, "", Decimal("10"), previous=Decimal("28"))],
                                source="otchet.docx")
    _, body = get(world.client("coordinator"), reverse("exchange_campaign_export", args=[world.campaign.code, "indicators", "csv"]))
    rows = csv_rows(body)
    assert rows[0][-1] == "Прежнее значение (по документу)"
    by_indicator = {r[3]: r for r in rows[1:]}
    assert (by_indicator[failing.name][5], by_indicator[failing.name][-1]) == ("10", "28")
    assert by_indicator["Качество знаний"][-1] == ""  # no level before stated


def test_the_school_list_export_loads_back_into_the_registry(world):
    _, body = get(world.client("coordinator"), reverse("exchange_export", args=["schools", "xlsx"]))
    result = import_schools(body, "schools.xlsx", world.region, world.users["coordinator"])
    assert result.committed and (result.created, result.updated) == (0, 3)


def test_the_roadmap_export_loads_back_unchanged(world):
    _, body = get(world.client("coordinator"), reverse("exchange_export", args=["roadmaps", "xlsx"]))
    result = import_roadmaps(body, "roadmaps.xlsx", world.users["coordinator"], roadmap_schools(world.users["coordinator"]), classify=False)
    assert result.committed, result.error_lines()
    current = world.a1.roadmaps.get(is_current=True)
    assert current.pk != world.roadmap.pk
    fields = ["number", "title", "activity_type_id", "deadline_text", "deadline_start", "deadline_end"]
    assert list(current.activities.values_list(*fields)) == list(world.roadmap.activities.values_list(*fields))
    assert (current.period_start, current.period_end) == (world.roadmap.period_start, world.roadmap.period_end)


def test_the_indicator_export_loads_back_as_unchanged_values(world, reported):
    _, body = get(world.client("coordinator"), reverse("exchange_campaign_export", args=[world.campaign.code, "indicators", "xlsx"]))
    result = import_indicators(body, "values.xlsx", world.users["coordinator"], coordinated_schools(world.users["coordinator"]), world.campaign)
    assert result.committed and (result.created, result.updated, result.unchanged) == (0, 0, 1)


def test_the_exchange_page_lists_exports_and_imports_by_role(world):
    body = world.client("coordinator").get(reverse("exchange")).content.decode()
    assert reverse("exchange_indicator_import") in body and reverse("exchange_roadmap_import") in body
    assert reverse("exchange_export", args=["audit", "xlsx"]) in body
    assert reverse("exchange_campaign_export", args=[world.campaign.code, "reports", "xlsx"]) in body
    body = world.client("head").get(reverse("exchange")).content.decode()
    assert reverse("exchange_roadmap_import") in body and reverse("exchange_indicator_import") not in body
    assert reverse("exchange_export", args=["audit", "xlsx"]) not in body
    body = world.client("outsider").get(reverse("exchange")).content.decode()
    assert reverse("exchange_roadmap_import") not in body and "Загружать данные могут" in body


def test_the_pages_link_to_their_exports_and_imports(world):
    body = world.client("head").get(reverse("school_detail", args=[world.a1.pk])).content.decode()
    assert reverse("exchange_export", args=["roadmaps", "xlsx"]) + f"?school={world.a1.pk}" in body
    assert reverse("exchange_roadmap_import") + f"?school={world.a1.pk}" in body
    body = world.client("observer").get(reverse("school_detail", args=[world.a1.pk])).content.decode()
    assert reverse("exchange_roadmap_import") not in body
    body = world.client("coordinator").get(reverse("school_list")).content.decode()
    assert reverse("exchange_export", args=["schools", "xlsx"]) in body and reverse("exchange") in body
    body = world.client("coordinator").get(reverse("campaign_detail", args=[world.campaign.code])).content.decode()
    assert reverse("exchange_campaign_export", args=[world.campaign.code, "reports", "xlsx"]) in body
    assert reverse("exchange_indicator_import") + f"?campaign={world.campaign.code}" in body
    body = world.client("head").get(reverse("campaign_detail", args=[world.campaign.code])).content.decode()
    assert reverse("exchange_indicator_import") not in body
