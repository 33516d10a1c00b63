"""Russian numbers, percentages, dates and the agreement of nouns with numbers.

Typography: decimal comma; thousands grouped with a non-breaking space (NBSP) from 1 000 up; an NBSP before «%»,
between a number and the noun it counts («5 школ»), between a day and its month and before «г.», so that a line
never breaks inside them. A negative number takes the minus sign U+2212. Compare strings in tests through
`normalize_spaces`.

Rounding is ROUND_HALF_UP on the exact value (the decimal or integer itself, else a Fraction), never Python's round(): round(6.25, 1) gives 6.2,
while a coordinator expects 1 of 16 schools to be 6,3 %.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction
from functools import lru_cache

from pymorphy3.analyzer import Parse

from shnor.core.text import morph_analyzer

__all__ = [
    "NBSP",
    "agree",
    "by_number",
    "count_share",
    "format_date",
    "format_date_numeric",
    "format_decimal",
    "format_delta",
    "format_written",
    "format_percent",
    "gender_of",
    "inflect",
    "normalize_spaces",
    "parse_decimal",
    "percent",
    "plural",
    "verb_past",
]

NBSP = "\u00a0"
MINUS = "\u2212"
DASH = "—"  # shown where there is no value

Number = int | float | Decimal | Fraction


# ---------------------------------------------------------------------------------------------------------
# Numbers
# ---------------------------------------------------------------------------------------------------------


def _exact(value: Number) -> Fraction:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | Fraction):
        raise TypeError(f"not a number: {value!r}")
    if isinstance(value, float):
        # repr() is the shortest decimal that reads back as this float: 0.1 stays 0.1, not 0.1000000000000000055…
        return Fraction(repr(value))
    return Fraction(value)  # raises for NaN and infinity


def _half_up(numerator: int, denominator: int, places: int) -> Decimal:
    """numerator / denominator (denominator > 0) rounded half away from zero to `places` decimals, exactly."""
    whole, rest = divmod(abs(numerator) * 10**places, denominator)
    if 2 * rest >= denominator:
        whole += 1
    return Decimal(-whole if numerator < 0 else whole).scaleb(-places)


_QUANTA: dict[int, Decimal] = {}


def _rounded(value: Number, places: int) -> Decimal:
    """`value` rounded half away from zero to `places` decimals, exactly (a float as its shortest repr). A decimal is
    rounded by the decimal module itself, an int by integer arithmetic: a national справка formats a hundred thousand
    numbers, and building a Fraction for each took half a second. The same result as the Fraction's, which the rest
    (and what the decimal module cannot hold) still goes through."""
    kind = type(value)
    if kind is int:
        return _half_up(value, 1, places)
    if kind is Decimal or kind is float:
        exact = value if kind is Decimal else Decimal(repr(value))
        if exact.is_finite():
            quantum = _QUANTA.get(places)
            if quantum is None:
                quantum = _QUANTA[places] = Decimal(1).scaleb(-places)
            try:
                rounded = exact.quantize(quantum, rounding=ROUND_HALF_UP)
            except InvalidOperation:  # more digits than the decimal context holds
                pass
            else:
                return rounded.copy_abs() if rounded.is_zero() else rounded  # −0,04 rounds to 0, not to −0
    fraction = _exact(value)
    return _half_up(fraction.numerator, fraction.denominator, places)


def percent(part: int, total: int) -> Decimal | None:
    """Share of `part` in `total`, in %, to one decimal (13 of 16 → 81.3); None when total is 0."""
    if total == 0:
        return None
    return _half_up(part * 100 if total > 0 else -part * 100, abs(total), 1)


def _group(digits: str) -> str:
    """'1234567' → '1 234 567' with NBSPs."""
    return f"{int(digits):,}".replace(",", NBSP)


def _format_int(n: int) -> str:
    return (MINUS if n < 0 else "") + _group(str(abs(n)))


def format_decimal(value: Number | None, places: int = 1, *, strip_zero: bool = True) -> str:
    """1234.5 → '1 234,5'. With strip_zero an all-zero fraction is dropped (100.0 → '100'), 12.50 stays '12,50'."""
    if value is None:
        return DASH
    rounded = _rounded(value, places)
    whole, _, fraction = f"{abs(rounded):.{places}f}".partition(".")
    if strip_zero and not fraction.strip("0"):
        fraction = ""
    sign = MINUS if rounded < 0 else ""  # -0.04 rounds to 0 and loses its sign
    return sign + _group(whole) + ("," + fraction if fraction else "")


def format_percent(value: Number | None, places: int = 1) -> str:
    """12.5 → '12,5 %', 100 → '100 %', None → '—'."""
    if value is None:
        return DASH
    return f"{format_decimal(value, places)}{NBSP}%"


def count_share(part: int, total: int) -> str:
    """2 of 16 → '2 (12,5 %)'; with no total → '0 (—)'."""
    return f"{_format_int(part)} ({format_percent(percent(part, total))})"


def format_delta(value: Number | None, unit: str = "п.п.", places: int = 1) -> str:
    """A change with its sign: '+1,1 п.п.', '−0,8 п.п.', '0 п.п.'."""
    if value is None:
        return DASH
    text = format_decimal(value, places)
    if _rounded(value, places) > 0:
        text = "+" + text
    return f"{text}{NBSP}{unit}" if unit else text


def written_places(value: Decimal) -> int:
    """The decimals a number was written with, trailing zeros of the stored column dropped: 0.760 → 2, 5.000 → 0."""
    return max(0, -value.normalize().as_tuple().exponent)


def format_written(value: Decimal, unit: str = "", *, signed: bool = False) -> str:
    """A number read from a document as it was written there: '0,76 %', '10 чел.', with `signed` '+1,1 %', '−3 п.п.'."""
    if signed:
        return format_delta(value, unit, written_places(value))
    text = format_decimal(value, written_places(value))
    return f"{text}{NBSP}{unit}" if unit else text


_DECIMAL_RE = re.compile(
    r"(?P<sign>[-+\u2212\u2013])?\s*"
    r"(?P<whole>\d{1,3}(?:[ \u00a0\u202f\u2009]\d{3})+|\d+)"
    r"(?:[.,](?P<fraction>\d+))?"
    r"\s*%?"
)


def parse_decimal(text: str) -> Decimal | None:
    """'1,1' → 1.1, '−0,76' → -0.76, '1 234,5' → 1234.5, '12,5 %' → 12.5; anything else → None."""
    if not isinstance(text, str):
        return None
    m = _DECIMAL_RE.fullmatch(text.strip())
    if not m:
        return None
    digits = re.sub(r"\D", "", m.group("whole"))
    sign = "-" if m.group("sign") in ("-", MINUS, "\u2013") else ""
    fraction = m.group("fraction")
    return Decimal(f"{sign}{digits}.{fraction}" if fraction else f"{sign}{digits}")


def normalize_spaces(text: str) -> str:
    """NBSP, thin and other spaces → one plain space; for comparing formatted strings."""
    return " ".join(text.split())  # str.split() treats U+00A0, U+2009, U+202F as whitespace


# ---------------------------------------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------------------------------------

_MONTHS_GENITIVE = (
    "января", "февраля", "марта", "апреля", "мая", "июня",
    "июля", "августа", "сентября", "октября", "ноября", "декабря",
)  # fmt: skip


def format_date(d: date) -> str:
    """'1 июля 2021 г.'"""
    return f"{d.day}{NBSP}{_MONTHS_GENITIVE[d.month - 1]} {d.year}{NBSP}г."


def format_date_numeric(d: date) -> str:
    """'01.07.2021'"""
    return f"{d.day:02d}.{d.month:02d}.{d.year:04d}"


# ---------------------------------------------------------------------------------------------------------
# Agreement and inflection (pymorphy3)
# ---------------------------------------------------------------------------------------------------------

CASES = ("nomn", "gent", "datv", "accs", "ablt", "loct")
NUMBERS = ("sing", "plur")
_WORD_RE = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
_CYRILLIC_WORD = re.compile(r"[а-яё]+(?:-[а-яё]+)*", re.IGNORECASE)
# Counted forms that differ from the genitive plural: «5 лет», not «5 годов»; «5 человек», not «5 людей».
_COUNTED_MANY = {"год": "лет", "человек": "человек"}
# pymorphy3 lists the bookish plural first where the dictionary has two; schools have «учителя», not «учители».
_PREFERRED_FORMS = {"учители": "учителя"}
# A noun that declines like an adjective (столовая → столовой, учёный → учёного) counts like one: «2 столовые».
_ADJECTIVE_NOMINATIVE = ("ый", "ий", "ой", "ая", "яя", "ое", "ее")
_ADJECTIVE_GENITIVE = ("ого", "его", "ой", "ей")


def _count_form(n: int) -> str:
    n = abs(n)
    if n % 10 == 1 and n % 100 != 11:
        return "one"
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return "few"
    return "many"


def _frozen(word: str) -> bool:
    """Abbreviations (МБОУ, СОШ, ОО) and non-Cyrillic words do not decline."""
    return (len(word) > 1 and word.isupper()) or not _CYRILLIC_WORD.fullmatch(word)


def _nominative(word: str, pos: tuple[str, ...]) -> Parse | None:
    """The likeliest nominative reading of `word` as one of the parts of speech `pos`, or None."""
    return next((p for p in morph_analyzer().parse(word) if p.tag.POS in pos and "nomn" in p.tag), None)


def _agreeing_group(phrase: str) -> list[tuple[re.Match[str], Parse]]:
    """The words that change with case and number: leading adjectives and their noun («образовательная
    организация»). The group ends at the noun, at a quote or other punctuation, at an abbreviation or number,
    so that «учитель математики», «школа «Лидер»», «МБОУ «Пацынская СОШ»» keep their tails."""
    words = []
    last_end = 0
    for m in _WORD_RE.finditer(phrase):
        if phrase[last_end : m.start()].strip() or _frozen(m.group()):
            break
        last_end = m.end()
        words.append(m)
    group: list[tuple[re.Match[str], Parse]] = []
    for i, m in enumerate(words):
        adjective = _nominative(m.group(), ("ADJF", "PRTF"))
        noun = _nominative(m.group(), ("NOUN",))
        next_declines = i + 1 < len(words) and _nominative(words[i + 1].group(), ("NOUN", "ADJF", "PRTF"))
        if adjective and (next_declines or not noun):  # «рабочая группа», but «столовая» alone is a noun
            group.append((m, adjective))
            if not next_declines:  # a substantivised adjective ends the group: «заведующий центром»
                break
        elif noun:
            group.append((m, noun))
            break
        else:
            break
    return group


def _declines_like_adjective(parse: Parse) -> bool:
    if parse.tag.POS != "NOUN":
        return parse.tag.POS in ("ADJF", "PRTF")
    genitive = parse.inflect({"gent", "sing"})
    return parse.word.endswith(_ADJECTIVE_NOMINATIVE) and bool(
        genitive and genitive.word.endswith(_ADJECTIVE_GENITIVE)
    )


def _prefer(word: str) -> str:
    return "-".join(_PREFERRED_FORMS.get(part, part) for part in word.split("-"))


def _match_case(original: str, word: str) -> str:
    return word[:1].upper() + word[1:] if original[:1].isupper() else word


def _grammemes(parse: Parse, head: Parse, case: str, number: str, count: str | None) -> set[str]:
    """What one word of the agreeing group must become."""
    if count == "many":
        wanted = {"gent", "plur"}
    elif count == "few" and parse is head and not _declines_like_adjective(head):
        wanted = {"gent", "sing"}  # «2 школы»
    elif count == "few":
        # After 2–4 an adjective before a feminine noun is nominative plural in modern usage
        # («2 образовательные организации», «2 столовые»), before a masculine or neuter one genitive plural
        # («2 общеобразовательных учреждения», «2 учёных»).
        wanted = {"nomn" if head.tag.gender == "femn" else "gent", "plur"}
    else:
        wanted = {case, number}
    if parse is not head:
        if "sing" in wanted and head.tag.gender:
            wanted.add(head.tag.gender)
        if "accs" in wanted and head.tag.animacy and ("plur" in wanted or head.tag.gender == "masc"):
            wanted.add(head.tag.animacy)  # «молодого учителя» but «новый план», «новые школы»
    return wanted


def _counted(word: str, parse: Parse, group: list[tuple[re.Match[str], Parse]], count: str | None) -> str:
    lemma = parse.normal_form
    if count != "many" or parse is not group[-1][1] or lemma not in _COUNTED_MANY:
        return word
    if lemma == "человек" and len(group) > 1:  # «5 человек», but «5 молодых людей»
        return word
    return _COUNTED_MANY[lemma]


def _decline(phrase: str, case: str, number: str, count: str | None = None) -> str:
    """Put the agreeing group of `phrase` in `case` and `number`; with `count` ("few" or "many") follow the
    rules for words counted by a number instead («2 образовательные организации», «5 лет»)."""
    group = _agreeing_group(phrase)
    if not group:
        return phrase
    head = group[-1][1]
    out, last = [], 0
    for m, parse in group:
        form = parse.inflect(_grammemes(parse, head, case, number, count))
        word = _counted(_prefer(form.word) if form else m.group(), parse, group, count)
        out += [phrase[last : m.start()], _match_case(m.group(), word)]
        last = m.end()
    out.append(phrase[last:])
    return "".join(out)


@lru_cache(maxsize=8192)
def _cached_decline(phrase: str, case: str, number: str, count: str | None) -> str:
    return _decline(phrase, case, number, count)


def inflect(phrase: str, case: str, number: str = "sing") -> str:
    """The phrase (given in the nominative) in `case` and `number`: inflect("направление", "loct") → "направлении".
    Abbreviations, quoted names and whatever follows the head noun are kept as they are."""
    if case not in CASES:
        raise ValueError(f"case must be one of {CASES}, not {case!r}")
    if number not in NUMBERS:
        raise ValueError(f"number must be one of {NUMBERS}, not {number!r}")
    return _cached_decline(phrase, case, number, None)


def plural(n: int, word: str) -> str:
    """The form of `word` (a noun or adjective + noun, in the nominative singular) that goes with the number n."""
    form = _count_form(n)
    if form == "one":
        return _cached_decline(word, "nomn", "sing", None)
    return _cached_decline(word, "nomn", "sing", form)


def by_number(n: int, one: str, many: str) -> str:
    """The verb agreeing with a counted subject: by_number(1, "ждёт", "ждут") → "ждёт" («21 школа ждёт»),
    by_number(5, …) → "ждут"."""
    return one if _count_form(n) == "one" else many


def agree(n: int, word: str) -> str:
    """'1 школа', '2 школы', '5 школ', '1 234 школы' (NBSP between the groups and before the noun)."""
    return f"{_format_int(n)}{NBSP}{plural(n, word)}"


_LATIN = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
                  ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p", "r", "s", "t", "u", "f",
                   "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya"], strict=True))


def latin_slug(text: str, max_chars: int = 60) -> str:
    """«Мониторинг ШНОР, II полугодие» → "monitoring-shnor-ii-polugodie": a Latin code for URLs (words kept whole)."""
    latin = "".join(_LATIN.get(ch, ch) for ch in text.lower())
    words = re.findall(r"[a-z0-9]+", latin)
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > max_chars:
            break
        slug = candidate
    return slug or "campaign"


# ---------------------------------------------------------------------------------------------------------
# Gender of a person and the past tense that agrees with it
# ---------------------------------------------------------------------------------------------------------

_FEMININE_PATRONYMIC = ("вна", "чна", "кызы")
_MASCULINE_PATRONYMIC = ("вич", "ич", "оглы")


def gender_of(full_name: str) -> str | None:
    """'femn' or 'masc' from the patronymic in a full name («Марина Ивановна» → 'femn', «Андрей Николаевич» →
    'masc'); None when there is no patronymic to tell by."""
    for word in reversed(full_name.lower().replace("ё", "е").split()):
        if word.endswith(_FEMININE_PATRONYMIC):
            return "femn"
        if word.endswith(_MASCULINE_PATRONYMIC):
            return "masc"
    return None


def verb_past(masculine: str, gender: str | None) -> str:
    """The past tense agreeing with a person: verb_past("изменил", "femn") → "изменила", "отказался" →
    "отказалась"; with the gender unknown, both: "изменил(а)"."""
    reflexive = masculine.endswith(("ся", "сь"))
    stem = masculine[:-2] if reflexive else masculine
    if gender == "masc":
        return masculine
    if gender == "femn":
        return stem + ("ась" if reflexive else "а")
    return f"{stem}(а){'ся' if reflexive else ''}"
