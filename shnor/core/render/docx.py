"""The справка as DOCX: docxtpl fills a Word template (the default one, or a region's own letterhead).

A template that cannot be used — not a DOCX, broken jinja tags, an unknown filter — raises `TemplateError`
with a Russian message for the coordinator; nothing else escapes from here.

The document body is rendered by streaming. docxtpl renders the whole body to one string and parses it into
an lxml tree; a national справка lists 50,000 schools twice (the list of schools and the appendix), and that
string and tree took half a gigabyte. Here the same jinja template that docxtpl prepares (`patch_xml`) is
generated piece by piece, each piece gets docxtpl's finishing touches (`resolve_listing`, the ids of pictures)
and is deflated into word/document.xml by a second thread; the rest of the package is the one docxtpl saves. Headers,
footers and properties are small and rendered by docxtpl itself. Templates with column loops (`{%tc`), whose
table grids docxtpl fixes on the parsed tree, are rendered the plain docxtpl way.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import itertools
import logging
import queue
import re
import threading
import time
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import fields
from io import BytesIO
from pathlib import Path

import jinja2
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage
from markupsafe import Markup

from shnor.core.text import strip_controls

from .content import Spravka

log = logging.getLogger(__name__)
DEFAULT_TEMPLATE = Path(__file__).parent / "templates" / "spravka.docx"
CHART_WIDTH = Mm(160)
CHUNK = 1 << 20  # characters of rendered body handled at a time
_COLUMN_LOOPS = re.compile(r"\{%-?\s*(tc|colspan)\b")
_PARAGRAPH = re.compile(r"<w:p(?: [^>]*)?>.*?</w:p>", re.DOTALL)  # as docxtpl's resolve_listing finds them
_LISTING = re.compile("[\t\a\n\f]")
_DOCPR_ID = re.compile(r'(<wp:docPr\b[^>]*?\bid=")\d+(")')


class TemplateError(Exception):
    """A Word template that cannot be filled; `message` says in Russian what to fix."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def default_template() -> bytes:
    return DEFAULT_TEMPLATE.read_bytes()


def _context(spravka, tpl: DocxTemplate) -> dict:
    # The fields as they are: dataclasses.asdict would copy the 50,000 rows of a national справка.
    context = {f.name: getattr(spravka, f.name) for f in fields(spravka) if f.name != "charts"}
    context["charts"] = [{"key": c.key, "title": c.title, "image": InlineImage(tpl, BytesIO(c.png), width=CHART_WIDTH)}
                         for c in getattr(spravka, "charts", [])]
    return context


def render(spravka: Spravka, template: bytes | None = None, *, default: Path = DEFAULT_TEMPLATE, what: str = "справки") -> bytes:
    """Fill `template` (DOCX bytes; `default` when None) with the document: the справка, or any other kind's
    content (a dataclass whose fields are the template's variables, see documents.py). `what` names the document in
    the genitive for the messages: «шаблон справки», «шаблон отчёта о мониторинге»."""
    source = template if template is not None else default.read_bytes()
    if not zipfile.is_zipfile(BytesIO(source)):
        raise TemplateError(f"Шаблон {what} не является документом Word (DOCX). Загрузите файл .docx или удалите шаблон региона, "
                            "чтобы использовать шаблон по умолчанию.")
    if template is not None:
        return _fill_explained(source, spravka, what)
    try:
        return _fill(source, spravka)
    except Exception as exc:  # the default template is ours: what failed is our fault, not the region's template
        log.exception("the default template of %s could not be filled", what)
        raise TemplateError(f"Документ не удалось сформировать из-за внутренней ошибки при заполнении шаблона {what} по умолчанию. "
                            "Ошибка записана в журнал; сообщите о ней администратору системы.") from exc


