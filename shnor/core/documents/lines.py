"""Text patterns shared by the readers: list markers typed by hand, headings written in capitals.

Word keeps real numbering out of the text, but many reports type «1.», «1)», «·» or «–» themselves, and PDF
and TXT have nothing else; one set of patterns keeps the readers consistent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from shnor.core.text import strip_controls

# «1.», «1)», «1.2.», «2.3)» — at most three digits so that dates («12.03.2021») and years never match.
_NUMBERED = re.compile(r"^\s*(\d{1,3}(?:\.\d{1,3})*[.)])(?:\s+|(?=[А-ЯЁA-Z«\"]))")
_LETTERED = re.compile(r"^\s*([а-яa-z]\))\s+")
_ROMAN = re.compile(r"^\s*((?:X{0,3})(?:IX|IV|V?I{0,3})\.)\s+(?=\S)")
# Bullets glued to the word («·диагностика») are common; a dash needs a space after it to be a bullet.
_BULLET = re.compile(r"^\s*([·•▪◦○●■□➢►✓✔∙⁃\uf0b7\uf0a7\uf076\uf0d8])\s*|^\s*([-–—*])\s+")


@dataclass(frozen=True)
class Line:
    kind: str  # "heading" | "paragraph" | "list_item"
    text: str  # without the list marker
    marker: str = ""
    level: int = 0


def split_marker(text: str) -> tuple[str, str, int]:
    """(marker, text without it, nesting level) — marker "" when the text starts with none."""
    match = _NUMBERED.match(text)
    if match:
        marker = match.group(1)
        return marker, text[match.end():].strip(), marker.rstrip(".)").count(".")
    match = _LETTERED.match(text)
    if match:
        return match.group(1), text[match.end():].strip(), 1
    match = _BULLET.match(text)
    if match:
        marker = match.group(1) or match.group(2)
        rest = text[match.end():].strip()
        if rest:
            return marker, rest, 0
    return "", text.strip(), 0


def classify_line(text: str) -> Line:
    """How a line of plain text reads: a list item, a heading in capitals or Roman numbering, or a paragraph."""
    stripped = text.strip()
    roman = _ROMAN.match(stripped)
    if roman and roman.group(1) != ".":
        return Line("heading", stripped, level=1)
    marker, rest, level = split_marker(stripped)
    if marker:
        return Line("list_item", rest, marker, level)
    if is_capitals_heading(stripped):
        return Line("heading", stripped, level=1)
    return Line("paragraph", stripped)


def is_capitals_heading(text: str) -> bool:
    # A long word is required so that a line of abbreviations («МБОУ СОШ № 1») is not taken for a heading.
    letters = [ch for ch in text if ch.isalpha()]
    has_word = any(len(word) >= 5 and word.isalpha() for word in re.split(r"[\s\W]+", text))
    return has_word and len(text) <= 150 and all(ch.isupper() for ch in letters)


def clean(text: str) -> str:
    """Collapse runs of spaces (not line breaks), drop soft hyphens and zero-width characters."""
    text = strip_controls(text).replace("\u00ad", "").replace("\u200b", "").replace("\ufeff", "")
    text = re.sub(r"[ \t\u00a0]+", " ", text)
    text = re.sub(r" *\n *", "\n", text)
    return text.strip()
