"""The справка as PDF: weasyprint lays out the same HTML page (A4, serif 14 pt, charts inlined)."""

from __future__ import annotations

from .content import Spravka
from .html import render_page


def render(spravka: Spravka, template: bytes | None = None) -> bytes:
    # Imported here: weasyprint loads pango and fonts, which only the PDF needs.
    from weasyprint import HTML

    return HTML(string=render_page(spravka)).write_pdf()
