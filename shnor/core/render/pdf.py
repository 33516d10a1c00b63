"""The справка as PDF: weasyprint lays out the same HTML page (A4, serif 14 pt, charts inlined)."""

from __future__ import annotations

from .content import Spravka
from .html import render_page


def render(spravka: Spravka, template: bytes | None = None) -> bytes:
    return from_html(render_page(spravka))


def from_html(page: str) -> bytes:
    """The PDF of an HTML page made by html.render_page (an issued справка keeps its page to make the PDF later)."""
    # Imported here: weasyprint loads pango and fonts, which only the PDF needs.
    from weasyprint import HTML

    return HTML(string=page).write_pdf()
