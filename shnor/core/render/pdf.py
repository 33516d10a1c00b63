"""The PDF of a document: LibreOffice (headless) converts the DOCX the document was rendered to.

Chosen over weasyprint laying out the HTML page (issue 16, measured side by side in BENCHMARKS.md): faster, and the
PDF is the same document as the DOCX, a region's letterhead included. Each conversion runs its own `soffice` with
a private user profile in a temporary directory (so conversions may run side by side), under a timeout that grows
with the document, and the whole process group is killed when it runs out. Anything that goes wrong is a
`PdfError` with a Russian message for the user.

A worker killed in the middle of a conversion takes LibreOffice with it: `soffice.bin` is started directly (not
through the `soffice` script and `oosplash`, whose child outlived them) and asks the kernel to kill it when its
parent dies (PR_SET_PDEATHSIG). Its temporary directory, which nobody is left to remove, is removed by the next
conversion or the next worker's start (`remove_abandoned`): a directory is in use while its owner holds a lock on it.

LibreOffice lays out a table that runs over many pages in time that grows faster than its length (a national
справка's 50,000-row list of schools would take hours), so before converting, every long table is cut into tables
of `ROWS_PER_TABLE` rows separated by a hairline paragraph: the page looks the same and the time grows linearly.
Writer also reads a table that has a table style (Word's «Сетка таблицы» of every template) about a quarter slower: it
applies the style's paragraph and character properties cell by cell (a 5,000-school справка: 26 s instead of
33 s to read and lay out, measured in BENCHMARKS.md). So a simple table style — no conditional formatting, no cell
properties, based on nothing but the default — is resolved for the conversion: its borders, cell margins and indent
go to each table that uses it, and its paragraph and character properties to a paragraph style based on the default
one, which the table's paragraphs without a style of their own take (in Word, too, a table style's properties win
over the default paragraph style's). The page looks the same.

LibreOffice runs its graphics self-tests (a hundred drawings, about 0.65 s) at every start whose profile does not
record that this version has run before, which a headless conversion never records. So each private profile is
made with that record (`ooSetupLastVersion`, the version read from the installation's own configuration): a 500-school
справка's conversion takes 2.5 s instead of 3.2 s.

The DOCX given to the user is not changed.
"""

from __future__ import annotations

import ctypes
import fcntl
import functools
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from . import docx
from .content import Spravka

ROWS_PER_TABLE = 100
WORK_PREFIX = "shnor-pdf-"
LOCK_NAME = ".in-use"
UNLOCKED_AGE_S = 24 * 3600  # no conversion runs that long (a 50,000-school справка: about 15 minutes)
RESTART = 81  # soffice.bin's exit code after it has set up a new profile: start it again (as oosplash does)
BASE_TIMEOUT_S = 300  # LibreOffice's start and a short document, on a busy machine
TIMEOUT_S_PER_MB = 60  # of the document's uncompressed body (a 50,000-school справка: ~150 MB)
_TABLE = re.compile(r"<w:tbl>.*?</w:tbl>", re.DOTALL)  # the documents' tables are never nested
_SETUP_VERSION = re.compile(r'<prop oor:name="ooSetupVersion">\s*<value>(\d+\.\d+)</value>')
_ROW = re.compile(r"<w:tr[ >].*?</w:tr>", re.DOTALL)
_TABLE_HEAD = re.compile(r"<w:tbl>(?:<w:tblPr>.*?</w:tblPr>)?(?:<w:tblGrid>.*?</w:tblGrid>)?", re.DOTALL)
_TABLE_STYLE = re.compile(r'<w:style\b(?=[^>]*\bw:type="table")[^>]*\bw:styleId="([^"]+)"[^>]*>(.*?)</w:style>', re.DOTALL)
_DEFAULT_STYLE = re.compile(r'<w:style\b(?=[^>]*\bw:type="(paragraph|table)")(?=[^>]*\bw:default="(?:1|true|on)")[^>]*\bw:styleId="([^"]+)"')
_USES_STYLE = re.compile(r'<w:tblStyle w:val="([^"]+)"/>')
_PARAGRAPH_START = re.compile(r"<w:p(?: [^>]*)?(/)?>(<w:pPr>(<w:pStyle\b)?)?")
_TABLE_PART = {name: re.compile(rf"<w:{name}\b[^>]*?(?:/>|>.*?</w:{name}>)", re.DOTALL) for name in ("tblInd", "tblBorders", "tblCellMar")}
_TEXT_PART = {name: re.compile(rf"<w:{name}\b[^>]*?(?:/>|>.*?</w:{name}>)", re.DOTALL) for name in ("pPr", "rPr")}
# Between two parts of a cut table: an empty paragraph 0.05 pt high with no spacing (two tables with nothing
# between them would be joined again).
_HAIRLINE = ('<w:p><w:pPr><w:spacing w:before="0" w:after="0" w:line="1" w:lineRule="exact"/>'
             '<w:rPr><w:sz w:val="2"/></w:rPr></w:pPr></w:p>')


