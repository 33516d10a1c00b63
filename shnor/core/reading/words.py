"""Word-level helpers for reading: parts of speech and lemmas of single words (cached)."""

from __future__ import annotations

import re
from functools import lru_cache

from shnor.core.text import morph_analyzer


@lru_cache(maxsize=100_000)
def parse(word: str) -> tuple[str, str]:
    """(lemma, part of speech) of one word by pymorphy's most likely reading; ("", "") for non-words."""
    word = word.casefold()
    if not re.fullmatch(r"[а-яё]+(?:-[а-яё]+)?", word):
        return "", ""
    best = morph_analyzer().parse(word)[0]
    pos = str(best.tag.POS or "")
    if pos in ("PRTF", "ADJF"):
        # A participle's normal form is its verb («обучающихся» → «обучаться»); we want «обучающийся».
        nominative = best.inflect({"nomn", "sing", "masc"})
        if nominative is not None:
            return nominative.word.replace("ё", "е"), pos
    return best.normal_form.replace("ё", "е"), pos


def lemma(word: str) -> str:
    return parse(word)[0] or word.casefold()


@lru_cache(maxsize=100_000)
def is_infinitive(word: str) -> bool:
    word = word.casefold()
    if not re.fullmatch(r"[а-яё]+", word):
        return False
    # «внести», «организовать»: any reading as an infinitive counts; nouns rarely end in -ть/-ти/-чь.
    return any(p.tag.POS == "INFN" for p in morph_analyzer().parse(word)[:2])
