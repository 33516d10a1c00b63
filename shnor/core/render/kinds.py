"""The renderers of a document kind other than the справка: its own default Word template (replaceable by
a region's, same engine as the справка's: docx.render), its own HTML page, and the PDF LibreOffice makes of the DOCX."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from markupsafe import Markup

from . import docx
from .html import CSS, _environment
from .pdf import from_docx

TEMPLATES = Path(__file__).parent / "templates"
# Each kind's name in the genitive, for messages about its template: «Шаблон отчёта о мониторинге не является …».
TEMPLATE_NAMES = {"spravka": "справки", "plan-vs-actual": "отчёта о реализации дорожной карты", "note": "аналитической записки",
                  "monitoring": "отчёта о мониторинге"}
# The Latin stem of each kind's file names: spravka-…, otchet-…, zapiska-…, monitoring-….
FILE_PREFIXES = {"spravka": "spravka", "plan-vs-actual": "otchet", "note": "zapiska", "monitoring": "monitoring"}


def default_template(name: str) -> bytes:
    """The kind's own default Word template, as a region downloads it to make its own."""
    return (TEMPLATES / f"{name}.docx").read_bytes()


def renderers(name: str) -> dict[str, Callable[..., bytes]]:
    """{"docx", "html", "pdf"} → render(doc, template=None) for the kind whose templates are templates/<name>.docx
    and templates/<name>.html (the page gets the content as `d`)."""

    def page(doc) -> str:
        return _environment().get_template(f"{name}.html").render(d=doc, css=Markup(CSS))

    return {
        "docx": lambda doc, template=None: docx.render(doc, template, default=TEMPLATES / f"{name}.docx", what=TEMPLATE_NAMES[name]),
        "html": lambda doc, template=None: page(doc).encode("utf-8"),
        "pdf": lambda doc, template=None: from_docx(docx.render(doc, template, default=TEMPLATES / f"{name}.docx", what=TEMPLATE_NAMES[name])),
    }
