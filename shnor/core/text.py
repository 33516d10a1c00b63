"""Russian text → tokens and lemmas, tuned for the wording of school and municipal reports.

Reports are typed in a hurry: abbreviations of the field («КПК», «ИУПов», «КДР4»), dates, order numbers,
short links and words run together («документыподтверждают») are all common. `lemmas` turns such text
into lower-case normal forms that a vectoriser can count.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache

import pymorphy3
from razdel import tokenize

# Abbreviations of the field, kept as single tokens (pymorphy does not know most of them and would
# otherwise guess a noun and "normalise" it into something else). Lower-cased on output.
FIELD_ABBREVIATIONS: frozenset[str] = frozenset(
    """
    КПК РМО ШМО ММО ГМО МО ВСОКО МСОКО ВШСОКО ВПР ОГЭ ЕГЭ ГВЭ ГИА ИОМ ИУП ИОП УУД ВсОШ ОВЗ АООП КДР
    ЦНППМ МОЦ ИРО ВКС ШНОР ШНРО ДПО ОО ОУ ОМСУ СОШ ООШ НОШ МБОУ МКОУ МАОУ МОУ ЦОР ЭОР ЦОС СМИ РУМО
    МППКО ППк ПМПК ПМПк ФГОС ООП КИМ ВШК ИКТ ДОТ ФГ НОО ООО СОО ПДС ЦДО SWOT
    """.split()
)
_ABBR_BY_FOLD = {a.casefold(): a.casefold() for a in FIELD_ABBREVIATIONS}

# Clipped words that reports use in table cells («пед.работников», «12 чел.», «2021-2022 уч.г.»).
_CLIPPED = {
    "пед": "педагогический",
    "чел": "человек",
    "уч": "учебный",
    "кл": "класс",
    "г": "год",
    "гг": "год",
    "мет": "методический",
    "рук": "руководитель",
    "отв": "ответственный",
}

# Case endings people glue onto abbreviations: «ИУПов», «ИОМы», «ВПРом», «КПК-шки» is rare enough to ignore.
_ABBR_WITH_ENDING = re.compile(
    r"^(?P<abbr>[A-ZА-ЯЁ][A-Za-zА-Яа-яЁё]*?[A-ZА-ЯЁ])(?P<ending>ов|ам|ами|ах|ом|ы|а|у|е|и)$"
)
_URL = re.compile(r"(?:https?://|www\.)\S+|\b[\w.-]+\.(?:ru|рф|com|org|net)(?:/\S*)?", re.IGNORECASE)
_EMAIL = re.compile(r"\S+@\S+")
_CYRILLIC_WORD = re.compile(r"^[а-яё]+$")
_RUSSIAN_OR_LATIN_WORD = re.compile(r"^[a-zа-яё]+$")
_LOWER_THEN_UPPER = re.compile(r"(?<=[а-яё])(?=[А-ЯЁ])")
_LETTERS = re.compile(r"[^\W\d_]+")

# Below this length an unknown word is more likely a name or a typo than two words glued together.
_MIN_RUN_TOGETHER_LENGTH = 9
_MIN_PART_LENGTH = 3

_morph_lock = threading.Lock()
_morph: pymorphy3.MorphAnalyzer | None = None
_QUOTES = re.compile(r"[«»\"“”„'`]")


def morph_analyzer() -> pymorphy3.MorphAnalyzer:
    """The process's one pymorphy3 analyser (lemmas, parts of speech, inflection) for every module of core."""
    # Loading the dictionaries takes ~0.3 s and ~15 MB: do it once per process, and only when needed.
    global _morph
    if _morph is None:
        with _morph_lock:
            if _morph is None:
                _morph = pymorphy3.MorphAnalyzer()
    return _morph


def fold(text: str | None) -> str:
    """Lower case, ё → е, quotes dropped, spaces collapsed: the form names and texts are compared and searched in
    («МБОУ "Гобикская СОШ"» and «мбоу гобикская сош» fold alike)."""
    text = _QUOTES.sub(" ", (text or "").casefold().replace("ё", "е"))
    return " ".join(text.split())


def tokens(text: str) -> list[str]:
    """Razdel tokens of the text, punctuation included."""
    return [t.text for t in tokenize(text or "")]


def lemmas(text: str) -> list[str]:
    """Lower-case normal forms of the words of `text`.

    Numbers, punctuation, links, e-mails and single-letter words («в», «и», «с») are dropped.
    """
    text = _EMAIL.sub(" ", _URL.sub(" ", text or ""))
    result: list[str] = []
    for token in tokens(text):
        for part in token.split("-"):
            result.extend(_token_lemmas(part))
    return result


def lemma_text(text: str) -> str:
    """Space-joined lemmas, the input that word vectorisers expect."""
    return " ".join(lemmas(text))


def normalise(text: str) -> str:
    """Lower-case text with ё → е, links and digits removed and spaces collapsed (for char n-grams, dedup)."""
    text = _EMAIL.sub(" ", _URL.sub(" ", text or "")).casefold().replace("ё", "е")
    text = re.sub(r"\d+", " ", text)
    return " ".join(text.split())


