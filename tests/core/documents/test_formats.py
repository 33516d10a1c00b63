"""One registry of formats: every format's name, extensions, limits, reader and (for tables) writer in one place;
text made safe for the files we write."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from shnor.core.documents import (
    ACCEPTED_EXTENSIONS,
    FORMATS,
    accepted_formats,
    csv,
    format_of,
    read_document,
    xlsx,
)
from shnor.core.sheets import Column, Table, read_table
from shnor.core.text import shorten_file_name, strip_controls, strip_controls_in


def test_every_format_is_registered_once_with_its_extensions_and_limits():
    assert list(FORMATS) == ["docx", "xlsx", "pdf", "txt", "csv"]
    assert ACCEPTED_EXTENSIONS == (".docx", ".docm", ".xlsx", ".xlsm", ".pdf", ".txt", ".csv", ".tsv")
    assert all(f.max_bytes > 0 for f in FORMATS.values())
    assert [name for name, f in FORMATS.items() if f.max_unzipped_bytes] == ["docx", "xlsx"]
    assert accepted_formats() == "DOCX, XLSX, PDF с текстом, TXT или CSV"


@pytest.mark.parametrize("name, fmt", [("a.DOCM", "docx"), ("отчёт.xlsm", "xlsx"), ("a.tsv", "csv"), ("a.txt", "txt"),
                                       ("a.doc", None), ("без_расширения", None)])
def test_a_file_name_claims_its_format_by_extension(name, fmt):
    claimed = format_of(name)
    assert (claimed.name if claimed else None) == fmt


def test_a_csv_report_is_read_as_a_table():
    data = "№;Мероприятие;Срок\n1;Семинар для учителей;октябрь 2023\n2;Педсовет;ноябрь 2023\n".encode("cp1251")
    document = read_document(data, "plan.csv")
    [table] = [b for b in document.blocks if b.kind == "table"]
    assert table.rows[1] == ["1", "Семинар для учителей", "октябрь 2023"]


COLUMNS = [Column("name", "Название", required=True), Column("value", "Значение")]


def test_what_the_writers_write_the_table_reader_reads_back():
    rows = [["Школа №1", 41.5], ["=1+1", Decimal("2.5")], ["-пункт", None]]
    table = Table("t", "Лист: [проверка]", COLUMNS, rows)
    from_xlsx = read_table(xlsx.write_bytes(table, mark_required=True), "t.xlsx", COLUMNS)
    assert [r.values for r in from_xlsx] == [{"name": "Школа №1", "value": 41.5}, {"name": "=1+1", "value": 2.5},
                                            {"name": "-пункт", "value": None}]
    from_csv = read_table(csv.write_bytes(Table("t", "Лист", COLUMNS, rows)), "t.csv", COLUMNS)
    assert [r.values["name"] for r in from_csv] == ["Школа №1", "=1+1", "-пункт"]  # neutralised on the way out only


def test_the_xlsx_writer_never_writes_a_formula_and_strips_control_characters():
    table = Table("t", "Лист", COLUMNS, [["=cmd|' /C calc'!A0", 1], ["a\x01b", dt.datetime(2021, 3, 1, 12, 30, tzinfo=dt.UTC)]],
                  notes=["=примечание"])
    sheet = load_workbook(io.BytesIO(xlsx.write_bytes(table, zone=dt.timezone(dt.timedelta(hours=3))))).worksheets[0]
    values = {cell.coordinate: (cell.value, cell.data_type) for row in sheet.iter_rows() for cell in row}
    assert values["A1"] == ("=примечание", "s")
    assert values["A3"] == ("=cmd|' /C calc'!A0", "s")
    assert values["A4"][0] == "ab"
    assert values["B4"][0] == dt.datetime(2021, 3, 1, 15, 30)


@pytest.mark.parametrize("text, cell", [("=SUM(A1)", "'=SUM(A1)"), ("+7", "'+7"), ("-15 %", "'-15 %"), ("@x", "'@x"),
                                        ("\tx", "'\tx"), ("\rx", "'\rx"), ("обычный", "обычный"), ("a\x00\x01b", "ab")])
def test_a_csv_cell_that_a_spreadsheet_would_run_is_neutralised(text, cell):
    assert csv.cell_text(text) == cell


def test_numbers_in_a_csv_stay_numbers():
    data = csv.write_bytes(Table("t", "t", COLUMNS, [["a", -15], ["b", Decimal("-2.50")], ["c", -0.5]])).decode("utf-8-sig")
    assert data.splitlines()[1:] == ["a;-15", "b;-2,5", "c;-0,5"]


def test_control_characters_are_stripped_except_tab_and_line_breaks():
    assert strip_controls("a\x00\x01\x08\x0b\x0c\x1b\x7f\x85\ud800b\t\n\r") == "ab\t\n\r"
    assert strip_controls_in({"a": ["x\x01", {"b": "y\x02"}], "n": 5}) == {"a": ["x", {"b": "y"}], "n": 5}


@pytest.mark.parametrize("name, options, expected", [
    ("отчёт.docx", {}, "отчёт.docx"),
    ("а" * 300 + ".docx", {"max_chars": 200}, "а" * 195 + ".docx"),
    ("а" * 130 + ".pdf", {"max_bytes": 120}, "а" * 58 + ".pdf"),
    ("без расширения " * 20, {"max_chars": 20}, "без расширения без р"),
    ("архив.tar.gz", {"max_chars": 8}, "архив.gz"),
])
def test_a_long_file_name_is_shortened_keeping_its_extension(name, options, expected):
    assert shorten_file_name(name, **options) == expected
