"""Property tests: whatever the content, every reader and parser answers with its result or the documented
DocumentError, within the reading limits of the server (issue 15: «keep the probe's kind of testing»).

Each test runs whole in a child process under the same kind of limits uploads are read with
(`run_bounded`): a reader that ran away with memory or time fails the test as ReadLimitExceeded, and each
example also has a deadline.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import re

import docx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shnor.core.documents import Document, DocumentError, read_document
from shnor.core.documents import xlsx as xlsx_format
from shnor.core.documents.bounded import Limits, run_bounded
from shnor.core.periods import Period, find_periods, parse_period
from shnor.core.reading.evidence import find_evidence
from shnor.core.reading.evidence import parse_date as evidence_date
from shnor.core.reading.indicators import find_indicators
from shnor.core.reading.quantities import find_quantities
from shnor.core.reading.status import read_status
from shnor.core.russian import parse_decimal
from shnor.core.sheets import Column, SheetError, Table, read_table
from shnor.core.text import strip_controls

from .documents import hostile

LIMITS = Limits(memory_mb=512, seconds=120)
CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)
FAST = settings(max_examples=50, deadline=dt.timedelta(seconds=5), suppress_health_check=[HealthCheck.too_slow])
COLUMNS = [Column("code", "Код школы", required=True), Column("name", "Показатель"), Column("value", "Значение")]

# Words the parsers look for, so that examples reach their branches and not only their first check.
FRAGMENTS = [
    "октябрь", "Октябрь 2020", "2021", "2021/2022", "2021-2022", "уч. г.", "г.", "года", "до", "с", "по", "01.12.2023",
    "31.02.2023", "в течение", "учебного года", "I полугодие", "II четверть", "ежемесячно", "постоянно", "–", "-", "—",
    "1000000000000000000000", "0,5", "-15", "250", "%", "чел.", "человек", "педагогов", "из", "школ", "16 (100%)",
    "Качество знаний", "успеваемость", "составило", "приказ №", "12-о", "от", "https://school.ru/doc", "выполнено",
    "не выполнено", "в процессе", "ОГЭ", "ВПР", "\x01", "\t", "\n", "(", ")", "«", "»", "№", "99999999999999999999",
]
texts = st.one_of(
    st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=12), max_size=25).map(" ".join),
    st.text(max_size=300),
)


def under_read_limits(test):
    """Run the whole hypothesis test in a child process under LIMITS."""
    @functools.wraps(test)
    def bounded(*args):
        run_bounded(test, *args, limits=LIMITS, filename=test.__name__)

    return bounded


def _document_or_error(data: bytes, name: str) -> None:
    try:
        document = read_document(data, name)
    except DocumentError as error:
        assert CYRILLIC.search(error.message), error.message
    else:
        assert isinstance(document, Document) and document.blocks


# Parsers of text: they never raise.

@under_read_limits
@FAST
@given(text=texts, context=st.none() | st.dates(dt.date(1990, 1, 1), dt.date(2100, 1, 1)))
def test_periods_parse_any_text(text, context):
    assert isinstance(parse_period(text, context), Period)
    assert all(isinstance(p, Period) for p in find_periods(text, context))


@under_read_limits
@FAST
@given(text=texts)
def test_numbers_and_quantities_parse_any_text(text):
    parse_decimal(text)
    for quantity in find_quantities(text):
        assert quantity.value.is_finite()


@under_read_limits
@FAST
@given(text=texts)
def test_indicators_evidence_and_statuses_parse_any_text(text):
    find_indicators(text, "абзац 1")
    find_evidence(text)
    evidence_date(text)
    read_status(text)


# Readers of documents: a Document or the documented DocumentError.

@under_read_limits
@FAST
@given(text=texts, encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1251", "koi8_r"]),
       name=st.sampled_from(["otchet.txt", "otchet.csv", "otchet.tsv"]))
def test_text_and_csv_documents(text, encoding, name):
    _document_or_error(text.encode(encoding, errors="replace"), name)


cells = st.one_of(st.none(), texts, st.integers(-10**20, 10**20), st.floats(allow_nan=False, allow_infinity=False),
                  st.dates(dt.date(1900, 1, 1), dt.date(2100, 1, 1)))
grids = st.lists(st.lists(cells, max_size=6), max_size=12)


@under_read_limits
@FAST
@given(grid=grids, header=st.booleans())
def test_xlsx_documents_and_tables(grid, header):
    rows = ([["Код школы", "Показатель", "Значение"]] if header else []) + grid
    data = xlsx_format.write_bytes(Table("t", "Лист", [Column("a", "А")], rows))
    _document_or_error(data, "otchet.xlsx")
    try:
        read_table(data, "pokazateli.xlsx", COLUMNS)
    except SheetError as error:
        assert CYRILLIC.search(error.message)


@under_read_limits
@FAST
@given(grid=st.lists(st.lists(texts, max_size=5), max_size=10), separator=st.sampled_from([";", ",", "\t"]))
def test_csv_tables(grid, separator):
    text = "\n".join(separator.join(row) for row in [["Код школы", "Показатель", "Значение"], *grid])
    try:
        read_table(text.encode("utf-8"), "pokazateli.csv", COLUMNS)
    except SheetError as error:
        assert CYRILLIC.search(error.message)


@under_read_limits
@FAST
@given(paragraphs=st.lists(texts, max_size=8), table=st.lists(st.lists(texts, min_size=2, max_size=2), max_size=4))
def test_docx_documents(paragraphs, table):
    word = docx.Document()
    for text in paragraphs:
        word.add_paragraph(strip_controls(text))
    if table:
        grid = word.add_table(rows=len(table), cols=2)
        for r, row in enumerate(table):
            for c, text in enumerate(row):
                grid.cell(r, c).text = strip_controls(text)
    buffer = io.BytesIO()
    word.save(buffer)
    _document_or_error(buffer.getvalue(), "otchet.docx")


@under_read_limits
@FAST
@given(text=st.text(alphabet=st.characters(max_codepoint=255), max_size=400))
def test_pdf_documents(text):
    _document_or_error(hostile.pdf_text(text), "spravka.pdf")
