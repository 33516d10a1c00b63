"""Export formats: one writer per format, registered in FORMATS.

Unlike `shnor.core.sheets.write_xlsx` (which builds a small workbook in memory for templates), these
writers stream: XLSX through openpyxl's write-only mode into a temporary file, CSV row by row into the
response. A campaign of 5,000 schools has 200,000 report entries; neither format holds them in memory.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from shnor.core.sheets import Column

EXCEL_MAX_ROWS = 1_048_576


@dataclass
class Table:
    """What an export produces: a title, columns, rows (an iterable, consumed once) and notes above the header."""

    name: str  # file name stem, Latin: «test-2021-h2-reports»
    title: str  # sheet title, Russian
    columns: Sequence[Column]
    rows: Iterable[Sequence[object]]
    notes: Sequence[str] = ()


def _plain(value):
    """Excel takes dates, numbers and text; everything else becomes text."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        return timezone.localtime(value).replace(tzinfo=None)  # Excel has no time zones
    if value is None or isinstance(value, (str, int, float, date)):
        return value
    if isinstance(value, Decimal):
        return float(value)
    return str(value)


def xlsx_file(table: Table):
    """The table as an XLSX in a temporary file (rewound), written in openpyxl's write-only mode."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(table.title[:31])
    for i, col in enumerate(table.columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = col.width
    for note in table.notes:
        cell = WriteOnlyCell(ws, value=note)
        cell.font = Font(italic=True)
        ws.append([cell])
    header_fill = PatternFill("solid", fgColor="DDE6F0")
    header = []
    for col in table.columns:
        cell = WriteOnlyCell(ws, value=col.title)
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
        values = []
        for value in row:
            value = _plain(value)
            if isinstance(value, date):
                cell = WriteOnlyCell(ws, value=value)
                cell.number_format = "DD.MM.YYYY HH:MM" if isinstance(value, datetime) else "DD.MM.YYYY"
                values.append(cell)
            else:
                values.append(value)
        ws.append(values)
        written += 1
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
    wb.save(out)
    out.seek(0)
    return out


def xlsx_bytes(table: Table) -> bytes:
    with xlsx_file(table) as f:
        return f.read()


class _Echo:
    def write(self, value):
        return value


def csv_chunks(table: Table) -> Iterator[bytes]:
    """CSV for Excel users in Russia: UTF-8 with BOM, ';', dates ДД.ММ.ГГГГ, decimal comma in numbers."""
    writer = csv.writer(_Echo(), delimiter=";")
    yield ("\ufeff" + writer.writerow([c.title for c in table.columns])).encode("utf-8")
    batch = io.StringIO()
    for n, row in enumerate(table.rows, start=1):
        batch.write(writer.writerow([_csv_value(v) for v in row]))
        if n % 2000 == 0:
            yield batch.getvalue().encode("utf-8")
            batch = io.StringIO()
    yield batch.getvalue().encode("utf-8")


def csv_bytes(table: Table) -> bytes:
    return b"".join(csv_chunks(table))


def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return _plain(value).strftime("%d.%m.%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, bool):
        return "да" if value else "нет"
    if isinstance(value, (float, Decimal)):
        # Russian Excel reads «12,5» as a number and «12.5» as text (or a date).
        text = format(Decimal(str(value)).normalize(), "f") if isinstance(value, float) else format(value.normalize(), "f")
        return text.replace(".", ",")
    return str(value)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = {"xlsx": XLSX, "csv": "text/csv; charset=utf-8"}
