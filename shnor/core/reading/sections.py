"""The document's own sections: «Подпрограмма 1 «Адресная поддержка…»», «2. Работа с педагогами», «Раздел II.
Работа с родителями» → number and name, and the framework direction the section names.

When a campaign's framework has the same sections as the document (a municipal programme's subprogrammes), the
document's section decides the direction of its rows, not the classifier.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz import fuzz

from shnor.core.text import lemmas

_LABEL = re.compile(
    r"^\s*(?:(?:подпрограмм|направлени|раздел|блок|модул|этап|задач|цель|кластер)\w*\s*)?(?:№\s*)?"
    r"(?P<number>[IVX]{1,5}|\d{1,2}(?:\.\d{1,2})*)(?:[.)]|\s|$)\s*[.:–—-]?\s*(?P<title>.*)$",
    re.IGNORECASE,
)
MATCH = 85  # token-set similarity of lemmas above which a section names a direction


def split_section(text: str) -> tuple[str, str]:
    """(number, title) of a section as written; ("", text) when it has no number."""
    text = " ".join((text or "").split())
    match = _LABEL.match(text)
    if not match or not match.group("title").strip():
        return "", _unquoted(text)
    return match.group("number").rstrip("."), _unquoted(match.group("title"))


def _unquoted(text: str) -> str:
    text = text.strip().rstrip(".:;")
    if text[:1] in "«\"“" and text[-1:] in "»\"”":
        text = text[1:-1]
    return text.strip()


@lru_cache(maxsize=4096)
def _lemma_text(text: str) -> str:
    return " ".join(lemmas(text))


def section_direction(section: str, directions: list[tuple[str, str]] | tuple) -> str | None:
    """Code of the direction (code, name) whose name the section's title is (similar lemmas), or None when none or
    more than one fits."""
    if not section or not directions:
        return None
    _, title = split_section(section)
    wanted = _lemma_text(title)
    if not wanted:
        return None
    scored = sorted(((fuzz.token_set_ratio(wanted, _lemma_text(name)), code) for code, name in directions), reverse=True)
    if scored[0][0] < MATCH or (len(scored) > 1 and scored[1][0] == scored[0][0]):
        return None
    return scored[0][1]
