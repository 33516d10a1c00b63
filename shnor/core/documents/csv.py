"""CSV: an exchange file → rows (`read_rows`); a report saved as CSV → Document (its rows as a table);
a table → CSV for Excel users in Russia (`stream`, `write_bytes`): UTF-8 with BOM, ';', dates ДД.ММ.ГГГГ.

The text is decoded by the TXT reader's `decode_text` (BOMs, UTF-8, then the most Russian-looking code page).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from decimal import Decimal
from typing import TYPE_CHECKING

from shnor.core.documents import FORMATS, Document, DocumentError, check_size
from shnor.core.documents.txt import decode_text, read_lines
from shnor.core.russian import format_decimal
from shnor.core.text import strip_controls

if TYPE_CHECKING:
    from shnor.core.sheets import Table

MAX_TABLE_ROWS = 100_000
MAX_COLUMNS = 200
MAX_FIELD = 100_000  # characters in one cell
# A cell starting with one of these is a formula to Excel and LibreOffice when they open a CSV.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def read(data: bytes, filename: str) -> Document:
    """A report saved as CSV: its records as tab-separated lines, which the TXT reader turns into a table."""
    rows = _records(_text(data, filename), filename)
    document = Document(source=filename, format="csv", blocks=[], warnings=[])
    read_lines(["\t".join(row) if len(row) > 1 else "".join(row) for row in rows], document)
    return document


def read_rows(data: bytes, filename: str) -> list[list[object]]:
    """The rows of an exchange file; empty rows stay as empty lists so that row numbers are the file's."""
    check_size(data, filename, FORMATS["csv"].max_bytes)
    rows = [[_unneutralised(cell) for cell in row] for row in _records(_text(data, filename), filename)]
    while rows and not rows[-1]:
        rows.pop()
    return rows


def _unneutralised(cell: str) -> str:
    """A cell as it was before `cell_text` neutralised it, so that an export loads back unchanged."""
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(FORMULA_STARTS) else cell


def _text(data: bytes, filename: str) -> str:
    text, _ = decode_text(data)
    return strip_controls(text.replace("\x00", ""))


def _records(text: str, filename: str) -> list[list[str]]:
    delimiter = ","
    try:
        # Only the delimiter is guessed: the sniffer takes the apostrophes of neutralised cells for quotes.
        delimiter = csv.Sniffer().sniff(text[:4096], delimiters=";,\t").delimiter
    except csv.Error:
        pass
    csv.field_size_limit(MAX_FIELD)
    rows: list[list[str]] = []
    try:
        for number, record in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=1):
            filled = any(cell.strip() for cell in record)
            if number > MAX_TABLE_ROWS and filled:
                raise DocumentError(
                    f"В файле «{filename}» больше {format_decimal(MAX_TABLE_ROWS, 0)} строк. "
                    "Разделите таблицу на несколько файлов или удалите лишние строки."
                )
            if number <= MAX_TABLE_ROWS:
                rows.append(record[:MAX_COLUMNS] if filled else [])
    except csv.Error:
        raise DocumentError(
            f"Файл «{filename}» не читается как CSV: в нём есть слишком длинная ячейка или незакрытая кавычка. "
            "Сохраните таблицу из Excel как «CSV (разделители — точка с запятой)»."
        ) from None
    return rows


class _Echo:
    def write(self, value):
        return value


def stream(table: Table, *, zone: dt.tzinfo | None = None) -> Iterator[bytes]:
    """The table row by row (a national export is never held in memory), in chunks of 2,000 rows."""
    writer = csv.writer(_Echo(), delimiter=";")
    yield ("\ufeff" + writer.writerow([cell_text(c.title) for c in table.columns])).encode("utf-8")
    batch = io.StringIO()
    for n, row in enumerate(table.rows, start=1):
        batch.write(writer.writerow([_value(v, zone) for v in row]))
        if n % 2000 == 0:
            yield batch.getvalue().encode("utf-8")
            batch = io.StringIO()
    yield batch.getvalue().encode("utf-8")


def write_bytes(table: Table, **options) -> bytes:
    return b"".join(stream(table, **options))


def cell_text(text: str) -> str:
    """A text as a CSV cell that no spreadsheet runs: without control characters, and with a leading apostrophe
    before «=», «+», «-», «@», a tab or a carriage return (the way OWASP recommends)."""
    text = strip_controls(text)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _value(value, zone: dt.tzinfo | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(zone)
        return value.strftime("%d.%m.%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, bool):
        return "да" if value else "нет"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float | Decimal):
        # Russian Excel reads «12,5» as a number and «12.5» as text (or a date).
        number = Decimal(str(value)) if isinstance(value, float) else value
        return format(number.normalize(), "f").replace(".", ",")
    return cell_text(str(value))