class PdfError(Exception):
    """The PDF could not be made; `message` says so in Russian."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def render(spravka: Spravka, template: bytes | None = None) -> bytes:
    """The справка's PDF: its DOCX (with the region's template when given), converted."""
    return from_docx(docx.render(spravka, template))


def soffice() -> str | None:
    """The LibreOffice executable, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def _office_binary(program: str) -> str:
    """soffice.bin beside the `soffice` script when there is one (so that the process we start is LibreOffice
    itself, which dies with us), else the program as found."""
    binary = Path(program).resolve().parent / "soffice.bin"
    return str(binary) if binary.is_file() and os.access(binary, os.X_OK) else program


@functools.cache
def _office_version(binary: str) -> str | None:
    """The installation's version as its configuration states it («7.4»), or None when it cannot be read."""
    main = Path(binary).resolve().parent.parent / "share" / "registry" / "main.xcd"
    try:
        found = _SETUP_VERSION.search(main.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return None
    return found.group(1) if found else None


def _new_profile(folder: Path, binary: str) -> None:
    """A private profile that records this version as having run before, so that LibreOffice skips the graphics
    self-tests of a first start (see the module's docstring)."""
    version = _office_version(binary)
    if version is None:
        return
    (folder / "user").mkdir(parents=True)
    (folder / "user" / "registrymodifications.xcu").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<oor:items xmlns:oor="http://openoffice.org/2001/registry" '
        'xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
        '<item oor:path="/org.openoffice.Setup/Product"><prop oor:name="ooSetupLastVersion" oor:op="fuse">'
        f"<value>{version}</value></prop></item>\n</oor:items>\n", encoding="utf-8")


def _die_with_parent() -> None:  # runs in the child between fork and exec
    PR_SET_PDEATHSIG = 1
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def remove_abandoned(older_than_s: float = 60) -> int:
    """Remove the temporary directories of conversions whose process is gone (a killed worker); returns how many.
    A directory is in use while its owner holds the lock on its LOCK_NAME file; one younger than `older_than_s` is
    left alone whatever its lock (it may be being set up), and one without the file (made by the code before the
    lock, which may still be converting) until it is UNLOCKED_AGE_S old."""
    removed = 0
    for folder in Path(tempfile.gettempdir()).glob(f"{WORK_PREFIX}*"):
        try:
            age = time.time() - folder.stat().st_mtime
            if age < older_than_s:
                continue
            with open(folder / LOCK_NAME, "rb") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except FileNotFoundError:
            if not folder.is_dir() or age < UNLOCKED_AGE_S:
                continue
        except OSError:  # BlockingIOError: in use; PermissionError: another user's
            continue
        shutil.rmtree(folder, ignore_errors=True)
        removed += 1
    return removed


