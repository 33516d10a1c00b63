"""A school's needs — causes of low results, professional deficits of teachers, risk profiles — as plain data:
the catalogue of typical ones (`data/needs.csv`, and the risk500 framework of `data/frameworks.json`), the
classification of a text as written into it, the suggestion of roadmap activities that address a need, and the
needs coverage of a campaign («выявлено в 7 школах, мероприятия запланированы в 4, проведены в 3»).

Classification is deliberately simple: the share of a catalogue phrase's lemmas found in the text, or the
similarity of the two lemma strings, whichever is higher. A catalogue of a dozen items a kind does not need a
trained model, and a person confirms or corrects the code anyway.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import cache
from pathlib import Path

from .text import lemmas, morph_analyzer

DATA_DIR = Path(__file__).parent / "data"
KINDS = {"cause": "причина низких результатов", "deficit": "профессиональный дефицит", "risk": "рисковый профиль"}
KIND_PLURAL = {"cause": "Причины низких результатов", "deficit": "Профессиональные дефициты педагогов", "risk": "Рисковые профили"}
GROUPS = {
    "management": "управленческие компетенции",
    "subject": "предметные компетенции",
    "assessment": "оценочные компетенции",
    "psychology": "психолого-педагогические компетенции",
}
# A text matches a catalogue item from this score on; below it the need keeps its text and no code.
MATCH_MIN = 0.5
# Lemmas that say nothing about which need it is: they occur in almost every item.
_NOISE = {"низкий", "высокий", "доля", "недостаточный", "дефицит", "компетенция", "обучающийся", "педагог"}


@dataclass(frozen=True)
class CatalogueItem:
    code: str
    kind: str  # cause | deficit | risk
    name: str
    group: str = ""  # a deficit's competence group
    examples: tuple[str, ...] = ()
    activity_types: frozenset[str] = frozenset()  # activity types that address it


@cache
def catalogue() -> dict[str, CatalogueItem]:
    """Typical causes and deficits, then the risk500 profiles, by code."""
    items: dict[str, CatalogueItem] = {}
    with open(DATA_DIR / "needs.csv", encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            items[row["code"]] = CatalogueItem(
                row["code"], row["kind"], row["name_ru"], row["group"],
                tuple(e.strip() for e in row["examples_ru"].split(";") if e.strip()),
                frozenset(t for t in row["activity_types"].split(";") if t),
            )
    risk_types: dict[str, set[str]] = {}
    with open(DATA_DIR / "activity_types.csv", encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            for code in filter(None, row["risk500"].split(";")):
                risk_types.setdefault(code, set()).add(row["code"])
    frameworks = json.loads((DATA_DIR / "frameworks.json").read_text(encoding="utf-8"))
    for code, name in frameworks["risk500"]["directions"]:
        items[code] = CatalogueItem(code, "risk", name, activity_types=frozenset(risk_types.get(code, ())))
    return items


def items_of(kind: str) -> list[CatalogueItem]:
    return [i for i in catalogue().values() if i.kind == kind]


@dataclass(frozen=True)
class Match:
    code: str | None
    confidence: float  # 0..1, of the best item
    alternatives: tuple[tuple[str, float], ...] = ()  # the next best, for a person who corrects


def _meaningful(text: str) -> set[str]:
    return {w for w in lemmas(text) if len(w) > 2} - _NOISE


def _score(text_lemmas: set[str], text_joined: str, phrase: str) -> float:
    phrase_lemmas = _meaningful(phrase)
    if not phrase_lemmas or not text_lemmas:
        return 0.0
    contained = len(phrase_lemmas & text_lemmas) / len(phrase_lemmas)
    similar = SequenceMatcher(None, text_joined, " ".join(sorted(phrase_lemmas))).ratio()
    return max(contained, 0.75 * similar)  # similarity alone is generous with short texts


def classify(text: str, kind: str) -> Match:
    """The catalogue item of `kind` that the text as written names, with a confidence; code None below MATCH_MIN."""
    text_lemmas = _meaningful(text)
    joined = " ".join(sorted(text_lemmas))
    scored = sorted(
        ((max(_score(text_lemmas, joined, p) for p in (item.name, *item.examples)), item.code) for item in items_of(kind)),
        reverse=True,
    )
    if not scored:
        return Match(None, 0.0)
    best, code = scored[0]
    others = tuple((c, round(s, 2)) for s, c in scored[1:4] if s > 0)
    return Match(code if best >= MATCH_MIN else None, round(best, 2), others)


# ---------------------------------------------------------------------------------------------------------
# Measures: which roadmap activities address a need
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActivityText:
    id: int
    title: str
    activity_type: str | None


@dataclass(frozen=True)
class Suggestion:
    activity_id: int
    score: float
    reason: str  # in Russian, for the person who confirms


SUGGEST_MIN = 0.34  # below this share of the need's words in the activity's title, the text alone suggests nothing


def suggest(code: str | None, text: str, activities: Iterable[ActivityText]) -> list[Suggestion]:
    """Activities that may address a need: those whose type the catalogue item lists, or whose title shares words
    with the need's text; best first."""
    item = catalogue().get(code or "")
    need_lemmas = _meaningful(f"{text} {item.name if item else ''}")
    found: list[Suggestion] = []
    for a in activities:
        by_type = bool(item and a.activity_type in item.activity_types)
        common = need_lemmas & _meaningful(a.title)
        by_text = len(common) / len(need_lemmas) if need_lemmas else 0.0
        if by_type:
            found.append(Suggestion(a.id, 1.0 + by_text, "вид мероприятия направлен на эту потребность"))
        elif by_text >= SUGGEST_MIN:
            found.append(Suggestion(a.id, by_text, "общие слова: " + ", ".join(sorted(common))))
    return sorted(found, key=lambda s: (-s.score, s.activity_id))


