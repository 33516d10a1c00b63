"""School names in text («МБОУ СОШ № 2 пгт Кавалерово», «МБОУ "Гобикская СОШ Рогнединского района"») and
their match in the registry.

Names are compared without what varies between documents (quotes, МБОУ/МОУ/МКОУ, «имени …», district suffixes,
«пгт»/«пос.»), by their distinctive words with fuzzy matching, and by school number exactly: fuzzy scores put
«СОШ № 2» as close to «СОШ № 1» as to itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

from shnor.core.reading.model import SchoolMention, SchoolRef
from shnor.core.reading.words import lemma

_FORMS = r"(?:М[БАК]?ОУ|МОБУ|МОАУ|МАОУ|МКОУ|ГБОУ|ГКОУ|ГАОУ|КГБОУ|КГКОУ|КГАОУ|ОГБОУ|ОГАОУ|ОГКОУ|ЧОУ|НОУ|АНОО?)"
_TYPES = r"(?:СОШ|ООШ|НОШ|СШ|ОШ|[Сс]редняя\s+(?:общеобразовательная\s+)?школа|[Оо]сновная\s+(?:общеобразовательная\s+)?школа|[Гг]имназия|[Лл]ицей)"
_START = re.compile(
    rf"(?<![А-ЯЁA-Z]){_FORMS}(?:-\s*(?:СОШ|ООШ|НОШ|СШ))?(?![а-яёА-ЯЁ])|"
    rf"(?<![\w-])[А-ЯЁ][а-яё]+(?:ая|ой|ую|ей|ий|ого)\s+{_TYPES}(?![а-яё])"
)
# Lower-case words that may stand inside a school's name.
_NAME_WORDS = {
    "имени", "им", "района", "округа", "области", "края", "муниципального", "городского", "муниципальный",
    "с", "пос", "п", "пгт", "г", "д", "ст", "рп", "села", "поселка", "посёлка", "деревни", "города", "станицы",
    "школа", "средняя", "основная", "начальная", "общеобразовательная", "школа-интернат", "гимназия", "лицей",
    "№", "n", "кадетская",
}
_PLACE_GLUED = re.compile(r"^(?:с|п|пос|пгт|г|д|ст)\.[А-ЯЁ]")
_INITIALS = re.compile(r"^(?:[А-ЯЁ]\.){1,2}[А-ЯЁ]?[а-яё]*")
_TOKEN = re.compile(r"«[^»]*»|\"[^\"]*\"|“[^”]*”|„[^“”]*[“”]|\S+")
_ABBREV_DOT = {"с.", "п.", "пос.", "пгт.", "г.", "д.", "им.", "ст.", "р.п."}
MATCH_THRESHOLD = 85


def find_school_names(text: str) -> list[tuple[int, int, str]]:
    """(start, end, name) of each school named in the text."""
    result: list[tuple[int, int, str]] = []
    position = 0
    while True:
        match = _START.search(text, position)
        if not match:
            return result
        end = _name_end(text, match.start(), match.end())
        name = text[match.start():end].strip(" ,.;:-–")
        position = max(end, match.end())
        if _has_substance(name):
            result.append((match.start(), match.start() + len(name), name))


def is_bare_school_name(text: str) -> bool:
    """A text holding nothing but a school's name («МБОУ СОШ № 2 пгт Кавалерово», «МБОУ СОШ № 2:»)."""
    if len(text) > 160:
        return False
    names = find_school_names(text)
    rest = text
    for start, end, _ in sorted(names, reverse=True):
        rest = rest[:start] + rest[end:]
    return bool(names) and not re.search(r"[А-ЯЁа-яё]{3,}", rest)


def _name_end(text: str, start: int, head_end: int) -> int:
    end = head_end
    previous = ""
    for token in _TOKEN.finditer(text, head_end):
        gap = text[end:token.start()]
        if "\n" in gap or any(ch in gap for ch in ",;:()"):
            break
        word = token.group(0)
        core = word.rstrip(",;:)")
        if not _belongs(core, previous):
            break
        end = token.start() + len(core)
        previous = core
        if core != word or (core.endswith(".") and core not in _ABBREV_DOT and not _INITIALS.match(core)):
            # «…района;» or a sentence full stop: the name ends with this word.
            if core.endswith(".") and core not in _ABBREV_DOT and not _INITIALS.match(core):
                end -= 1
            break
    return end


def _belongs(word: str, previous: str) -> bool:
    bare = word.rstrip(".").casefold()
    if word[:1] in "«\"“„":
        return True
    if word in ("-", "–", "—"):
        return False
    if re.match(_FORMS + r"$", word.rstrip(".")):
        return False  # the next school starts
    if word == "и":
        return False
    if bare in _NAME_WORDS or word.rstrip(".") in ("СОШ", "ООШ", "НОШ", "СШ", "ОШ"):
        return True
    if re.fullmatch(r"\d{1,4}[а-яА-Я]?", word.rstrip(".")):
        return previous.casefold().rstrip(".") in ("№", "n", "сош", "оош", "нош", "школа", "гимназия", "лицей") or previous.endswith("№")
    if re.fullmatch(r"№\d+", word.rstrip(".")):
        return True
    if _PLACE_GLUED.match(word) or _INITIALS.match(word):
        return True
    if word[:1].isupper():
        return True
    # «Жуковского муниципального округа», «Брянского района»: a lower-case adjective before a district word.
    return bool(re.fullmatch(r"[а-яё]+(?:ого|ой|его|ский|ская)", bare)) and previous[:1].isupper()