def _fill_explained(source: bytes, spravka: Spravka, what: str) -> bytes:
    """`_fill` with a region's own template, what fails explained as a fault of the template and how to mend it."""
    try:
        return _fill(source, spravka)
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(f"В шаблоне {what} ошибка в разметке полей (строка {exc.lineno} разметки): {exc.message}. "
                            "Проверьте парность тегов {% … %} и фигурных скобок {{ … }}.") from exc
    except jinja2.TemplateError as exc:
        raise TemplateError(f"Шаблон {what} не удалось заполнить: {exc}. Проверьте имена полей по списку допустимых.") from exc
    except (KeyError, ValueError, TypeError, AttributeError, zipfile.BadZipFile, OSError) as exc:
        raise TemplateError(f"Шаблон {what} повреждён или имеет неподдерживаемую структуру ({exc.__class__.__name__}: {exc}). "
                            "Сохраните его заново в Word как .docx или удалите шаблон региона.") from exc
    except Exception as exc:  # lxml and docx raise their own types on malformed parts
        raise TemplateError(f"Шаблон {what} не удалось обработать ({exc.__class__.__name__}). "
                            "Сохраните его заново в Word как .docx или удалите шаблон региона.") from exc


def check_template(template: bytes, sample: Spravka) -> None:
    """Raise TemplateError when `template` cannot be filled with `sample` (used before accepting an upload)."""
    render(sample, template)


_BODIES: dict[bytes, jinja2.Template | None] = {}  # a template's hash → its body compiled (None: it has column loops)
_BODIES_KEPT = 16


@functools.cache
def _environment() -> jinja2.Environment:
    # What docxtpl makes for render(..., autoescape=True), and every value made XML-safe as the last line of defence:
    # a control character from a finding's text would leave Word a document.xml it refuses to open.
    return jinja2.Environment(autoescape=True, finalize=_xml_safe)


def _compiled_body(tpl: DocxTemplate, source: bytes) -> jinja2.Template | None:
    """The body of the template as a compiled jinja template, kept by the template's hash: a region's ZIP renders 500
    schools' reports with one template, and preparing (patch_xml) and compiling its body was half of each render."""
    key = hashlib.sha1(source).digest()
    if key not in _BODIES:
        body = tpl.get_xml()
        compiled = None if _COLUMN_LOOPS.search(body) else _environment().from_string(
            re.sub(r"<w:p([ >])", r"\n<w:p\1", tpl.patch_xml(body)))
        if len(_BODIES) >= _BODIES_KEPT:
            _BODIES.pop(next(iter(_BODIES)))
        _BODIES[key] = compiled
    return _BODIES[key]


def _fill(source: bytes, spravka: Spravka) -> bytes:
    tpl = DocxTemplate(BytesIO(source))
    tpl.render_init()
    env = _environment()
    context = _context(spravka, tpl)
    body = _compiled_body(tpl, source)
    if body is None:  # column loops: docxtpl's own way
        tpl.render(context, env)
        out = BytesIO()
        tpl.save(out)
        return out.getvalue()
    # word/document.xml is written first, deflated by a second thread while the body renders (zlib lets go of the
    # lock): for a national справка that is 114 MB deflated alongside jinja instead of after it. The parts that
    # rendering changes (the charts' images, their relationships, the content types) follow; a ZIP's readers find
    # its parts by the central directory, in any order, as Word's own libraries write them.
    head, tail = _around_body(tpl.docx.part.blob)
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        with dst.open(_entry("word/document.xml"), "w") as document, _behind(document.write) as write:
            write(head)
            for piece in _body(tpl, body, context):
                write(piece.encode("utf-8"))
            write(tail)
        # As DocxTemplate.render does after the body.
        for uri in (tpl.HEADER_URI, tpl.FOOTER_URI):
            for rel_key, xml in tpl.build_headers_footers_xml(context, uri, env):
                tpl.map_headers_footers_xml(rel_key, xml)
        tpl.render_properties(context, env)
        tpl.render_footnotes(context, env)
        tpl.is_rendered = True
        package = BytesIO()
        tpl.save(package)  # with the charts' image parts, which rendering the body added, and the template's body
        with zipfile.ZipFile(package) as src:
            for info in src.infolist():
                if info.filename != "word/document.xml":
                    dst.writestr(info, src.read(info))
    return out.getvalue()