# ---------------------------------------------------------------------------------------------------------
# Needs coverage over a campaign's schools
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NeedRecord:
    """One need of one school as the analysis sees it."""

    school_id: int
    kind: str
    code: str  # catalogue code; for a need outside the catalogue, its folded text
    label: str  # the catalogue name, or the text as written
    group: str = ""
    measures: frozenset[int] = frozenset()  # linked planned activities
    done: frozenset[int] = frozenset()  # of those, done or partly done in a counted report of the campaign


@dataclass
class NeedCoverage:
    kind: str
    code: str
    label: str
    group: str
    schools: list[int] = field(default_factory=list)  # have the need
    planned: list[int] = field(default_factory=list)  # …and a measure against it in the roadmap
    done: list[int] = field(default_factory=list)  # …and such a measure done in the period

    @property
    def unplanned(self) -> list[int]:
        planned = set(self.planned)
        return [s for s in self.schools if s not in planned]

    def as_dict(self) -> dict:
        return {"kind": self.kind, "code": self.code, "label": self.label, "group": self.group,
                "schools": self.schools, "planned": self.planned, "done": self.done, "unplanned": self.unplanned}


KIND_ORDER = ("cause", "deficit", "risk")


def coverage(needs: Iterable[NeedRecord]) -> list[NeedCoverage]:
    """Per cause, deficit and risk: the schools that have it, plan a measure against it and did one; the most
    widespread first within a kind. A school counts once per need even if it recorded it several times."""
    rows: dict[tuple[str, str], NeedCoverage] = {}
    for n in needs:
        row = rows.setdefault((n.kind, n.code), NeedCoverage(n.kind, n.code, n.label, n.group))
        for target, yes in ((row.schools, True), (row.planned, bool(n.measures)), (row.done, bool(n.done))):
            if yes and n.school_id not in target:
                target.append(n.school_id)
    for row in rows.values():
        for ids in (row.schools, row.planned, row.done):
            ids.sort()
    return sorted(rows.values(), key=lambda r: (KIND_ORDER.index(r.kind), -len(r.schools), r.label))


def fully_addressed(needs: Iterable[NeedRecord]) -> list[int]:
    """Schools whose every need has a measure done in the period."""
    state: dict[int, bool] = {}
    for n in needs:
        state[n.school_id] = state.get(n.school_id, True) and bool(n.done)
    return sorted(s for s, ok in state.items() if ok)


_PARTICIPLE = {"masc": "выявлен", "femn": "выявлена", "neut": "выявлено", "plur": "выявлены"}
_PRONOUN = {"masc": "нему", "femn": "ней", "neut": "нему", "plur": "ним"}


def gender_of(label: str) -> str:
    """The grammatical gender (or «plur») of a noun phrase's head: the first noun in the nominative."""
    for word in label.split():
        parses = morph_analyzer().parse(word.strip("«»\"(),"))
        if not parses or "NOUN" not in parses[0].tag:
            continue  # «предметная» may be a noun too, but is first an adjective
        for p in parses:
            if "NOUN" in p.tag and "nomn" in p.tag:  # «компетентность» is first read as accusative
                return "plur" if "plur" in p.tag else (p.tag.gender or "masc")
    return "masc"


def describe(row: NeedCoverage, count_in) -> str:
    """«дефицит оценочных компетенций выявлен в 7 школах, мероприятия по нему запланированы в 4, проведены в 3»;
    `count_in` is findings.count_in (passed in to keep this module free of the rules). A risk profile is named as
    one: the catalogue names some profiles like causes («низкая учебная мотивация обучающихся»), and the two lines
    would read as one need counted twice."""
    label = row.label[0].lower() + row.label[1:] if row.label[1:2].islower() else row.label
    if row.kind == "risk":
        label, g = f"рисковый профиль «{label}»", "masc"
    else:
        g = gender_of(row.label)
    found = f"{label} {_PARTICIPLE[g]} в {count_in(len(row.schools), 'школа', 'loct')}"
    planned, done = len(row.planned), len(row.done)
    if not planned and not done:
        return f"{found}, мероприятий по {_PRONOUN[g]} нет"
    if not done:
        return f"{found}, мероприятия по {_PRONOUN[g]} запланированы в {planned}, ещё не проведены"
    if not planned:
        return f"{found}, мероприятия по {_PRONOUN[g]} не запланированы, проведены в {done}"
    return f"{found}, мероприятия по {_PRONOUN[g]} запланированы в {planned}, проведены в {done}"
