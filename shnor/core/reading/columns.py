"""Table headers → column roles, by meaning: «Наименование мероприятия», «Мероприятие» and «Содержание работы»
are all the title; «Ответсвенный» with a typo is still the responsible person.

Headers are compared as lemmas with fuzzy matching, so line breaks («Отметка о\\nвыполнении»), hyphenation
(«Ожидае-\\nмый»), case and endings do not matter. A header may be spread over two rows («Результат» over
«ожидаемый | фактический»).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz

from shnor.core.text import lemmas

ROLE_SYNONYMS: dict[str, tuple[str, ...]] = {
    "title": (
        "наименование мероприятия", "мероприятие", "мероприятия", "содержание работы", "содержание мероприятия",
        "название мероприятия", "наименование мероприятий", "содержание деятельности", "вид деятельности",
        "форма работы", "наименование", "содержание", "действие", "наименование работ", "мероприятие форма проведения",
        "меры", "меры по минимизации риска", "антирисковые меры", "мероприятия по снижению риска",
    ),
    "deadline": (
        "сроки", "срок", "сроки исполнения", "срок исполнения", "сроки проведения", "срок проведения",
        "сроки реализации", "срок реализации", "дата проведения", "дата", "период", "время проведения",
        "срок выполнения", "сроки выполнения", "период реализации",
    ),
    "responsible": (
        "ответственный", "ответственные", "исполнитель", "исполнители", "ответственный исполнитель",
        "ответственные лица", "ответственное лицо", "ответственные исполнители",
    ),
    "expected": (
        "ожидаемый результат", "планируемый результат", "ожидаемые результаты", "планируемые результаты",
        "результат план", "ожидаемый эффект", "плановый результат",
    ),
    "actual": (
        "фактический результат", "результат", "информация", "информация о выполнении", "отметка о выполнении",
        "выполнено", "достигнутый результат", "результат выполнения", "фактическое выполнение",
        "информация об исполнении", "исполнение", "выполнение", "фактические результаты", "результат факт",
        "информация о реализации", "итоги", "что сделано", "полученный результат", "результаты",
    ),
    "status": ("статус", "статус выполнения", "отметка о выполнении", "выполнено не выполнено", "состояние"),
    "indicator": (
        "показатель", "индикатор", "показатели", "индикаторы", "целевой показатель", "целевые индикаторы",
        "показатель результативности", "показатели эффективности",
    ),
    "evidence": (
        "подтверждающие документы", "ссылка", "подтверждение", "ссылка на документ", "подтверждающий документ",
        "документы", "ссылки", "ссылка на подтверждающие документы", "подтверждающие материалы",
        "документ подтверждающий выполнение", "источник",
    ),
    "school": (
        "наименование оо", "образовательная организация", "оо", "школа", "наименование образовательной организации",
        "наименование школы", "оу", "наименование оу",
    ),
    "direction": ("направление", "направление деятельности", "раздел", "подпрограмма", "задача", "направление работы"),
    "participants": ("участники", "целевая группа", "категория участников", "количество участников"),
    "note": ("примечание", "комментарий", "примечания"),
    # Why an activity was not done: the entry's reason for non-fulfilment.
    "reason": ("причина невыполнения", "причины невыполнения", "причина неисполнения", "причины неисполнения",
               "причины невыполнения отклонения", "причина отклонения"),
    # Recommendations or decisions as a table: «Адресат | Рекомендация | Срок».
    "recommendation": ("рекомендация", "рекомендации", "содержание рекомендации", "адресные рекомендации",
                       "управленческое решение", "управленческие решения", "решение", "предложения"),
    "addressee": ("адресат", "адресаты", "кому адресована", "кому", "адресат рекомендации"),
    # A risk profile as a table: the school's «500+» risk, the measures against it in the title column.
    "risk": ("риск", "риски", "наименование риска", "рисковый профиль", "фактор риска", "выявленный риск",
             "выявленные риски", "направление риска", "рисковые направления"),
}
# A column whose header says «отметка» or «статус» is the status column when another column holds the result.
_STATUS_HINT = re.compile(r"отметк|статус|выполнено\s*/")
_NUMBER_HEADER = re.compile(r"^\s*(?:№|n|no|номер|п\s*/\s*п)(?:\s|$|\.|/)", re.IGNORECASE)
THRESHOLD = 74


@dataclass
class Columns:
    roles: dict[str, int] = field(default_factory=dict)  # role → column index
    header_rows: int = 0  # how many rows the header takes (0 = no header found)
    header_at: int = 0  # index of the first header row
    names: list[str] = field(default_factory=list)  # the header text of each column

    def get(self, row: list[str], role: str) -> str:
        j = self.roles.get(role)
        return row[j].strip() if j is not None and j < len(row) else ""


@lru_cache(maxsize=4096)
def _normalised(header: str) -> str:
    text = header.casefold().replace("ё", "е")
    text = re.sub(r"(\w)-\s*\n\s*(\w)", r"\1\2", text)  # «ожидае-\nмый»
    return " ".join(re.sub(r"[^\w\s/№]", " ", text).split())


@lru_cache(maxsize=4096)
def _lemma_text(text: str) -> str:
    return " ".join(lemmas(text))


_SYNONYM_LEMMAS = {role: tuple(_lemma_text(s) or s for s in synonyms) for role, synonyms in ROLE_SYNONYMS.items()}


@lru_cache(maxsize=4096)
def role_scores(header: str) -> dict[str, float]:
    """How well a header fits each role, 0–100."""
    normalised = _normalised(header)
    if not normalised:
        return {}
    scores: dict[str, float] = {}
    if _NUMBER_HEADER.match(normalised) and len(normalised) <= 12:
        scores["number"] = 100.0
    lemma_text = _lemma_text(normalised) or normalised
    for role, synonyms in _SYNONYM_LEMMAS.items():
        best = 0.0
        for raw, lemmatised in zip(ROLE_SYNONYMS[role], synonyms, strict=True):
            # Half "is the synonym in the header", half "is the header the synonym": «Наименование мероприятия
            # (форма проведения)» is a title, while «Ожидаемый результат» fits «результат» worse than itself.
            score = max(
                0.5 * fuzz.token_set_ratio(lemma_text, lemmatised) + 0.5 * fuzz.token_sort_ratio(lemma_text, lemmatised),
                fuzz.ratio(normalised, raw),
            )
            best = max(best, score)
        if best >= THRESHOLD:
            scores[role] = best
    if "status" in scores and _STATUS_HINT.search(normalised):
        scores["status"] += 1.0
    return scores


def assign(headers: list[str]) -> dict[str, int]:
    """Column index of each role, each role and column used once, best fits first."""
    pairs = []
    for j, header in enumerate(headers):
        for role, score in role_scores(header).items():
            pairs.append((score, -j, role, j))
    pairs.sort(reverse=True)
    roles: dict[str, int] = {}
    used: set[int] = set()
    for _, _, role, j in pairs:
        if role in roles or j in used:
            continue
        roles[role] = j
        used.add(j)
    if "status" in roles and "actual" not in roles:
        roles["actual"] = roles["status"]  # «Отметка о выполнении» alone is both the result and its status
    return roles


def find_header(rows: list[list[str]], look: int = 6) -> Columns:
    """The header among the first rows: the row (or pair of rows) whose cells fit the most roles."""
    best = Columns()
    best_key = (0, 0.0)
    for i in range(min(look, len(rows))):
        for height in (1, 2):
            if i + height > len(rows):
                continue
            names = _combined(rows[i:i + height])
            roles = assign(names)
            content = {r for r in roles if r not in ("number", "note")}
            if not content or (len(roles) < 2 and not content & {"title", "indicator", "school"}):
                continue
            if height == 2 and not _is_sub_header(rows[i + 1], roles):
                continue
            score = sum(role_scores(names[j]).get(role, 0.0) for role, j in roles.items())
            key = (len(roles), score)
            if key > best_key:
                best_key = key
                best = Columns(roles=roles, header_rows=height, header_at=i, names=names)
    return best


def _combined(rows: list[list[str]]) -> list[str]:
    """Header text per column; a blank top cell under a horizontal merge takes the text to its left."""
    width = max(len(row) for row in rows)
    top = rows[0] + [""] * (width - len(rows[0]))
    if len(rows) == 1:
        return top
    bottom = rows[1] + [""] * (width - len(rows[1]))
    names = []
    for j in range(width):
        parent = top[j]
        if not parent and bottom[j]:
            parent = next((top[k] for k in range(j - 1, -1, -1) if top[k]), "")
            if parent and bottom[j - 1 if j else 0] == "":
                parent = ""  # the cell to the left is not under the same merge
        names.append(" ".join(part for part in (parent, bottom[j]) if part))
    return names


def _is_sub_header(row: list[str], roles: dict[str, int]) -> bool:
    """A second header row: short texts, none of them a row number or a long sentence."""
    cells = [cell for cell in row if cell.strip()]
    if not cells:
        return False
    number = roles.get("number")
    if number is not None and number < len(row) and row[number].strip():
        return False
    return all(len(cell) <= 40 and not re.search(r"\d{2,}", cell) for cell in cells)


def is_column_numbers(row: list[str]) -> bool:
    """The row «1 | 2 | 3 | 4» printed under many Russian table headers."""
    cells = [cell.strip().rstrip(".") for cell in row if cell.strip()]
    return len(cells) >= 2 and all(cell.isdigit() for cell in cells) and [int(c) for c in cells] == list(
        range(int(cells[0]), int(cells[0]) + len(cells))
    )
