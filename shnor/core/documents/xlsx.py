"""XLSX → Document: each sheet's used range as a table, titles above it and notes below it as paragraphs.

Read-only mode streams the sheet, so a sheet whose declared dimension is A1:XFD1048576 costs only its real rows.
In read-only mode a merged range keeps its value in the top-left cell only, which is exactly the de-duplication
we want; nothing else needs to be done for merged cells.
"""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import openpyxl

from shnor.core.documents import Block, Document
from shnor.core.documents.lines import classify_line, clean

MAX_ROWS = 20_000
MAX_COLUMNS = 200


def read(data: bytes, filename: str) -> Document:
    workbook = openpyxl.load_workbook(BytesIO(data), read_only=True, data_only=True)
    document = Document(source=filename, format="xlsx", blocks=[], warnings=[])
    try:
        for sheet in workbook.worksheets:
            if getattr(sheet, "sheet_state", "visible") != "visible":
                continue
            _read_sheet(sheet, document)
    finally:
        workbook.close()
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