def _xml_safe(value):
    if isinstance(value, Markup):
        return Markup(strip_controls(value))
    return strip_controls(value) if isinstance(value, str) else value


def _body(tpl: DocxTemplate, template: jinja2.Template, context: dict) -> Iterator[str]:
    """DocxTemplate.render_xml_part for the body, as pieces that each end with a whole paragraph."""
    tpl.current_rendering_part = tpl.docx._part  # pictures (InlineImage) are added to the document's part
    ids = itertools.count(tpl.docx_ids_index + 1)
    pending: list[str] = []
    size = 0
    for piece in template.generate(context):
        pending.append(piece)
        size += len(piece)
        if size < CHUNK:
            continue
        text = "".join(pending)
        # Cut after a paragraph: resolve_listing works paragraph by paragraph, and no paragraph is open there.
        cut = text.rfind("</w:p>")
        if cut < 0:
            pending, size = [text], len(text)
            continue
        cut += len("</w:p>")
        yield _finish(tpl, text[:cut], ids)
        pending, size = [text[cut:]], len(text) - cut
    yield _finish(tpl, "".join(pending), ids)


def _finish(tpl: DocxTemplate, xml: str, ids: Iterator[int]) -> str:
    """What docxtpl does to the rendered string: undo the line breaks before paragraphs, unescape the braces, turn
    \\n, \\t, \\a and \\f in texts into breaks, and number the pictures (fix_docpr_ids) so that their ids are unique."""
    # Each replace reads the whole piece (a national справка's body is 114 MB): those that cannot apply are skipped
    # after one search for what they have in common.
    if "\n<w:p" in xml:
        xml = xml.replace("\n<w:p ", "<w:p ").replace("\n<w:p>", "<w:p>")
    if "{_" in xml:
        xml = xml.replace("{_{", "{{").replace("{_%", "{%")
    if "_}" in xml:
        xml = xml.replace("}_}", "}}").replace("%_}", "%}")
    # resolve_listing parses every run of every paragraph; only a paragraph with one of its characters needs it
    # (a table of thousands of rows spent most of its time there), and most pieces have none at all.
    if _LISTING.search(xml):
        xml = _PARAGRAPH.sub(lambda m: tpl.resolve_listing(m.group(0)) if _LISTING.search(m.group(0)) else m.group(0), xml)
    if "<wp:docPr" in xml:
        xml = _DOCPR_ID.sub(lambda m: f"{m.group(1)}{next(ids)}{m.group(2)}", xml)
    return xml


def _around_body(document: bytes) -> tuple[bytes, bytes]:
    """word/document.xml as the template's part serialises it, up to its body and after it."""
    start, end = document.index(b"<w:body"), document.index(b"</w:body>") + len(b"</w:body>")
    return document[:start], document[end:]


def _entry(name: str) -> zipfile.ZipInfo:
    entry = zipfile.ZipInfo(name, date_time=time.localtime()[:6])
    entry.compress_type = zipfile.ZIP_DEFLATED
    return entry


@contextlib.contextmanager
def _behind(write: Callable[[bytes], object], depth: int = 4) -> Iterator[Callable[[bytes], None]]:
    """`write` done by a second thread: yields the function that hands it bytes (waiting while `depth` pieces are
    still unwritten, so memory stays bounded); on leaving, waits for the last piece and raises what `write` raised."""
    pieces: queue.Queue[bytes | None] = queue.Queue(maxsize=depth)
    failed: list[BaseException] = []

    def drain() -> None:
        while (piece := pieces.get()) is not None:
            if not failed:  # after a failure the rest is only taken off the queue, so that the renderer never waits
                try:
                    write(piece)
                except BaseException as exc:  # handed to the renderer's thread below
                    failed.append(exc)

    worker = threading.Thread(target=drain, name="docx-deflate", daemon=True)
    worker.start()
    try:
        yield pieces.put
    finally:
        pieces.put(None)
        worker.join()
    if failed:
        raise failed[0]
