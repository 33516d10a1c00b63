"""XLSX: a report → Document (each sheet's used range as a table, titles above it and notes below it as
paragraphs); an exchange file → rows (`read_rows`); a table → a workbook (`write`, `stream`).

Read-only mode streams the sheet, so a sheet whose declared dimension is A1:XFD1048576 costs only its real rows.
In read-only mode a merged range keeps its value in the top-left cell only, which is exactly the de-duplication
we want; nothing else needs to be done for merged cells.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import zipfile
from contextlib import contextmanager
from decimal import Decimal
from io import BytesIO
from typing import TYPE_CHECKING

import openpyxl
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from shnor.core.documents import FORMATS, Block, Document, DocumentError, check_size, check_zip_safety
from shnor.core.documents.lines import classify_line, clean
from shnor.core.russian import format_decimal
from shnor.core.text import strip_controls

if TYPE_CHECKING:
    from shnor.core.sheets import Table

MAX_ROWS = 20_000  # of a report's sheet: more are not read (with a warning)
MAX_COLUMNS = 200
MAX_TABLE_ROWS = 100_000  # of an exchange file: more are refused
EXCEL_MAX_ROWS = 1_048_576


def read(data: bytes, filename: str) -> Document:
    document = Document(source=filename, format="xlsx", blocks=[], warnings=[])
    with _workbook(data, filename) as workbook:
        for sheet in workbook.worksheets:
            if getattr(sheet, "sheet_state", "visible") != "visible":
                continue
            _read_sheet(sheet, document)
    return document


def _read_sheet(sheet, document: Document) -> None:
    if hasattr(sheet, "reset_dimensions"):
        sheet.reset_dimensions()  # do not trust the stored dimension; it pads every row to its width
    rows: list[list[str]] = []
    for number, cells in enumerate(sheet.iter_rows(), start=1):
        if number > MAX_ROWS:
            document.warnings.append(
                f"На листе «{sheet.title}» больше {MAX_ROWS} строк; прочитаны первые {MAX_ROWS}."
            )
            break
        rows.append([cell_text(cell) for cell in cells[:MAX_COLUMNS]])
    rows = _drop_empty_columns(rows)
    filled = [i for i, row in enumerate(rows) if any(row)]
    if not filled:
        return
    multi = [i for i in filled if sum(1 for cell in rows[i] if cell) >= 2]
    name = sheet.title
    if not multi:  # prose typed one paragraph per row
        for i in filled:
            _paragraph(document, " ".join(cell for cell in rows[i] if cell), f"лист «{name}», строка {i + 1}")
        return
    first, last = multi[0], multi[-1]
    for i in filled:
        if i < first:
            _paragraph(document, " ".join(cell for cell in rows[i] if cell), f"лист «{name}», строка {i + 1}")
    # Notes under the table («Исполнитель: …») stay outside it when an empty row separates them.
    end = last
    while end + 1 < len(rows) and any(rows[end + 1]):
        end += 1
    table = [row for row in rows[first:end + 1] if any(row)]
    tables = sum(1 for block in document.blocks if block.kind == "table" and block.where.startswith(f"лист «{name}»"))
    document.blocks.append(
        Block(kind="table", text="", index=len(document.blocks), where=f"лист «{name}», таблица {tables + 1}",
              rows=_trim_width(table), first_row=first + 1)
    )
    for i in filled:
        if i > end:
            _paragraph(document, " ".join(cell for cell in rows[i] if cell), f"лист «{name}», строка {i + 1}")


def _paragraph(document: Document, text: str, where: str) -> None:
    text = clean(text)
    if not text:
        return
    line = classify_line(text)
    document.blocks.append(
        Block(kind=line.kind, text=line.text, index=len(document.blocks), where=where, level=line.level, marker=line.marker)
    )


def _drop_empty_columns(rows: list[list[str]]) -> list[list[str]]:
    width = max((len(row) for row in rows), default=0)
    keep = [j for j in range(width) if any(j < len(row) and row[j] for row in rows)]
    return [[row[j] if j < len(row) else "" for j in keep] for row in rows]


def _trim_width(rows: list[list[str]]) -> list[list[str]]:
    width = max((len(row) for row in rows), default=0)
    return [row + [""] * (width - len(row)) for row in rows]


def cell_text(cell) -> str:
    value = getattr(cell, "value", None)
    if value is None:
        return ""
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, bool):
        return "да" if value else "нет"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.strftime("%d.%m.%Y")
        return value.strftime("%d.%m.%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, int | float):
        number_format = getattr(cell, "number_format", "") or ""
        if "%" in number_format:
            return _number(value * 100) + " %"
        return _number(value)
    return clean(str(value))


def _number(value: float) -> str:
    if isinstance(value, int) or float(value).is_integer():
        return str(int(value))
    return f"{value:.6f}".rstrip("0").rstrip(".").replace(".", ",")


@contextmanager
def _workbook(data: bytes, filename: str):
    """The workbook, read-only, after the size and zip-bomb checks: the one place a workbook is opened."""
    limits = FORMATS["xlsx"]
    check_size(data, filename, limits.max_bytes)
    broken = DocumentError(
        f"Файл «{filename}» не открывается как книга Excel: он повреждён, защищён паролем или это другой формат. "
        "Сохраните его в Excel как «Книга Excel (.xlsx)»."
    )
    if not zipfile.is_zipfile(BytesIO(data)):
        raise broken
    check_zip_safety(data, filename, limits.max_unzipped_bytes)
    try:
        workbook = openpyxl.load_workbook(BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 — openpyxl raises anything on a broken file
        raise broken from None
    try:
        yield workbook
    finally:
        workbook.close()


def read_rows(data: bytes, filename: str) -> list[list[object]]:
    """The first sheet's rows as values (numbers, dates and texts as Excel holds them), with row numbers kept:
    empty rows stay as empty lists. At most MAX_COLUMNS columns are read; a sheet with content below row
    MAX_TABLE_ROWS is refused, whatever its declared dimension says."""
    with _workbook(data, filename) as workbook:
        sheet = workbook.worksheets[0]
        if (sheet.max_row or 0) > MAX_TABLE_ROWS:  # the stored dimension, as Excel writes it: the used range
            raise _too_many_rows(filename)
        # Nor is it trusted further: A1:XFD1048576 would pad every row to 16,384 cells.
        sheet.reset_dimensions()
        rows: list[list[object]] = []
        blank = None  # openpyxl fills a gap between rows with one shared empty tuple: seen once, skipped fast
        try:
            for number, values in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True), start=1):
                filled = values is not blank and any(value not in (None, "") for value in values)
                if not filled:
                    blank = values
                if number > MAX_TABLE_ROWS:
                    if filled:
                        raise _too_many_rows(filename)
                    continue
                rows.append(list(values) if filled else [])
        except DocumentError:
            raise
        except Exception:  # noqa: BLE001
            raise DocumentError(
                f"Лист в файле «{filename}» повреждён и не читается. Сохраните файл заново в Excel и загрузите снова."
            ) from None
        while rows and not rows[-1]:
            rows.pop()
        return rows


def _too_many_rows(filename: str) -> DocumentError:
    return DocumentError(
        f"В файле «{filename}» больше {format_decimal(MAX_TABLE_ROWS, 0)} строк. "
        "Разделите таблицу на несколько файлов или удалите лишние строки внизу листа (выделите их и удалите)."
    )


def write(table: Table, *, zone: dt.tzinfo | None = None, mark_required: bool = False):
    """The table as an XLSX in a temporary file (rewound), written in openpyxl's write-only mode, so that a
    campaign of 200,000 entries never sits in memory. Texts are always texts: «=…» never becomes a formula."""
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet(_sheet_title(table.title))
    for i, col in enumerate(table.columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = col.width
    for note in table.notes:
        cell = _text_cell(ws, note)
        cell.font = Font(italic=True)
        ws.append([cell])
    header_fill = PatternFill("solid", fgColor="DDE6F0")
    header = []
    for col in table.columns:
        cell = _text_cell(ws, col.title + (" *" if mark_required and col.required else ""))
        cell.font = Font(bold=True)
        cell.fill = header_fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        header.append(cell)
    ws.freeze_panes = f"A{len(table.notes) + 2}"
    ws.append(header)
    written = len(table.notes) + 1
    for row in table.rows:
        if written >= EXCEL_MAX_ROWS - 1:
            ws.append(["Таблица не поместилась на лист Excel: выгрузите её в CSV или сузьте выборку."])
            break
        ws.append([_cell(ws, value, zone) for value in row])
        written += 1
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
    wb.save(out)
    out.seek(0)
    return out


def write_bytes(table: Table, **options) -> bytes:
    with write(table, **options) as f:
        return f.read()


def _sheet_title(title: str) -> str:
    # Excel forbids []:*?/\ in sheet names.
    return "".join(" " if ch in "[]:*?/\\" else ch for ch in strip_controls(title))[:31] or "Лист1"


def _text_cell(ws, text: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=strip_controls(text))
    cell.data_type = "s"  # openpyxl would store a text starting with «=» as a formula
    return cell


def _cell(ws, value, zone: dt.tzinfo | None):
    """Excel takes dates, numbers and texts; everything else becomes text."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(zone).replace(tzinfo=None)  # Excel has no time zones
        cell = WriteOnlyCell(ws, value=value)
        cell.number_format = "DD.MM.YYYY HH:MM"
        return cell
    if isinstance(value, dt.date):
        cell = WriteOnlyCell(ws, value=value)
        cell.number_format = "DD.MM.YYYY"
        return cell
    if value is None or isinstance(value, int | float):
        return value
    if isinstance(value, Decimal):
        return float(value)
    return _text_cell(ws, str(value))
