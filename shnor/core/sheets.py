"""Tabular exchange files (XLSX and CSV) that the system itself provides as templates and exports.

`read_table` turns an uploaded file into rows keyed by our column keys, whatever the order of the columns;
a `Table` is what the exports and the empty templates write (with `shnor.core.documents.xlsx.write` and
`shnor.core.documents.csv.stream`, the one writer of each format). Every failure is a `SheetError` with a
Russian message that says what to fix.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from shnor.core.documents import DocumentError, format_of
from shnor.core.documents.bounded import Limits, ReadingCrashed, run_bounded
from shnor.core.text import strip_controls

log = logging.getLogger(__name__)


class SheetError(DocumentError):
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


@dataclass
class Table:
    """What an export or a template writes: a title, columns, rows (an iterable, consumed once), notes above the
    header."""

    name: str  # file name stem, Latin: «test-2021-h2-reports»
    title: str  # sheet title, Russian
    columns: Sequence[Column]
    rows: Iterable[Sequence[object]]
    notes: Sequence[str] = ()


def read_table(data: bytes, filename: str, columns: Sequence[Column], *, limits: Limits | None = None) -> list[SheetRow]:
    """Rows of the first sheet (XLSX) or of a CSV (UTF-8 or Windows-1251, ';' or ','); with `limits`, the file
    is read in a child process under them."""
    if limits is not None:
        try:
            return run_bounded(read_table, data, filename, columns, limits=limits, filename=filename)
        except ReadingCrashed as exc:
            log.error("reading %s failed: %s", filename, exc)
            raise SheetError(f"Файл «{filename}» не удалось прочитать. Сохраните его заново в Excel и загрузите снова.") from None
        except SheetError:
            raise
        except DocumentError as exc:  # a limit exceeded
            raise SheetError(exc.message) from None
    from shnor.core.documents import csv, xlsx

    if not data:
        raise SheetError("Файл пустой.")
    claimed = format_of(filename)
    try:
        if claimed is not None and claimed.name == "csv":
            grid = csv.read_rows(data, filename)
        elif (claimed is not None and claimed.name == "xlsx") or data[:2] == b"PK":
            grid = xlsx.read_rows(data, filename)
        else:
            raise SheetError("Нужен файл Excel (.xlsx) или CSV. Скачайте шаблон и заполните его.")
    except SheetError:
        raise
    except DocumentError as exc:
        raise SheetError(exc.message) from None
    return _rows(grid, columns)


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
        value = " ".join(strip_controls(value).split())
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