def _has_substance(name: str) -> bool:
    return len(re.findall(r"[\wА-Яа-яЁё№]+", name)) >= 2


# ---------------------------------------------------------------- matching


@dataclass(frozen=True)
class _Key:
    number: str | None
    kind: str
    words: str  # sorted lemmas of the distinctive words


_ORG_WORDS = {
    "муниципальное", "муниципальная", "бюджетное", "казенное", "казённое", "автономное", "государственное",
    "общеобразовательное", "образовательное", "учреждение", "организация", "краевое", "областное", "частное",
}
_PLACE_WORDS = {"с", "пос", "п", "пгт", "г", "д", "ст", "рп", "село", "села", "поселок", "поселка", "город", "города",
                "деревня", "деревни", "станица", "имени", "им", "n", "№"}
_KINDS = (
    ("сош", r"\bсош\b|\bсш\b|средняя\s+(?:общеобразовательная\s+)?школа"),
    ("оош", r"\bоош\b|основная\s+(?:общеобразовательная\s+)?школа"),
    ("нош", r"\bнош\b|начальная\s+(?:общеобразовательная\s+)?школа"),
    ("гимназия", r"гимнази"),
    ("лицей", r"лице[йя]"),
)
_NAMESAKE = re.compile(r"\b(?:имени|им\.)\s*(?:(?:[А-ЯЁ][\w.-]*|[А-ЯЁ]\.)\s*){1,5}")
_DISTRICT = re.compile(
    r"\b[\w-]+(?:ого|ой|его)\s+(?:муниципального\s+|городского\s+)?(?:района|округа|области|края)\b", re.IGNORECASE
)


@lru_cache(maxsize=50_000)
def school_key(name: str) -> _Key:
    text = name
    for _ in range(3):  # districts first: «имени Н.И.Рыленкова Рогнединского района» would take the district along
        text = _DISTRICT.sub(" ", text)
    text = _NAMESAKE.sub(" ", text)
    folded = text.casefold().replace("ё", "е")
    number = re.search(r"№\s*(\d+)|\b(?:сош|оош|нош|школа|гимназия|лицей|сш)\s*(\d+)\b|\b(\d+)\b", folded)
    kind = next((code for code, pattern in _KINDS if re.search(pattern, folded)), "")
    for _, pattern in _KINDS:
        folded = re.sub(pattern, " ", folded)
    folded = re.sub(r"\b" + _FORMS.casefold() + r"\b", " ", folded)
    words = re.findall(r"[а-яa-z]+(?:-[а-яa-z]+)?", folded)
    distinct = sorted(
        lemma(word) for word in words
        if word not in _ORG_WORDS and word not in _PLACE_WORDS and len(word) > 1 and word != "школа"
    )
    digits = next((g for g in number.groups() if g), None) if number else None
    return _Key(digits, kind, " ".join(distinct))


def match_school(name: str, schools: list[SchoolRef]) -> int | None:
    """The id of the registry school `name` refers to, or None when none (or more than one) fits."""
    key = school_key(name)
    scored: list[tuple[float, int]] = []
    for school in schools:
        best = max(_score(key, school_key(candidate)) for candidate in (school.name, school.short_name) if candidate)
        if best >= MATCH_THRESHOLD:
            scored.append((best, school.id))
    if not scored:
        return None
    scored.sort(reverse=True)
    tied = [school_id for score, school_id in scored if score == scored[0][0]]
    if len(set(tied)) > 1:
        # Namesakes in different municipalities: the one whose municipality the text names, or none at all.
        by_id = {school.id: school for school in schools}
        named = [i for i in tied if _names_municipality(name, by_id[i].municipality)]
        return named[0] if len(named) == 1 else None
    return scored[0][1]


def _names_municipality(text: str, municipality: str) -> bool:
    stems = [word[:-3].casefold() for word in re.findall(r"[А-ЯЁ][а-яё]{4,}", municipality)]
    return any(stem in text.casefold() for stem in stems)


def _score(text: _Key, school: _Key) -> float:
    if (text.number or school.number) and text.number != school.number:
        if text.number and school.number:
            return 0.0
        if not (text.words and school.words):
            return 0.0
    penalty = 20.0 if text.kind and school.kind and text.kind != school.kind else 0.0
    if not text.words:
        return (95.0 if text.number and text.number == school.number else 0.0) - penalty
    if not school.words:
        return 0.0
    return fuzz.token_set_ratio(text.words, school.words) - penalty


def mention(name: str, schools: list[SchoolRef]) -> SchoolMention:
    return SchoolMention(text=name, school_id=match_school(name, schools) if schools else None)