def _token_lemmas(token: str) -> tuple[str, ...]:
    if not token:
        return ()
    abbreviation = _abbreviation(token)
    if abbreviation:
        return (abbreviation,)
    if _LOWER_THEN_UPPER.search(token):
        # «вМБОУ», «урокиМатематики»: a capital right after a lower-case letter starts a new word.
        return tuple(lemma for piece in _LOWER_THEN_UPPER.split(token) for lemma in _token_lemmas(piece))
    if any(ch.isdigit() for ch in token):
        # «КДР4», «9-классники», «ВПР2020»: the letters carry the meaning, the digits do not.
        letters = "".join(_LETTERS.findall(token))
        if letters == token or len(letters) < 2:
            return ()
        return _token_lemmas(letters)
    if not _LETTERS.fullmatch(token):
        return ()
    return _word_lemmas(token.casefold())


def _abbreviation(token: str) -> str | None:
    folded = token.casefold()
    if token.isupper() or token in FIELD_ABBREVIATIONS:
        if folded in _ABBR_BY_FOLD:
            return _ABBR_BY_FOLD[folded]
    match = _ABBR_WITH_ENDING.match(token)
    if match and match["abbr"].casefold() in _ABBR_BY_FOLD:
        return _ABBR_BY_FOLD[match["abbr"].casefold()]
    return None


@lru_cache(maxsize=200_000)
def _word_lemmas(word: str) -> tuple[str, ...]:
    """Lemmas of one lower-case word; usually one, several when the word is a run-together of known words."""
    if word in _CLIPPED:
        return (_CLIPPED[word],)
    if word in _ABBR_BY_FOLD:
        return (word,)
    morph = morph_analyzer()
    if _CYRILLIC_WORD.match(word) and len(word) >= _MIN_RUN_TOGETHER_LENGTH and not morph.word_is_known(word):
        parts = _split_run_together(word)
        if parts:
            return tuple(lemma for part in parts for lemma in _word_lemmas(part))
    if len(word) < 2:
        return ()
    if not _RUSSIAN_OR_LATIN_WORD.match(word):
        # pymorphy raises on letters without a Unicode name; other scripts have nothing to normalise anyway.
        return (word,)
    return (morph.parse(word)[0].normal_form.replace("ё", "е"),)


def _split_run_together(word: str) -> list[str] | None:
    """«документыподтверждают» → ["документы", "подтверждают"], if every part is a dictionary word."""
    morph = morph_analyzer()
    # Longest known prefix first, so that «документы|…» wins over «документ|ы…».
    for cut in range(len(word) - _MIN_PART_LENGTH, _MIN_PART_LENGTH - 1, -1):
        head, tail = word[:cut], word[cut:]
        if not morph.word_is_known(head):
            continue
        if morph.word_is_known(tail):
            return [head, tail]
        if len(tail) >= _MIN_RUN_TOGETHER_LENGTH:
            rest = _split_run_together(tail)
            if rest:
                return [head, *rest]
    return None


# The largest id a database integer column holds: a longer number in a query string is no id, not a database error.
MAX_ID = 2**63 - 1


def parse_id(text: str | None) -> int | None:
    """An id from a query string, or None for anything that cannot be one («abc», «²», 99999999999999999999)."""
    text = (text or "").strip()
    return int(text) if text.isdecimal() and text.isascii() and 0 < int(text) <= MAX_ID else None


# C0 controls but tab, line feed and carriage return; DEL and the C1 block; UTF-16 surrogates and the two
# non-characters: none of them can be typed, XML (DOCX, XLSX) refuses them, and terminals obey them.
_CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def strip_controls(text: str) -> str:
    """`text` without control characters (tab, line feed and carriage return stay): for text entering the system
    from forms, the API and documents, and for text written into DOCX, XLSX and CSV files."""
    return _CONTROL_CHARACTERS.sub("", text)


def shorten_file_name(name: str, *, max_chars: int = 200, max_bytes: int | None = None) -> str:
    """`name` cut to `max_chars` characters (and `max_bytes` bytes of UTF-8: file systems count a name's bytes,
    255 at most, and a Cyrillic letter takes two), keeping its extension."""
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem or len(ext) > 10 or not ext.isalnum():
        stem, ext = name, ""
    ext = f".{ext}" if ext else ""

    def fits(text: str) -> bool:
        return len(text) <= max_chars and (max_bytes is None or len(text.encode("utf-8")) <= max_bytes)

    stem = stem[:max_chars]
    while stem and not fits(stem.rstrip() + ext):
        stem = stem[:-1]
    return (stem.rstrip() + ext) if stem else ext.lstrip(".")


def strip_controls_in(data):
    """`data` (a form's or a serializer's cleaned data) with `strip_controls` applied to every text in it,
    nested lists and dicts included; other values are left as they are."""
    if isinstance(data, str):
        return strip_controls(data)
    if isinstance(data, dict):
        for key, value in data.items():
            data[key] = strip_controls_in(value)
    elif isinstance(data, list):
        data[:] = [strip_controls_in(value) for value in data]
    return data


def clip(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters for a line people read (an audit entry quoting a long text): at a word
    boundary where there is one in its second half, and marked with «…»."""
    if len(text) <= limit:
        return text
    cut = text[:limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:—-") + "…"
