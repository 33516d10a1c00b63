"""Any report file → one `Document`: a flat list of blocks (headings, paragraphs, list items, tables) in reading order.

Each format is one small module with a `read(data, filename) -> Document` function, registered in `READERS`.
`read_document` is the only entry point the rest of the system should call: it checks the size, detects the
format from the content (never trusting the extension), guards zip containers against bombs, and turns every
failure into a `DocumentError` whose Russian message tells the user what to do.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from io import BytesIO

BLOCK_KINDS = ("heading", "paragraph", "list_item", "table")


@dataclass
class Block:
    kind: str  # "heading" | "paragraph" | "list_item" | "table"
    text: str  # for tables: "" (rows hold the content)
    index: int  # position in the document
    where: str  # human locator in Russian: «абзац 12», «таблица 1», «страница 3, абзац 2»
    level: int = 0  # heading level / list nesting
    rows: list[list[str]] | None = None  # tables: cell texts, merged cells de-duplicated
    style: str = ""  # source style name where known
    marker: str = ""  # list marker as the reader saw or rendered it: «1)», «1.», «·», «-»
    first_row: int = 1  # source row number of rows[0] (an Excel sheet's table may start on row 3)


@dataclass
class Document:
    source: str  # file name
    format: str  # "docx" | "xlsx" | "pdf" | "txt"
    blocks: list[Block] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # Russian

    def text(self) -> str:
        """All text of the document, tables as tab-separated lines (for search and prose reading)."""
        parts: list[str] = []
        for block in self.blocks:
            if block.kind == "table":
                parts.extend("\t".join(row) for row in block.rows or [])
            else:
                parts.append(block.text)
        return "\n".join(parts)


class DocumentError(Exception):
    """A file that cannot be read; `message` says, in Russian, what the user should fix."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


FORMAT_NAMES = {"docx": "документ Word (DOCX)", "xlsx": "таблица Excel (XLSX)", "pdf": "PDF", "txt": "текстовый файл"}
MAX_BYTES = 50 * 1024 * 1024
# A zip container may not unpack to more than this, nor any large member expand more than MAX_RATIO times:
# real DOCX/XLSX files compress 3–20 times, bombs a thousand times and more.
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
MAX_RATIO = 100
RATIO_CHECK_FROM = 1024 * 1024  # small members (styles, themes) may compress very well; ignore them


def _read_docx(data: bytes, filename: str) -> Document:
    from shnor.core.documents import docx

    return docx.read(data, filename)


def _read_xlsx(data: bytes, filename: str) -> Document:
    from shnor.core.documents import xlsx

    return xlsx.read(data, filename)


def _read_pdf(data: bytes, filename: str) -> Document:
    from shnor.core.documents import pdf

    return pdf.read(data, filename)


def _read_txt(data: bytes, filename: str) -> Document:
    from shnor.core.documents import txt

    return txt.read(data, filename)


# One line per format; the modules are imported on first use so that reading a TXT never loads pdfminer.
READERS: dict[str, Callable[[bytes, str], Document]] = {
    "docx": _read_docx,
    "xlsx": _read_xlsx,
    "pdf": _read_pdf,
    "txt": _read_txt,
}


