"""Small hostile uploads (issue 15, fault 3) are refused early or stopped by the reading process's limits,
with the documented Russian message, and never take the server's memory or time."""

from __future__ import annotations

import resource
import time

import pytest

from shnor.core.documents import DocumentError, read_document
from shnor.core.documents.bounded import Limits, ReadingCrashed, ReadLimitExceeded, run_bounded
from shnor.core.sheets import Column, SheetError, read_table

from . import hostile

LIMITS = Limits(memory_mb=256, seconds=10)
COLUMNS = [Column("code", "Код школы", required=True), Column("value", "Значение")]


def bounded(work, *args):
    """`work(*args)` under LIMITS; the limit must not be what stopped it."""
    try:
        return run_bounded(work, *args, limits=LIMITS, filename="test")
    except ReadLimitExceeded:
        pytest.fail("the reader ran out of memory or time instead of refusing the file itself")


def test_it_refuses_an_xlsx_that_declares_a_million_rows_without_reading_them():
    data = hostile.xlsx_with_a_far_row()
    assert len(data) < 10_000
    started = time.monotonic()
    with pytest.raises(SheetError, match="больше 100\u00a0000 строк"):
        bounded(read_table, data, "pokazateli.xlsx", COLUMNS)
    assert time.monotonic() - started < 5


def test_it_reads_an_xlsx_whose_far_cell_is_beyond_the_columns_it_reads():
    data = hostile.xlsx_with_a_far_row(dimension="A1:C2")
    rows = bounded(read_table, data, "pokazateli.xlsx", COLUMNS)
    assert [row.values for row in rows] == [{"code": 1, "value": 40}]


def test_it_refuses_a_pdf_page_that_inflates_far_beyond_its_size_before_inflating_it():
    data = hostile.pdf_with_a_huge_stream(64)
    assert len(data) < 200 * 1024
    with pytest.raises(DocumentError, match="слишком много места"):
        bounded(read_document, data, "spravka.pdf")


def test_it_stops_reading_a_pdf_of_two_million_glyphs_at_the_time_limit():
    started = time.monotonic()
    with pytest.raises(ReadLimitExceeded, match="слишком большой или повреждённый файл"):
        run_bounded(read_document, hostile.pdf_with_many_glyphs(), "glyphs.pdf", limits=Limits(256, 2), filename="glyphs.pdf")
    assert time.monotonic() - started < 5


@pytest.mark.parametrize("name", ["shkoly.csv", "otchet.csv"])
def test_it_refuses_a_20_mb_csv_of_separators_by_its_size(name):
    data = hostile.csv_of_separators(20)
    with pytest.raises(DocumentError, match="слишком большой"):
        bounded(read_table, data, name, COLUMNS)
    with pytest.raises(DocumentError, match="слишком большой"):
        bounded(read_document, data, name)


def test_it_reads_a_csv_of_separators_under_the_size_limit_quickly_and_finds_nothing():
    with pytest.raises(SheetError, match="строка заголовков"):
        bounded(read_table, hostile.csv_of_separators(2), "shkoly.csv", COLUMNS)
    with pytest.raises(DocumentError, match="нет текста"):
        bounded(read_document, hostile.csv_of_separators(2), "otchet.csv")


def test_it_refuses_a_text_file_of_millions_of_lines():
    with pytest.raises(DocumentError, match="больше 200\u00a0000 строк"):
        bounded(read_document, b"\n" * 300_000 + "отчёт".encode(), "otchet.txt")


def _allocate(megabytes: int) -> int:
    return len(bytearray(megabytes * 1024 * 1024))


def _sleep(seconds: float) -> None:
    time.sleep(seconds)


def _refuse() -> None:
    raise DocumentError("Файл не подходит.")


def _fail() -> None:
    raise ValueError("a bug")


def test_the_reading_process_returns_the_result_of_its_work():
    assert run_bounded(_allocate, 10, limits=LIMITS, filename="x") == 10 * 1024 * 1024


def test_the_reading_process_is_stopped_at_its_memory_limit_and_the_server_is_not():
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(ReadLimitExceeded, match="«otchet.docx»: слишком большой или повреждённый файл"):
        run_bounded(_allocate, 2048, limits=Limits(128, 10), filename="otchet.docx")
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 100 * 1024  # KB


def test_the_reading_process_is_killed_at_its_time_limit():
    started = time.monotonic()
    with pytest.raises(ReadLimitExceeded):
        run_bounded(_sleep, 30, limits=Limits(128, 1), filename="otchet.docx")
    assert time.monotonic() - started < 3


def test_a_document_error_of_the_work_reaches_the_caller_as_it_is():
    with pytest.raises(DocumentError, match="Файл не подходит.") as caught:
        run_bounded(_refuse, limits=LIMITS, filename="x")
    assert not isinstance(caught.value, ReadLimitExceeded)


def test_any_other_failure_of_the_work_is_reported_with_its_traceback():
    with pytest.raises(ReadingCrashed, match="ValueError: a bug"):
        run_bounded(_fail, limits=LIMITS, filename="x")
