"""TXT → Document: the encoding detected, tab-separated lines as table rows, other lines as paragraphs.

Plain-text reports reach us as Word's «Save as text» output (one paragraph per line, table cells separated by
tabs) in UTF-8, UTF-16 or Windows-1251.
"""

from __future__ import annotations

import re

from shnor.core.documents import Block, Document, DocumentError
from shnor.core.documents.lines import classify_line, clean
from shnor.core.russian import format_decimal

# Single-byte Cyrillic code pages that decode any byte string; Windows-1251 is what Russian Windows writes.
_CYRILLIC_CODEPAGES = ("cp1251", "koi8_r", "cp866", "mac_cyrillic", "iso8859_5")
_CONTROL = set(range(0, 32)) - {9, 10, 12, 13}
_MIN_TABS = 2
MAX_LINES = 200_000  # a 600-page report has about 30,000 lines
_RUSSIAN_LETTER = re.compile(r"[а-яёА-ЯЁ]")
_FLIPPED_CASE = re.compile(r"[а-яё][А-ЯЁ]")
_JUNK = re.compile(r"[\ufffd\u2500-\u259f\u2200-\u22ff\u0400-\u040f\u0450-\u04ff\u00ac\u00a6\u00b5\u00b6\u2020-\u2022]")


def read(data: bytes, filename: str) -> Document:
    text, encoding = decode_text(data)
    document = Document(source=filename, format="txt", blocks=[], warnings=[])
    if "\ufffd" in text:
        document.warnings.append(
            f"В файле «{filename}» есть символы, которые не удалось прочитать в кодировке {encoding}; "
            "сохраните файл в кодировке UTF-8."
        )
    if max(text.count("\n"), text.count("\r")) > MAX_LINES:
        raise DocumentError(
            f"В файле «{filename}» больше {format_decimal(MAX_LINES, 0)} строк: это не похоже на отчёт. "
            "Разделите файл на части или загрузите исходный документ Word."
        )
    read_lines(text.splitlines(), document)
    return document


def looks_like_text(data: bytes) -> bool:
    if data.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")):
        return True
    sample = data[:65536]
    controls = sum(1 for byte in sample if byte in _CONTROL)
    return controls <= len(sample) // 100


def decode_text(data: bytes) -> tuple[str, str]:
    """(text, encoding name) — BOMs first, then strict UTF-8, then the most Russian-looking code page."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "UTF-8"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace"), "UTF-16"
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    best, best_score, best_name = "", float("-inf"), "cp1251"
    for codepage in _CYRILLIC_CODEPAGES:
        candidate = data.decode(codepage, errors="replace")
        # Ties go to cp1251 (listed first): koi8-r and mac-cyrillic read cp1251 bytes as plausible letters too.
        score = _russian_score(candidate)
        if score > best_score:
            best, best_score, best_name = candidate, score, codepage
    if best_score > 0:
        return best, _display_name(best_name)
    from charset_normalizer import from_bytes

    match = from_bytes(data).best()
    if match is not None:
        return str(match), match.encoding
    return data.decode("cp1251", errors="replace"), "Windows-1251"


def _russian_score(text: str) -> float:
    """Russian letters count for; signs of a wrong code page count against.

    KOI8-R read as cp1251 (and back) flips letter case, which shows as a capital right after a small letter;
    Mac-Cyrillic and CP866 turn capitals or small letters into symbols, box drawing and non-Russian Cyrillic.
    """
    letters = len(_RUSSIAN_LETTER.findall(text))
    flipped = len(_FLIPPED_CASE.findall(text))
    junk = len(_JUNK.findall(text))
    return (letters - 3 * flipped - 5 * junk) / max(len(text), 1)


def _display_name(codepage: str) -> str:
    return {"cp1251": "Windows-1251", "koi8_r": "KOI8-R", "cp866": "CP866"}.get(codepage, codepage)


def read_lines(lines: list[str], document: Document) -> None:
    """Tab-separated lines as table rows, other lines as headings, list items and paragraphs."""
    tables = 0
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.count("\t") >= _MIN_TABS:
            rows: list[list[str]] = []
            while i < len(lines):
                if lines[i].count("\t") >= _MIN_TABS:
                    rows.append([clean(cell) for cell in lines[i].split("\t")])
                    i += 1
                elif not lines[i].strip() and _next_is_row(lines, i):
                    i += 1  # a blank line inside a table (a row cut by a page break leaves one)
                else:
                    break
            tables += 1
            document.blocks.append(
                Block(kind="table", text="", index=len(document.blocks), where=f"таблица {tables}", rows=_square(rows))
            )
            continue
        _add_line(document, line, i + 1)
        i += 1


def _next_is_row(lines: list[str], i: int) -> bool:
    for line in lines[i:]:
        if line.strip():
            return line.count("\t") >= _MIN_TABS
    return False


def _add_line(document: Document, raw: str, number: int) -> None:
    text = clean(raw.replace("\t", " "))
    if not text:
        return
    line = classify_line(text)
    previous = document.blocks[-1] if document.blocks else None
    if line.kind == "paragraph" and continues(previous, line.text):
        previous.text = f"{previous.text} {line.text}"
        return
    document.blocks.append(
        Block(kind=line.kind, text=line.text, index=len(document.blocks), where=f"строка {number}",
              level=line.level, marker=line.marker)
    )


def continues(previous: Block | None, text: str) -> bool:
    """A hard-wrapped line: it starts in lower case and the line before it did not end a sentence."""
    if previous is None or previous.kind == "table" or not text[:1].islower():
        return False
    return not previous.text.rstrip().endswith((".", ":", ";", "!", "?"))


def _square(rows: list[list[str]]) -> list[list[str]]:
    width = max(len(row) for row in rows)
    rows = [row + [""] * (width - len(row)) for row in rows]
    keep = [j for j in range(width) if any(row[j] for row in rows)]
    return [[row[j] for j in keep] for row in rows]
