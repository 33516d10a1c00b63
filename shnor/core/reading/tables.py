"""A table block → activities (or indicators, or a list of schools), whatever its headers.

Row kinds under the header: a section row (one text across the row: «Подпрограмма 1 «…»», «1. Работа с
педагогами») names the section of the rows below it; a row with an empty № whose cells continue the previous
row's texts is the rest of that row cut by a page break; other rows are activities.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from shnor.core.documents import Block
from shnor.core.reading.columns import Columns, find_header, is_column_numbers
from shnor.core.reading.indicators import table_indicators
from shnor.core.reading.labels import risk_code
from shnor.core.reading.model import Draft, IndicatorMention, Statement
from shnor.core.reading.schools import is_bare_school_name
from shnor.core.reading.signature import is_signature_row

_NUMBERED = re.compile(r"^\s*\d{1,3}(?:\.\d{1,3})*\.?\s*$")
_TOTAL = re.compile(r"^\s*(итого|всего)\b", re.IGNORECASE)
_SECTION_WORDS = re.compile(
    r"^\s*(?:подпрограмм|направлени|раздел|блок|задач|модул|этап|цель|[IVX]+\.|\d{1,2}\.\s+[А-ЯЁ])", re.IGNORECASE
)


_SECTION_ROW = re.compile(r"^\s*(?:подпрограмм\w*|направлени[ея]|раздел|блок|модуль)\s*(?:№\s*)?(?:\d|[IVX]+\b)", re.IGNORECASE)
# The name of a direction of work rather than of an activity: «Работа с педагогами», «Организационно-управленческие
# меры», «Методическая работа», «Кадровое обеспечение».
_DIRECTION_TITLE = re.compile(
    r"^(?:работа\s+с\s+[а-яё]+(?:\s+[а-яё]+){0,2}|(?:[а-яё]+(?:-[а-яё]+)?(?:ая|ие|ое|ые)\s+){1,2}"
    r"(?:меры|работа|деятельность|обеспечение|сопровождение|условия|направление))[:.]?$",
    re.IGNORECASE,
)
_CONTENT_ROLES = ("actual", "expected", "deadline", "responsible", "status", "evidence", "indicator", "reason")


def _read_recommendations(block: Block, columns: Columns, body_start: int, result: TableResult) -> None:
    header = columns.names[columns.roles["recommendation"]].casefold()
    kind = "decision" if "решени" in header else "recommendation"
    addressee = ""
    for i, cells in enumerate(block.rows or []):
        if i < body_start or is_column_numbers(cells):
            continue
        # An addressee cell merged down the rows of its recommendations is written once.
        addressee = _one_line(columns.get(cells, "addressee") or columns.get(cells, "responsible")) or addressee
        text = _one_line(columns.get(cells, "recommendation"))
        if not text:
            continue
        where = f"{block.where}, строка {block.first_row + i}"
        result.recommendations.append(
            (Statement(kind=kind, text=text, where=where, addressee=addressee.rstrip(":")), columns.get(cells, "deadline")))


def _risk_name(text: str) -> str:
    """«Риск 2. Дефицит педагогических кадров» → «Дефицит педагогических кадров»."""
    return re.sub(r"^(?:риск\s*(?:№\s*)?\d*|\d{1,2})\s*[.:)–—-]?\s*", "", text, flags=re.IGNORECASE) or text


@dataclass
class TableResult:
    activities: list[Draft] = field(default_factory=list)
    indicators: list[IndicatorMention] = field(default_factory=list)
    school_names: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    risks: list[Statement] = field(default_factory=list)  # a risk profile's risks, each once
    # Recommendations or decisions of a table «Адресат | Рекомендация | Срок», with the deadline cell as written.
    recommendations: list[tuple[Statement, str]] = field(default_factory=list)


@dataclass
class _Row:
    cells: list[str]
    index: int  # position in block.rows


def read_table(block: Block, corrections: dict | None = None) -> TableResult:
    rows = [list(row) for row in block.rows or [] if any(cell.strip() for cell in row)]
    result = TableResult()
    if not rows:
        return result
    columns = find_header(block.rows or [])
    if not columns.roles:
        return _without_header(block, result)
    roles = columns.roles
    body_start = columns.header_at + columns.header_rows
    if "recommendation" in roles and "title" not in roles:
        _read_recommendations(block, columns, body_start, result)
        return result
    if "title" not in roles:
        if "indicator" in roles or _numeric_table(block.rows[body_start:]):
            name_column = roles.get("indicator", 0)
            result.indicators = table_indicators(block.rows[body_start:], name_column, block.where,
                                                 block.first_row + body_start)
            return result
        if "school" in roles:
            result.school_names = [row[roles["school"]] for row in block.rows[body_start:]
                                   if roles["school"] < len(row) and row[roles["school"]].strip()]
            return result
        return _without_header(block, result)
    _read_rows(block, columns, body_start, result, corrections)
    return result


def _read_rows(block: Block, columns: Columns, body_start: int, result: TableResult, corrections=None) -> None:
    rows = [_Row(cells, i) for i, cells in enumerate(block.rows or []) if i >= body_start and any(c.strip() for c in cells)]
    numbered = sum(1 for row in rows if _NUMBERED.match(columns.get(row.cells, "number")))
    numbering_used = "number" in columns.roles and numbered >= max(1, len(rows) // 3)
    header = [cell.strip() for cell in (block.rows or [])[columns.header_at]]
    section, section_number, direction, row_school = "", "", "", ""
    risk: Statement | None = None
    current: Draft | None = None
    for position, row in enumerate(rows):
        cells = row.cells
        where = f"{block.where}, строка {block.first_row + row.index}"
        if is_column_numbers(cells) or _TOTAL.match(" ".join(cells)) or [c.strip() for c in cells] == header:
            continue  # column numbers, totals, and a header row repeated on a new page
        if is_signature_row(cells):
            current = None  # «Директор | ________ | И.И. Иванов» under the table (a TXT's tab lines, a PDF's rows)
            continue
        following = rows[position + 1].cells if position + 1 < len(rows) else None
        numbered = _numbered_section(cells, following, columns)
        section_text = _section_text(cells, columns) or numbered
        if section_text is not None:
            section = section_text
            section_number = columns.get(cells, "number").rstrip(".") + "." if numbered else ""
            current = None
            continue
        number = columns.get(cells, "number")
        if section_number and number and not number.startswith(section_number):
            section, section_number = "", ""  # «2» after «1.1», «1.2»: out of the numbered section
        title = columns.get(cells, "title")
        if current is not None and _continues(cells, columns, numbering_used, number, title):
            _append(current, cells, columns)
            continue
        bare_row = not any(columns.get(cells, role) for role in _CONTENT_ROLES)
        if bare_row and title and (_SECTION_ROW.match(title) or re.fullmatch(r"[IVX]{1,5}\.?", number)
                                   or (title.isupper() and len(title) >= 10) or _DIRECTION_TITLE.match(_one_line(title))):
            # «3. | Раздел 2. Работа с родителями | | », «II. | Работа с родителями», «1. | Организационно-управленческие
            # меры | | », a title in capitals: a section's title even with a row number.
            text = _one_line(title).rstrip(":.")
            numbered_title = re.fullmatch(r"[IVX]{1,5}\.?", number) or (_DIRECTION_TITLE.match(text) and _NUMBERED.match(number))
            section = f"{number.rstrip('.')}. {text}" if numbered_title else text
            section_number, current = "", None
            continue
        if bare_row and title and is_bare_school_name(title):
            row_school, current = _one_line(title), None  # the rows below are this school's
            continue
        risk_text = _one_line(columns.get(cells, "risk"))
        if risk_text and (risk is None or risk_text != risk.text):
            # A risk cell merged down the rows of its measures is written once.
            code, confidence = risk_code(risk_text, corrections)
            risk = Statement(kind="risk", text=_risk_name(risk_text), where=where, code=code, confidence=confidence)
            result.risks.append(risk)
        if risk is not None and title and "\n" in title:
            # Several measures in one cell, one per line: one activity each.
            for line in (part.strip(" ;-–—•·") for part in title.split("\n")):
                if line:
                    draft = _draft(cells, columns, where, section or direction)
                    draft.text, draft.risk = _one_line(line), risk.code
                    result.activities.append(draft)
            current = None
            continue
        if not title:
            if any(columns.get(cells, role) for role in ("actual", "expected", "status")):
                result.warnings.append(f"{_capital(where)}: нет названия мероприятия; строка пропущена.")
            current = None
            continue
        # A direction cell merged down a column is written once: it holds for the rows below until the next one.
        direction = _one_line(columns.get(cells, "direction")) or direction
        current = _draft(cells, columns, where, section or direction)
        if row_school and not current.schools:
            current.schools = [row_school]
        if risk is not None:
            current.risk = risk.code
        result.activities.append(current)


def _section_text(cells: list[str], columns: Columns) -> str | None:
    """The text of a section row, or None when the row is not one."""
    texts = [cell.strip() for cell in cells if cell.strip()]
    if not texts or len(set(texts)) != 1:
        return None
    text = texts[0]
    position = next(j for j, cell in enumerate(cells) if cell.strip())
    title_column = columns.roles.get("title", 1)
    number_column = columns.roles.get("number")
    if position not in (0, title_column, number_column):
        return None
    if number_column is not None and position == number_column and _NUMBERED.match(text):
        return None  # a bare row number
    if text[:1].islower() and not _SECTION_WORDS.match(text):
        return None  # a continuation of the row above, cut by a page break
    if len(texts) == 1 and position == title_column and number_column is not None and not _SECTION_WORDS.match(text):
        # A lone title under an empty № is a section only when it reads like one («Работа с родителями»),
        # not like a sentence cut in the middle.
        if text.endswith((",", ";")) or len(text) > 200:
            return None
    return re.sub(r"[:.]\s*$", "", " ".join(text.split()))


def _numbered_section(cells: list[str], following: list[str] | None, columns: Columns) -> str | None:
    """«1. | Работа с педагогами» followed by «1.1 | …»: a numbered heading of the rows under it."""
    number, title = columns.get(cells, "number").rstrip("."), columns.get(cells, "title")
    if not number or not title or following is None or not _NUMBERED.match(number):
        return None
    if any(cell.strip() for j, cell in enumerate(cells) if j not in (columns.roles.get("number"), columns.roles.get("title"))):
        return None
    if not columns.get(following, "number").startswith(number + "."):
        return None
    return f"{number}. {_one_line(title)}"


def _continues(cells: list[str], columns: Columns, numbering_used: bool, number: str, title: str) -> bool:
    if number.strip():
        return False
    if numbering_used:
        return True  # an unnumbered row in a numbered table is the rest of the row above
    return not title or title[:1].islower()


def _draft(cells: list[str], columns: Columns, where: str, section: str) -> Draft:
    school = columns.get(cells, "school")
    return Draft(
        text=_one_line(columns.get(cells, "title")),
        where=where,
        section=section,
        number=columns.get(cells, "number"),
        responsible=_one_line(columns.get(cells, "responsible")),
        expected=columns.get(cells, "expected"),
        actual=columns.get(cells, "actual"),
        indicator=columns.get(cells, "indicator"),
        deadline=columns.get(cells, "deadline"),
        evidence=columns.get(cells, "evidence"),
        reason=_one_line(columns.get(cells, "reason")),
        status=columns.get(cells, "status") if _separate_status(columns) else "",
        schools=[school] if school else [],
    )


def _separate_status(columns: Columns) -> bool:
    return "status" in columns.roles and columns.roles["status"] != columns.roles.get("actual")


def _append(draft: Draft, cells: list[str], columns: Columns) -> None:
    """Glue a row cut by a page break back onto the row above it, cell by cell."""

    def joined(old: str, new: str) -> str:
        if not new:
            return old
        if not old:
            return new
        return f"{old}{'' if old.endswith('-') and new[:1].islower() else ' '}{new}"

    draft.text = _one_line(joined(draft.text, columns.get(cells, "title")))
    draft.responsible = _one_line(joined(draft.responsible, columns.get(cells, "responsible")))
    draft.reason = _one_line(joined(draft.reason, columns.get(cells, "reason")))
    for role in ("expected", "actual", "indicator", "deadline", "evidence"):
        setattr(draft, role, joined(getattr(draft, role), columns.get(cells, role)))
    if _separate_status(columns):
        draft.status = joined(draft.status, columns.get(cells, "status"))


def _without_header(block: Block, result: TableResult) -> TableResult:
    """No recognisable header: warn, and if the first text column reads like activity titles, take it."""
    rows = [row for row in block.rows or [] if any(cell.strip() for cell in row) and not is_signature_row(row)]
    if len(rows) < 2:
        return result  # a table laying out the signatures, or too little to read
    result.warnings.append(
        f"{_capital(block.where)}: не удалось распознать заголовки столбцов (ожидаются, например, «Мероприятие», "
        "«Сроки», «Ответственный», «Результат»)."
    )
    width = max(len(row) for row in rows)
    column = next((j for j in range(width) if _looks_like_titles([row[j] for row in rows if j < len(row)])), None)
    if column is None:
        return result
    for i, row in enumerate(block.rows or []):
        title = row[column].strip() if column < len(row) else ""
        if not title or title.isdigit() or is_signature_row(row):
            continue
        rest = [cell.strip() for j, cell in enumerate(row) if j > column and cell.strip()]
        result.activities.append(Draft(
            text=_one_line(title), where=f"{block.where}, строка {block.first_row + i}",
            actual=rest[-1] if rest else "",
        ))
    if result.activities:
        result.warnings.append(
            f"{_capital(block.where)}: названия мероприятий взяты из столбца {column + 1}; проверьте их."
        )
    return result


def _looks_like_titles(cells: list[str]) -> bool:
    texts = [cell.strip() for cell in cells if cell.strip()]
    if len(texts) < 2:
        return False
    wordy = [t for t in texts if len(t.split()) >= 2 and re.match(r"^[«\"]?[А-ЯЁA-Z]", t)]
    return len(wordy) >= 0.6 * len(texts) and sum(len(t) for t in texts) / len(texts) >= 15


def _numeric_table(rows: list[list[str]]) -> bool:
    numbers = sum(1 for row in rows for cell in row[1:] if re.fullmatch(r"\s*[+-]?\d+(?:[.,]\d+)?\s*%?\s*", cell or ""))
    return numbers >= max(1, len(rows))


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]