def from_docx(data: bytes, *, timeout: float | None = None) -> bytes:
    """The PDF of a DOCX document; PdfError when LibreOffice is missing, fails or runs out of time."""
    program = soffice()
    if program is None:
        raise PdfError("PDF не сформирован: на сервере не установлен LibreOffice (пакет libreoffice-writer-nogui). "
                       "Скачайте DOCX и сохраните его в PDF из Word; администратору — установить пакет командой make run.")
    remove_abandoned()
    with tempfile.TemporaryDirectory(prefix=WORK_PREFIX) as work, open(Path(work) / LOCK_NAME, "wb") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released by the kernel if we are killed: then remove_abandoned takes it
        folder = Path(work)
        source = folder / "document.docx"
        try:
            body_mb = _for_layout(data, source)
        except (zipfile.BadZipFile, KeyError, ValueError) as exc:
            raise PdfError("PDF не сформирован: документ Word повреждён и не может быть преобразован.") from exc
        limit = timeout if timeout is not None else BASE_TIMEOUT_S + TIMEOUT_S_PER_MB * body_mb
        binary = _office_binary(program)
        _new_profile(folder / "profile", binary)
        command = [binary, "--headless", "--norestore", "--nologo", "--nodefault", "--nolockcheck",
                   f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--convert-to", "pdf", "--outdir", str(folder), str(source)]
        env = {**os.environ, "HOME": str(folder), "TMPDIR": str(folder)}
        deadline = time.monotonic() + limit
        for _ in range(2):  # the first start with a new profile may end asking to be started again
            process, errors = _run(command, env, folder, deadline, limit)
            if process.returncode != RESTART:
                break
        result = folder / "document.pdf"
        if process.returncode != 0 or not result.exists() or not result.read_bytes()[:5] == b"%PDF-":
            detail = errors.decode("utf-8", "replace").strip().splitlines()[-1:] if errors else []
            raise PdfError("PDF не сформирован: LibreOffice не смог преобразовать документ"
                           + (f" (код завершения {process.returncode})" if process.returncode else "") + ". Скачайте DOCX."
                           + (f" Сообщение программы: {detail[0][:200]}" if detail else ""))
        return result.read_bytes()


def _run(command: list[str], env: dict, folder: Path, deadline: float, limit: float) -> tuple[subprocess.Popen, bytes]:
    # A session of its own: on a timeout the whole group goes (a converter may start children).
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=folder,
                               start_new_session=True, preexec_fn=_die_with_parent)
    try:
        _, errors = process.communicate(timeout=max(0.0, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        _kill(process)
        minutes = max(1, round(limit / 60))
        raise PdfError(f"PDF не сформирован: LibreOffice не успел преобразовать документ за {minutes} мин. "
                       "Скачайте DOCX или повторите позже.") from None
    finally:
        _kill(process)
    return process, errors


def _kill(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    if process.returncode is None:
        process.wait()


def _for_layout(data: bytes, path: Path) -> float:
    """Write to `path` the DOCX with its simple table styles resolved and its long tables cut (see the module's
    docstring); returns the body's size in MB."""
    with zipfile.ZipFile(BytesIO(data)) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        document = src.read("word/document.xml").decode("utf-8")
        names = set(src.namelist())
        styles = src.read("word/styles.xml").decode("utf-8") if "word/styles.xml" in names else ""
        flat, styles = _simple_table_styles(styles)
        for info in src.infolist():
            if info.filename == "word/document.xml":
                with dst.open(zipfile.ZipInfo(info.filename, date_time=info.date_time), "w") as fh:
                    for piece in _cut_tables(document, flat):
                        fh.write(piece.encode("utf-8"))
            elif info.filename == "word/styles.xml":
                dst.writestr(info, styles.encode("utf-8"))
            else:
                dst.writestr(info, src.read(info))
    return len(document) / 1e6


@dataclass(frozen=True)
class _FlatStyle:
    table_xml: str  # what replaces <w:tblStyle/> in the table's properties
    paragraph_style: str | None  # the id of the paragraph style with the table style's text properties


def _simple_table_styles(styles: str) -> tuple[dict[str, _FlatStyle], str]:
    """The table styles that can be resolved (id → how), and styles.xml with their paragraph styles added."""
    defaults = {kind: style_id for kind, style_id in _DEFAULT_STYLE.findall(styles)}
    flat, added = {}, []
    for style_id, body in _TABLE_STYLE.findall(styles):
        based_on = re.search(r'<w:basedOn w:val="([^"]+)"', body)
        if "<w:tblStylePr" in body or "<w:tcPr" in body or (based_on and based_on.group(1) != defaults.get("table")):
            continue
        table_xml = "".join(m.group(0) for part in _TABLE_PART.values() if (m := part.search(body)))
        text = "".join(m.group(0) for part in _TEXT_PART.values() if (m := part.search(body.split("<w:tblPr", 1)[0])))
        paragraph_style = None
        if text and "paragraph" in defaults:
            paragraph_style = f"ShnorCells{style_id}"
            added.append(f'<w:style w:type="paragraph" w:customStyle="1" w:styleId="{paragraph_style}"><w:name w:val="{paragraph_style}"/>'
                         f'<w:basedOn w:val="{defaults["paragraph"]}"/>{text}</w:style>')
        elif text:
            continue
        flat[style_id] = _FlatStyle(table_xml, paragraph_style)
    if added:
        styles = styles.replace("</w:styles>", "".join(added) + "</w:styles>")
    return flat, styles


def _resolved(table: str, flat: dict[str, _FlatStyle]) -> str:
    """The table with its simple table style resolved (see the module's docstring)."""
    uses = _USES_STYLE.search(table)
    style = flat.get(uses.group(1)) if uses else None
    if style is None:
        return table
    properties_end = table.find("</w:tblPr>")
    own = table[:properties_end]
    table_xml = "".join(m.group(0) for name, part in _TABLE_PART.items() if f"<w:{name}" not in own and (m := part.search(style.table_xml)))
    table = table[:uses.start()] + table_xml + table[uses.end():]
    if style.paragraph_style is None:
        return table
    mark = f'<w:pStyle w:val="{style.paragraph_style}"/>'

    def styled(m: re.Match) -> str:
        if m.group(3):  # a style of its own
            return m.group(0)
        start = m.group(0)[:m.end(0) - m.start(0) - len(m.group(2) or "")].replace("/>", ">")
        if m.group(2):
            return f"{start}<w:pPr>{mark}"
        return f"{start}<w:pPr>{mark}</w:pPr>" + ("</w:p>" if m.group(1) else "")

    return _PARAGRAPH_START.sub(styled, table)


def _cut_tables(document: str, flat: dict[str, _FlatStyle] | None = None) -> Iterator[str]:
    at = 0
    for table in _TABLE.finditer(document):
        yield document[at:table.start()]
        at = table.end()
        xml = _resolved(table.group(0), flat or {})
        rows = [m for m in _ROW.finditer(xml)]
        if len(rows) <= ROWS_PER_TABLE:
            yield xml
            continue
        head = _TABLE_HEAD.match(xml).group(0)
        for start in range(0, len(rows), ROWS_PER_TABLE):
            part = rows[start:start + ROWS_PER_TABLE]
            if start:
                yield _HAIRLINE
            yield head + xml[part[0].start():part[-1].end()] + "</w:tbl>"
    yield document[at:]
