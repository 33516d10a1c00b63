"""Tabular exchange files (XLSX and CSV) that the system itself provides as templates.

`read_table` turns an uploaded file into rows keyed by our column keys, whatever the order of the
columns; `write_xlsx` / `write_csv` produce the exports and the empty templates. Every failure is a
`SheetError` with a Russian message that says what to fix.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

MAX_UNCOMPRESSED = 200 * 1024 * 1024


class SheetError(Exception):
    pass


@dataclass(frozen=True)
class Column:
    key: str
    title: str  # as printed in the template
    required: bool = False
    aliases: tuple[str, ...] = ()
    width: int = 20
    example: str = ""

    def matches(self, header: str) -> bool:
        h = _norm(header)
        return h == _norm(self.title) or h in {_norm(a) for a in self.aliases} or h == self.key


@dataclass
class SheetRow:
    number: int  # as the user sees it in Excel
    values: dict[str, object]
    errors: list[str] = field(default_factory=list)


def _norm(text: object) -> str:
    return " ".join(str(text or "").replace("ё", "е").replace("*", "").casefold().split()).strip(" .:")


def read_table(data: bytes, filename: str, columns: Sequence[Column]) -> list[SheetRow]:
    """Rows of the first sheet (XLSX) or of a CSV (UTF-8 or Windows-1251, ';' or ',')."""
    if not data:
        raise SheetError("Файл пустой.")
    name = filename.lower()
    if name.endswith(".csv"):
        grid = _csv_grid(data)
    elif name.endswith((".xlsx", ".xlsm")) or data[:2] == b"PK":
        grid = _xlsx_grid(data)
    else:
        raise SheetError("Нужен файл Excel (.xlsx) или CSV. Скачайте шаблон и заполните его.")
    return _rows(grid, columns)


def _xlsx_grid(data: bytes) -> list[list[object]]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            if sum(i.file_size for i in zf.infolist()) > MAX_UNCOMPRESSED:
                raise SheetError("Файл после распаковки слишком большой: похоже, он повреждён.")
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except SheetError:
        raise
    except Exception:
        raise SheetError("Файл не открывается как книга Excel: он повреждён, защищён паролем или это другой формат. "
                         "Сохраните его в Excel как «Книга Excel (.xlsx)».") from None
    try:
        ws = wb.worksheets[0]
        return [list(r) for r in ws.iter_rows(values_only=True)]
    finally:
        wb.close()


def _csv_grid(data: bytes) -> list[list[object]]:
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise SheetError("Не удалось определить кодировку CSV: сохраните файл в UTF-8 или Windows-1251.")
    dialect = csv.excel
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=";,\t")
    except csv.Error:
        pass
    return [list(r) for r in csv.reader(io.StringIO(text), dialect)]


def _rows(grid: list[list[object]], columns: Sequence[Column]) -> list[SheetRow]:
    header_at, mapping = _find_header(grid, columns)
    missing = [c.title for c in columns if c.required and c.key not in mapping.values()]
    if missing:
        raise SheetError("Не найдены обязательные столбцы: " + ", ".join(f"«{m}»" for m in missing)
                         + ". Проверьте заголовки: они должны быть как в шаблоне.")
    rows = []
    for offset, raw in enumerate(grid[header_at + 1:], start=header_at + 2):
        values = {key: _clean(raw[i]) if i < len(raw) else None for i, key in mapping.items()}
        if all(v in (None, "") for v in values.values()):
            continue
        rows.append(SheetRow(offset, values))
    if not rows:
        raise SheetError("В таблице нет ни одной заполненной строки под заголовками.")
    return rows


def _find_header(grid, columns) -> tuple[int, dict[int, str]]:
    best = (-1, {})
    for r, raw in enumerate(grid[:15]):
        mapping = {}
        for i, cell in enumerate(raw):
            for c in columns:
                if c.key not in mapping.values() and c.matches(str(cell or "")):
                    mapping[i] = c.key
                    break
        if len(mapping) > len(best[1]):
            best = (r, mapping)
    if best[0] < 0:
        raise SheetError("Не найдена строка заголовков. Используйте шаблон, который можно скачать на этой странице.")
    return best


def _clean(value):
    if isinstance(value, str):
        value = " ".join(value.split())
        return value or None
    if isinstance(value, datetime):
        return value.date()
    return value


def parse_date(value) -> date | None:
    """A date cell: a real Excel date, or text as ДД.ММ.ГГГГ / ГГГГ-ММ-ДД. Raises ValueError otherwise."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    for fmt in ("%d.%m.%Y", "%Y-%m-%d", "%d.%m.%y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"«{text}» — не дата; напишите в виде ДД.ММ.ГГГГ")


def write_xlsx(title: str, columns: Sequence[Column], rows: Sequence[Sequence[object]], *, notes: Sequence[str] = ()) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    start = 1
    for note in notes:
        ws.cell(row=start, column=1, value=note).font = Font(italic=True)
        start += 1
    header_fill = PatternFill("solid", fgColor="DDE6F0")
    for i, col in enumerate(columns, start=1):
        cell = ws.cell(row=start, column=i, value=col.title + (" *" if col.required else ""))
        cell.font = Font(bold=True)
        cell.fill = header_fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.column_dimensions[get_column_letter(i)].width = col.width
    for r, row in enumerate(rows, start=start + 1):
        for i, value in enumerate(row, start=1):
            cell = ws.cell(row=r, column=i, value=value)
            if isinstance(value, date):
                cell.number_format = "DD.MM.YYYY"
    ws.freeze_panes = ws.cell(row=start + 1, column=1)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def write_csv(columns: Sequence[Column], rows: Sequence[Sequence[object]]) -> bytes:
    """CSV for Excel users in Russia: UTF-8 with BOM, ';' as separator, dates as ДД.ММ.ГГГГ."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow([c.title for c in columns])
    for row in rows:
        writer.writerow([v.strftime("%d.%m.%Y") if isinstance(v, date) else ("" if v is None else v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