def detect_format(data: bytes, filename: str) -> str:
    """The format of `data` judged by its content; raises DocumentError for anything we cannot read."""
    if not data:
        raise DocumentError(f"Файл «{filename}» пустой. Загрузите файл с отчётом ещё раз.")
    head = data[:8]
    if data[:1024].lstrip(b"\x00\t\r\n \xef\xbb\xbf").startswith(b"%PDF") or b"%PDF-" in data[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _zip_format(data, filename)
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        # OLE2: either Word/Excel 97–2003, or an OOXML file encrypted with a password.
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise DocumentError(
                f"Файл «{filename}» защищён паролем. Снимите пароль в Word или Excel "
                "(Файл → Сведения → Защита) и загрузите файл снова."
            )
        raise DocumentError(
            f"Файл «{filename}» сохранён в старом формате Word или Excel 97–2003 (.doc/.xls). "
            "Откройте его и сохраните как DOCX или XLSX."
        )
    if head.startswith(b"{\\rtf"):
        raise DocumentError(f"Файл «{filename}» в формате RTF. Откройте его в Word и сохраните как DOCX.")
    for magic, what in _IMAGE_MAGIC:
        if head.startswith(magic):
            raise DocumentError(
                f"Файл «{filename}» — это изображение ({what}), а не документ. "
                "Загрузите исходный документ Word, Excel или PDF с текстом."
            )
    if re.search(rb"<html|<!doctype html", data[:2048], re.IGNORECASE):
        raise DocumentError(
            f"Файл «{filename}» — веб-страница (HTML). Откройте его в Word и сохраните как DOCX, затем загрузите снова."
        )
    from shnor.core.documents.txt import looks_like_text

    if looks_like_text(data):
        return "txt"
    raise DocumentError(
        f"Не удалось определить формат файла «{filename}». "
        "Поддерживаются документы Word (DOCX), таблицы Excel (XLSX), PDF с текстом и текстовые файлы (TXT)."
    )


_IMAGE_MAGIC = (
    (b"\x89PNG", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF8", "GIF"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
    (b"BM", "BMP"),
)


def _zip_format(data: bytes, filename: str) -> str:
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError) as exc:
        raise _corrupt(filename) from exc
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "mimetype" in names and any(n == "content.xml" for n in names):
        raise DocumentError(
            f"Файл «{filename}» в формате OpenDocument (ODT/ODS). Сохраните его как DOCX или XLSX и загрузите снова."
        )
    if any(n.startswith("word/") for n in names) or any(n.startswith("xl/") for n in names):
        raise _corrupt(filename)
    raise DocumentError(
        f"Файл «{filename}» — это архив, а не документ. Распакуйте его и загрузите отчёт в формате DOCX, XLSX или PDF."
    )


def _corrupt(filename: str) -> DocumentError:
    return DocumentError(
        f"Файл «{filename}» повреждён и не открывается. Откройте его в Word или Excel, сохраните заново и загрузите снова."
    )


def check_zip_safety(data: bytes, filename: str) -> None:
    """Refuse zip bombs before any parser inflates them: look at declared sizes only, decompress nothing."""
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError) as exc:
        raise _corrupt(filename) from exc
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise DocumentError(
                f"Файл «{filename}» защищён паролем. Снимите пароль и загрузите файл снова."
            )
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if total > MAX_UNZIPPED_BYTES or (info.file_size > RATIO_CHECK_FROM and ratio > MAX_RATIO):
            raise DocumentError(
                f"Файл «{filename}» после распаковки занимает слишком много места (похоже на «zip-бомбу»). "
                "Сохраните документ заново в Word или Excel без встроенных объектов и загрузите снова."
            )


def read_document(data: bytes, filename: str, *, max_bytes: int = MAX_BYTES) -> Document:
    """Read any supported report file. Raises only DocumentError."""
    filename = filename or "без имени"
    if data is None:
        raise DocumentError("Файл не передан. Выберите файл с отчётом.")
    if len(data) > max_bytes:
        raise DocumentError(
            f"Файл «{filename}» слишком большой: {_megabytes(len(data))} МБ при допустимых {_megabytes(max_bytes)} МБ. "
            "Уберите из документа картинки и сканы или разделите его на части."
        )
    fmt = detect_format(data, filename)
    warnings: list[str] = []
    claimed = _extension_format(filename)
    if claimed and claimed != fmt:
        warnings.append(
            f"Файл «{filename}» на самом деле — {FORMAT_NAMES[fmt]}, а не {FORMAT_NAMES[claimed]}; "
            f"он прочитан как {fmt.upper()}."
        )
    if fmt in ("docx", "xlsx"):
        check_zip_safety(data, filename)
    try:
        document = READERS[fmt](data, filename)
    except DocumentError:
        raise
    except RecursionError as exc:
        raise _corrupt(filename) from exc
    except MemoryError as exc:
        raise DocumentError(
            f"Файл «{filename}» слишком сложный для чтения. Разделите его на части и загрузите снова."
        ) from exc
    except Exception as exc:  # noqa: BLE001 — third-party parsers raise anything on broken files
        raise _corrupt(filename) from exc
    document.warnings[:0] = warnings
    if not document.blocks:
        raise DocumentError(f"В файле «{filename}» нет текста. Проверьте, что загружен нужный файл.")
    return document


_EXTENSIONS = {"docx": "docx", "docm": "docx", "xlsx": "xlsx", "xlsm": "xlsx", "pdf": "pdf", "txt": "txt", "csv": "txt", "tsv": "txt"}


def _extension_format(filename: str) -> str | None:
    if "." not in filename:
        return None
    return _EXTENSIONS.get(filename.rsplit(".", 1)[1].lower())


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}".replace(".", ",")
