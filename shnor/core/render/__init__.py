"""Rendering the справка: one content model (content.py), charts drawn once (charts.py), one renderer per format.

Each renderer is `render(spravka, template: bytes | None = None) -> bytes`; a new format is one module and one
line in RENDERERS. Only the DOCX renderer uses a template (a region's Word letterhead).
"""

from __future__ import annotations

from collections.abc import Callable

from . import docx, html, pdf
from .content import Spravka

Renderer = Callable[..., bytes]

RENDERERS: dict[str, Renderer] = {
    "docx": docx.render,
    "pdf": pdf.render,
    "html": html.render,
}
CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
}


def render(spravka: Spravka, fmt: str, template: bytes | None = None) -> bytes:
    if fmt not in RENDERERS:
        raise ValueError(f"unknown format {fmt!r}; one of {sorted(RENDERERS)}")
    return RENDERERS[fmt](spravka, template)
