"""PDF → Document: text lines regrouped into paragraphs, ruled tables via pdfplumber, page by page.

A PDF keeps visual lines, not paragraphs; we rebuild paragraphs from the geometry (a vertical gap, an indented
first line, a list marker or a short line ending a sentence starts a new one). Scans have no text layer: we
say so instead of returning an empty document.
"""

from __future__ import annotations

import logging
import re
import zlib
from io import BytesIO

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdftypes import PDFStream, resolve1
from pdfplumber.utils.exceptions import PdfminerException

from shnor.core.documents import Block, Document, DocumentError
from shnor.core.documents.lines import classify_line, clean, split_marker

MAX_PAGES = 500
# What a page's content streams may inflate to: a dense page of text takes 30–100 KB, a page with a vector
# chart a few hundred; a gigabyte stream in a 1 MB file is a bomb and is refused before anything inflates it.
MAX_PAGE_CONTENT = 8 * 1024 * 1024
_PAGE_NUMBER = re.compile(r"^\s*[-–]?\s*\d{1,4}\s*[-–]?\s*$")

# pdfminer logs every oddity of a broken file at WARNING; the user gets our message instead.
logging.getLogger("pdfminer").setLevel(logging.ERROR)

SCAN_MESSAGE = (
    "В PDF нет текстового слоя (похоже, это скан). Загрузите исходный документ Word или PDF с текстом."
)


def read(data: bytes, filename: str) -> Document:
    try:
        pdf = pdfplumber.open(BytesIO(data))
    except PdfminerException as exc:
        cause = exc.args[0] if exc.args else exc
        if isinstance(cause, PDFPasswordIncorrect | PDFEncryptionError):
            raise DocumentError(
                f"PDF «{filename}» защищён паролем. Снимите защиту (или сохраните документ в PDF заново без пароля) "
                "и загрузите снова."
            ) from exc
        raise
    document = Document(source=filename, format="pdf", blocks=[], warnings=[])
    scanned: list[int] = []
    with pdf:
        for number, page in enumerate(pdf.pages, start=1):
            if number > MAX_PAGES:
                document.warnings.append(f"В PDF больше {MAX_PAGES} страниц; прочитаны первые {MAX_PAGES}.")
                break
            _check_content_size(page, number, filename)
            if not _read_page(page, number, document):
                scanned.append(number)
            page.close()
    if not any(block.text or block.rows for block in document.blocks):
        raise DocumentError(SCAN_MESSAGE)
    if scanned:
        pages = ", ".join(str(n) for n in scanned[:20])
        document.warnings.append(
            f"На страницах {pages} нет текстового слоя (похоже, это сканы); их содержимое не прочитано."
        )
    return document


