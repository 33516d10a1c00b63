"""Counted things in free text: «18 предметных недель», «12 педагогов», «в 5 из 8 ОУ» → value, unit, text."""

from __future__ import annotations

import re
from decimal import Decimal

from shnor.core.reading.model import Quantity
from shnor.core.reading.words import parse

_QUANTITY = re.compile(
    r"(?<![\w.,/№–—-])(\d+(?:,\d+)?)(?:\s+из\s+(\d+))?\s+"
    r"((?:[А-ЯЁ]{2,}[а-я]{0,3}(?![А-ЯЁа-яё])|[А-ЯЁа-яё][а-яё]*(?:-[а-яё]+)?)(?:\s+[а-яё]+(?:-[а-яё]+)?){0,2})"
)
_ABBREVIATION = re.compile(r"^[А-ЯЁ]{2,}")
_NOT_COUNTED = {"год", "г", "гг", "час", "минута", "процент", "балл", "раз", "класс", "пгт", "пос", "село", "поселок"}
_NUMBER_SIGN = re.compile(r"№\s*$")
_MONTHS = re.compile(r"^(январ|феврал|март|апрел|ма[яй]|июн|июл|август|сентябр|октябр|ноябр|декабр)")
# Bounds written before the number: «более 20 консультаций», «не менее 3 семинаров» (lower); «не более 5» (upper).
_LOWER = {"более", "свыше", "больше", "не менее", "не меньше", "как минимум", "минимум", "от", "более чем"}
_BOUND = re.compile(r"(?<![\w-])(?:не\s+менее|не\s+меньше|не\s+более|не\s+больше|как\s+минимум|более\s+чем|более|свыше"
                    r"|больше|менее|меньше|минимум|максимум|от|до)\s+$", re.IGNORECASE)
# «с 28 до 10 человек»: the number before is the previous level.
_FROM = re.compile(r"(?<![\w-])с\s+(\d+(?:,\d+)?)\s*(?:%|чел\w*\.?)?\s+до\s+$", re.IGNORECASE)
_SKIPPED_POS = {"ADJF", "PRTF", "NUMR", "ADJS"}


def find_quantities(text: str) -> list[Quantity]:
    result: list[Quantity] = []
    for match in _QUANTITY.finditer(text or ""):
        spans = list(re.finditer(r"\S+", match.group(3)))
        words = [m.group(0) for m in spans]
        unit, used = _unit(words)
        if not unit or _MONTHS.match(words[0].casefold()) or _NUMBER_SIGN.search(text[:match.start()]):
            continue
        value = Decimal(match.group(1).replace(",", "."))
        if unit in _NOT_COUNTED or (unit == "год" and 1900 <= value <= 2100):
            continue
        of = Decimal(match.group(2)) if match.group(2) else None
        end = match.start(3) + spans[used - 1].end()
        before = text[max(0, match.start() - 40):match.start()]
        start = match.start()
        quantity = Quantity(value=value, unit=unit, text="", of=of)
        change = _FROM.search(before)
        bound = _BOUND.search(before)
        if change:
            quantity.previous = Decimal(change.group(1).replace(",", "."))
            start -= len(change.group(0))
        elif bound:
            words = " ".join(bound.group(0).casefold().split())
            quantity.at_least = words in _LOWER
            quantity.at_most = not quantity.at_least
            start -= len(bound.group(0))
        quantity.text = text[start:end]
        result.append(quantity)
    return result


def _unit(words: list[str]) -> tuple[str, int]:
    """The counted noun's lemma (or an abbreviation as written) and how many words it took to reach it."""
    first_adjective = ""
    for i, word in enumerate(words):
        abbreviation = _ABBREVIATION.match(word)
        if abbreviation and word.isupper():
            return abbreviation.group(0), i + 1
        lemma, pos = parse(word)
        if pos == "NOUN":
            return lemma, i + 1
        if pos in _SKIPPED_POS:
            first_adjective = first_adjective or lemma
            continue
        break
    # «25 обучающихся занимаются»: a participle used as a noun.
    return (first_adjective, 1) if first_adjective else ("", 0)
