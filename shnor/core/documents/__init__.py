"""Any report file → one `Document`: a flat list of blocks (headings, paragraphs, list items, tables) in reading order.

Each format is one small module with a `read(data, filename) -> Document` function (the table formats also
read rows and write tables), registered once in `FORMATS` with its extensions and limits.
`read_document` is the only entry point the rest of the system should call: it checks the size, detects the
format from the content (never trusting the extension), guards zip containers against bombs, and turns every
failure into a `DocumentError` whose Russian message tells the user what to do.
"""

from __future__ import annotations

import importlib
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


@dataclass(frozen=True)
class Format:
    """Everything the system knows about one file format: a new format is one module and one line in FORMATS."""

    name: str  # "docx", also the name of its module here, which has read(data, filename) -> Document (the
    #            table formats also read_rows, write and stream)
    label: str  # in messages: «документ Word (DOCX)»
    short: str  # in the list of what may be uploaded: «PDF с текстом»
    extensions: tuple[str, ...]  # lower case, with the dot
    content_type: str
    max_bytes: int
    # Zip containers: the most the members may unpack to, and how much more than MAX_RATIO times a large member
    # may expand (real DOCX/XLSX files compress 3–20 times, bombs a thousand times and more). 0: not a zip.
    max_unzipped_bytes: int = 0

    def implementation(self):
        # Imported on first use so that reading a TXT never loads pdfminer.
        return importlib.import_module(f"shnor.core.documents.{self.name}")

    def read(self, data: bytes, filename: str) -> Document:
        return self.implementation().read(data, filename)


MB = 1024 * 1024
MAX_BYTES = 50 * MB
MAX_RATIO = 100
RATIO_CHECK_FROM = MB  # small members (styles, themes) may compress very well; ignore them
FORMATS: dict[str, Format] = {f.name: f for f in (
    Format("docx", "документ Word (DOCX)", "DOCX", (".docx", ".docm"),
           "application/vnd.openxmlformats-officedocument.wordprocessingml.document", 50 * MB, 200 * MB),
    Format("xlsx", "таблица Excel (XLSX)", "XLSX", (".xlsx", ".xlsm"),
           "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", 50 * MB, 200 * MB),
    Format("pdf", "PDF", "PDF с текстом", (".pdf",), "application/pdf", 50 * MB),
    Format("txt", "текстовый файл", "TXT", (".txt",), "text/plain; charset=utf-8", 10 * MB),
    Format("csv", "таблица CSV", "CSV", (".csv", ".tsv"), "text/csv; charset=utf-8", 10 * MB),
)}
READERS: dict[str, Callable[[bytes, str], Document]] = {name: f.read for name, f in FORMATS.items()}
ACCEPTED_EXTENSIONS: tuple[str, ...] = tuple(ext for f in FORMATS.values() for ext in f.extensions)


def accepted_formats() -> str:
    """What may be uploaded, for people: «DOCX, XLSX, PDF с текстом, TXT или CSV»."""
    names = [f.short for f in FORMATS.values()]
    return f"{', '.join(names[:-1])} или {names[-1]}"


def format_of(filename: str) -> Format | None:
    """The format a file name claims by its extension, if it is one we read."""
    ext = "." + filename.rsplit(".", 1)[1].lower() if "." in filename else ""
    return next((f for f in FORMATS.values() if ext in f.extensions), None)


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
        "Поддерживаются документы Word (DOCX), таблицы Excel (XLSX) и CSV, PDF с текстом и текстовые файлы (TXT)."
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


def check_zip_safety(data: bytes, filename: str, max_unzipped_bytes: int = 200 * MB) -> None:
    """Refuse zip bombs before any parser inflates them: look at declared sizes only, decompress nothing.

    Declared sizes are enough: Python's zipfile never inflates a member beyond its declared size (it fails
    with a bad CRC instead), and every reader of ours opens containers through it."""
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
        if total > max_unzipped_bytes or (info.file_size > RATIO_CHECK_FROM and ratio > MAX_RATIO):
            raise DocumentError(
                f"Файл «{filename}» после распаковки занимает слишком много места (похоже на «zip-бомбу»). "
                "Сохраните документ заново в Word или Excel без встроенных объектов и загрузите снова."
            )


def read_document(data: bytes, filename: str, *, max_bytes: int = MAX_BYTES) -> Document:
    """Read any supported report file. Raises only DocumentError."""
    filename = filename or "без имени"
    if data is None:
        raise DocumentError("Файл не передан. Выберите файл с отчётом.")
    check_size(data, filename, max_bytes)
    fmt = FORMATS[detect_format(data, filename)]
    warnings: list[str] = []
    claimed = format_of(filename)
    if claimed and claimed.name == "csv" and fmt.name == "txt":
        fmt = claimed  # text content, and the name says its lines are table rows
    elif claimed and claimed != fmt:
        warnings.append(
            f"Файл «{filename}» на самом деле — {fmt.label}, а не {claimed.label}; "
            f"он прочитан как {fmt.name.upper()}."
        )
    check_size(data, filename, fmt.max_bytes)
    if fmt.max_unzipped_bytes:
        check_zip_safety(data, filename, fmt.max_unzipped_bytes)
    try:
        document = fmt.read(data, filename)
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


def check_size(data: bytes, filename: str, max_bytes: int) -> None:
    if len(data) > max_bytes:
        raise DocumentError(
            f"Файл «{filename}» слишком большой: {_megabytes(len(data))} МБ при допустимых {_megabytes(max_bytes)} МБ. "
            "Уберите из документа картинки и сканы или разделите его на части."
        )


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}".replace(".", ",")