def _read_page(page, number: int, document: Document) -> bool:
    """Adds the page's blocks; False when the page has no text at all."""
    if not page.chars:
        return False
    tables = [t for t in page.find_tables(_table_settings(page)) if t.bbox]
    boxes = [t.bbox for t in tables]

    def outside(obj) -> bool:
        x = (obj.get("x0", 0) + obj.get("x1", 0)) / 2
        y = (obj.get("top", 0) + obj.get("bottom", 0)) / 2
        return not any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)

    lines = page.filter(outside).extract_text_lines(return_chars=False) if boxes else page.extract_text_lines(return_chars=False)
    items: list[tuple[float, str, object]] = [(line["top"], "line", line) for line in lines]
    items += [(table.bbox[1], "table", table) for table in tables]
    items.sort(key=lambda item: item[0])
    left = min((line["x0"] for line in lines), default=0.0)
    right = max((line["x1"] for line in lines), default=float(page.width))
    gaps = sorted(b["top"] - a["bottom"] for a, b in zip(lines, lines[1:], strict=False) if b["top"] > a["bottom"])
    usual_gap = gaps[len(gaps) // 2] if gaps else 0.0
    paragraph: list[dict] = []
    counters = {"paragraph": 0, "table": 0}

    def flush() -> None:
        if paragraph:
            _add_paragraph(document, _join_lines([line["text"] for line in paragraph]), number, counters)
            paragraph.clear()

    for _, kind, item in items:
        if kind == "table":
            flush()
            _add_table(document, item.extract(), number, counters)
            continue
        line = item
        if _PAGE_NUMBER.match(line["text"]):
            continue
        if paragraph and _starts_paragraph(paragraph, line, left, right, usual_gap):
            flush()
        paragraph.append(line)
    flush()
    return True


def _table_settings(page) -> dict:
    """Close tables at the ends of their vertical rules: a row cut by a page break has no border line at the
    page edge, and pdfplumber would otherwise drop it from the table."""
    verticals = [edge for edge in page.edges if edge.get("orientation") == "v"]
    if len({round(edge["x0"]) for edge in verticals}) < 3:
        return {}
    return {"explicit_horizontal_lines": [min(e["top"] for e in verticals), max(e["bottom"] for e in verticals)]}


def _starts_paragraph(paragraph: list[dict], line: dict, left: float, right: float, usual_gap: float) -> bool:
    previous, first = paragraph[-1], paragraph[0]
    height = max(line["bottom"] - line["top"], 1.0)
    if line["top"] - previous["bottom"] > max(1.5 * usual_gap, usual_gap + 0.25 * height):
        return True  # more space than between the lines of one paragraph
    if split_marker(line["text"])[0]:
        return True
    # A line that stopped although the next word would have fitted after it ended its paragraph (when it also
    # ends a sentence, or the next line starts like a new one).
    char_width = (previous["x1"] - previous["x0"]) / max(len(previous["text"]), 1)
    next_word = (line["text"].split() or [""])[0]
    short = right - previous["x1"] > (len(next_word) + 1) * char_width
    if short and (previous["text"].rstrip().endswith((".", ":", ";", "!", "?")) or not line["text"][:1].islower()):
        return True
    if split_marker(first["text"])[0]:
        # Lines of a list item never start left of its marker; those to the right (hanging indent) belong to it.
        return line["x0"] < first["x0"] - 4
    return line["x0"] > previous["x0"] + 8  # an indented first line


def _join_lines(lines: list[str]) -> str:
    text = ""
    for line in lines:
        line = line.strip()
        # A line ending in a hyphen is most often a compound («психолого-» / «педагогических»): keep the hyphen.
        glue = "" if re.search(r"\w-$", text) and line[:1].islower() else " "
        # A link wrapped at the line end («https://cloud.mail.ru/public/» / «FSxG/kG5LS9qcg»).
        if re.search(r"(?:https?://|www\.)\S*$", text) and re.match(r"[^\sА-Яа-яЁё]+(?:\s|$)", line):
            glue = ""
        text = f"{text}{glue}{line}" if text else line
    return text


def _add_paragraph(document: Document, text: str, page: int, counters: dict[str, int]) -> None:
    text = clean(text)
    if not text:
        return
    counters["paragraph"] += 1
    line = classify_line(text)
    document.blocks.append(
        Block(kind=line.kind, text=line.text, index=len(document.blocks),
              where=f"страница {page}, абзац {counters['paragraph']}", level=line.level, marker=line.marker)
    )


def _add_table(document: Document, raw: list[list[str | None]], page: int, counters: dict[str, int]) -> None:
    # Line breaks inside a PDF cell are where the text wrapped, not paragraphs: join them like paragraph lines.
    rows = [[clean(_join_lines((cell or "").split("\n"))) for cell in row] for row in raw]
    rows = [row for row in rows if any(row)]
    if not rows:
        return
    width = max(len(row) for row in rows)
    rows = [row + [""] * (width - len(row)) for row in rows]
    previous = document.blocks[-1] if document.blocks else None
    if (previous is not None and previous.kind == "table" and previous.rows
            and len(previous.rows[0]) == width and not previous.where.startswith(f"страница {page},")):
        # The same table continued at the top of the next page.
        if rows[0] == previous.rows[0]:
            rows = rows[1:]
        previous.rows.extend(rows)
        return
    counters["table"] += 1
    document.blocks.append(
        Block(kind="table", text="", index=len(document.blocks), where=f"страница {page}, таблица {counters['table']}",
              rows=rows)
    )


def _check_content_size(page, number: int, filename: str) -> None:
    """Refuse a page whose content streams inflate beyond MAX_PAGE_CONTENT, counting without keeping the output."""
    contents = resolve1(page.page_obj.attrs.get("Contents"))
    streams = contents if isinstance(contents, list) else [contents]
    total = 0
    for ref in streams:
        stream = resolve1(ref)
        if not isinstance(stream, PDFStream):
            continue
        filters = [getattr(name, "name", name) for name, _ in stream.get_filters()]
        raw = stream.rawdata if stream.rawdata is not None else b""
        if filters[:1] in (["FlateDecode"], ["Fl"]):
            total += _inflated_size(raw, MAX_PAGE_CONTENT - total + 1)
        else:
            total += len(raw)
        if total > MAX_PAGE_CONTENT:
            raise DocumentError(
                f"Страница {number} файла «{filename}» после распаковки занимает слишком много места: "
                "похоже, файл повреждён или собран намеренно. Сохраните документ в PDF заново и загрузите снова."
            )


def _inflated_size(raw: bytes, limit: int) -> int:
    inflater = zlib.decompressobj()
    size, pending = 0, raw
    try:
        while pending and size <= limit:
            size += len(inflater.decompress(pending, 1024 * 1024))
            pending = inflater.unconsumed_tail
    except zlib.error:
        return size  # a broken stream is the reader's business; pdfminer recovers what it can
    return size
