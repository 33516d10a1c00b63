"""The справка as HTML: a fragment for the browser preview, or a whole A4 page (the PDF's source).

jinja2 (it comes with docxtpl) with autoescaping: every text from reports and coordinators is escaped.
Charts are embedded as data: URIs of the same PNG bytes the DOCX uses.
"""

from __future__ import annotations

import base64
from functools import lru_cache
from pathlib import Path

import jinja2
from markupsafe import Markup

from .content import Spravka

TEMPLATES = Path(__file__).parent / "templates"

# Shared by the preview and the PDF: the справка reads the same in both.
CSS = """
.spravka p { margin: 0 0 .35em; text-align: justify; }
.spravka .sp-head { text-align: center; margin-bottom: 1em; }
.spravka .sp-head p { text-align: center; margin: 0; }
.spravka .sp-title { font-weight: bold; font-size: 1.1em; }
.spravka .sp-notes { border: 1px solid #b36b00; padding: .3em .6em; margin: .5em 0 1em; }
.spravka .sp-list, .spravka .sp-bullets { margin: 0 0 .5em; padding-left: 1.6em; }
.spravka .sp-list > li { list-style: decimal; }
.spravka .sp-bullets > li { list-style: "· "; }
.spravka .sp-table { border-collapse: collapse; width: 100%; margin: .3em 0 .8em; font-size: .85em; }
.spravka .sp-table th, .spravka .sp-table td { border: 1px solid #555; padding: .15em .35em; vertical-align: top; text-align: left; }
.spravka .sp-table td.num { text-align: right; white-space: nowrap; }
.spravka .sp-chart { margin: .6em 0; text-align: center; page-break-inside: avoid; }
.spravka .sp-chart img { max-width: 100%; height: auto; }
.spravka .sp-chart figcaption { font-size: .8em; }
.spravka .sp-muted { font-size: .9em; font-style: italic; }
.spravka .sp-author { margin-top: 2em; }
.spravka .sp-appendix { margin-top: 2em; page-break-before: always; }
.spravka .sp-appendix .sp-appendix-number { text-align: right; }
.spravka .sp-appendix .sp-appendix-title { text-align: center; }
@media screen and (max-width: 720px) {
  .spravka { overflow-wrap: anywhere; }
  .spravka .sp-table { display: block; overflow-x: auto; }
}
"""


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, undefined=jinja2.StrictUndefined,
        trim_blocks=True, lstrip_blocks=True,
    )


def _charts(spravka: Spravka) -> list[dict]:
    return [{"key": c.key, "title": c.title, "b64": base64.b64encode(c.png).decode("ascii")} for c in spravka.charts]


def render_fragment(spravka: Spravka) -> str:
    """The справка as an <article> to place inside a page."""
    return _environment().get_template("spravka.html").render(s=spravka, charts=_charts(spravka), fragment=True, css="")


def render_page(spravka: Spravka) -> str:
    return _environment().get_template("spravka.html").render(s=spravka, charts=_charts(spravka), fragment=False,
                                                               css=Markup(CSS))


def render(spravka: Spravka, template: bytes | None = None) -> bytes:
    """A whole HTML document (UTF-8). `template` is for the DOCX renderer's signature and is ignored."""
    return render_page(spravka).encode("utf-8")
