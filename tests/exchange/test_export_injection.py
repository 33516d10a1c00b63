"""Exports are data, never programs: a text that looks like a formula stays text, and control characters that
reached the database (from before they were stripped on input) neither break a file nor answer 500."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from shnor.audit.log import record
from shnor.monitoring import workflow
from shnor.monitoring.workflow import EntryChange

from .test_exports import csv_rows, get

FORMULA = "=cmd|' /C calc'!A0 проведён семинар"


def add_entry(world, title: str) -> None:
    report = workflow.open_report(world.campaign, world.a1)
    workflow.save_report(report, world.users["head"], report.version, [EntryChange(None, title, "done", "+7 участников")])


def cells(data: bytes) -> list:
    return [cell for row in load_workbook(io.BytesIO(data)).worksheets[0].iter_rows() for cell in row]


def test_a_formula_title_is_text_in_the_reports_xlsx(world):
    add_entry(world, FORMULA)
    status, body = get(world.client("coordinator"), reverse("exchange_campaign_export", args=[world.campaign.code, "reports", "xlsx"]))
    assert status == 200
    [cell] = [c for c in cells(body) if c.value == FORMULA]
    assert cell.data_type == "s"
    assert not any(c.data_type == "f" for c in cells(body))


def test_a_formula_title_is_neutralised_in_the_reports_csv(world):
    add_entry(world, FORMULA)
    status, body = get(world.client("coordinator"), reverse("exchange_campaign_export", args=[world.campaign.code, "reports", "csv"]))
    assert status == 200
    values = [value for row in csv_rows(body) for value in row]
    assert "'" + FORMULA in values and FORMULA not in values
    assert "'+7 участников" in values
    assert not any(value.startswith(("=", "+", "-", "@")) for value in values)


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_control_character_in_a_title_does_not_break_the_reports_export(world, fmt):
    add_entry(world, "Семинар\x01 для учителей\x1b")
    status, body = get(world.client("coordinator"), reverse("exchange_campaign_export", args=[world.campaign.code, "reports", fmt]))
    assert status == 200
    texts = [str(c.value) for c in cells(body)] if fmt == "xlsx" else [v for row in csv_rows(body) for v in row]
    assert "Семинар для учителей" in texts


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_control_character_in_an_audit_event_does_not_break_the_audit_export(world, fmt):
    record(world.users["coordinator"], "report.save", None, "=HYPERLINK(\"http://evil\")\x01\x08 изменён отчёт", region=world.region)
    status, body = get(world.client("coordinator"), reverse("exchange_export", args=["audit", fmt]))
    assert status == 200
    texts = [str(c.value) for c in cells(body)] if fmt == "xlsx" else [v for row in csv_rows(body) for v in row]
    assert any("изменён отчёт" in text for text in texts)
    assert not any("\x01" in text for text in texts)


def test_the_campaign_page_export_is_written_by_the_same_writer(world):
    add_entry(world, FORMULA)
    response = world.client("coordinator").get(reverse("export_table", args=[world.campaign.code, "completeness", "csv"]))
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    response = world.client("coordinator").get(reverse("export_table", args=[world.campaign.code, "completeness", "xlsx"]))
    rows = list(load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows(values_only=True))
    assert rows[0][0] == f"{world.campaign.title} ({world.campaign.period_label()})"
