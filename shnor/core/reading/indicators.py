"""Quantitative indicators in prose and in indicator tables.

«повысилось качество знаний на 1,1 %», «увеличилось на 5 человек» (changes), «Количество неуспевающих учащихся уменьшилось на 0,76 %
(с 28 до 10 человек)» (a change and a level with its previous value), «успеваемость – 97,5 %», «средний балл ОГЭ
по математике 3,4», «участников ВсОШ 25, победителей 2, призёров 5», «КПК прошли 12 педагогов».
Each indicator the project tracks has a stable code; the name is the project's, the text is the document's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from razdel import sentenize

from shnor.core.reading.model import IndicatorMention
from shnor.core.reading.quantities import find_quantities
from shnor.core.reading.words import lemma


@dataclass(frozen=True)
class _Definition:
    code: str
    name: str
    pattern: re.Pattern[str]
    unit: str
    counted: tuple[str, ...] = ()  # lemmas of what is counted, for «КПК прошли 12 педагогов»
    needs: re.Pattern[str] | None = None  # the sentence must also mention this (олимпиада for «победителей»)


def _d(code: str, name: str, pattern: str, unit: str, counted: tuple[str, ...] = (), needs: str = "") -> _Definition:
    return _Definition(code, name, re.compile(pattern), unit, counted, re.compile(needs) if needs else None)


_OLYMPIAD = r"всош|олимпиад"
DEFINITIONS: tuple[_Definition, ...] = (
    _d("quality", "качество знаний", r"качеств\w*\s+(?:знаний|обученности|обучения)", "%"),
    _d("success_rate", "успеваемость", r"(?<![а-яё])успеваемост\w*|абсолютн\w+\s+успеваемост\w*", "%"),
    _d("failing", "неуспевающие", r"(?<![а-яё])неуспевающ\w*|не\s+успевающ\w*", "чел."),
    _d("vpr_confirmed", "доля отметок, подтверждённых ВПР",
       r"подтверд\w*\s+(?:свои\s+)?(?:отмет|оцен)\w*|(?:отмет|оцен)\w*,?\s+подтвер\w*", "%"),
    _d("oge_avg", "средний балл ОГЭ", r"средн\w*\s+балл\w*\s+(?:по\s+)?огэ|огэ\s+(?:\w+\s+){0,3}?средн\w*\s+балл\w*", ""),
    _d("ege_avg", "средний балл ЕГЭ", r"средн\w*\s+балл\w*\s+(?:по\s+)?егэ|егэ\s+(?:\w+\s+){0,3}?средн\w*\s+балл\w*", ""),
    _d("vpr_avg", "средний балл ВПР", r"средн\w*\s+балл\w*\s+(?:по\s+)?впр|впр\s+(?:\w+\s+){0,3}?средн\w*\s+балл\w*", ""),
    _d("olympiad_participants", "участники ВсОШ", r"участник\w*|участвовал\w*", "чел.", ("участник", "обучающийся", "ученик"), _OLYMPIAD),
    _d("olympiad_winners", "победители ВсОШ", r"победител\w*", "чел.", ("победитель",), _OLYMPIAD),
    _d("olympiad_prize", "призёры ВсОШ", r"призер\w*|призёр\w*", "чел.", ("призер", "призёр"), _OLYMPIAD),
    _d("kpk_teachers", "педагоги, прошедшие КПК",
       r"(?<![а-яё])кпк(?![а-яё])|курс\w*\s+повышени\w*\s+квалификаци\w*|повышени\w*\s+квалификаци\w*", "чел.",
       ("педагог", "учитель", "работник", "человек", "сотрудник")),
    _d("category_raised", "повысили квалификационную категорию", r"квалификационн\w*\s+категори\w*", "чел.",
       ("педагог", "учитель", "работник", "человек")),
    _d("consultations", "консультации", r"консультаци\w*", "", ("консультация",)),
    _d("webinars", "вебинары", r"вебинар\w*", "", ("вебинар",)),
    _d("iom_pupils", "обучающиеся на ИОМ",
       r"(?<![а-яё])иом\w*|индивидуальн\w+\s+образовательн\w+\s+маршрут\w*", "чел.",
       ("обучающийся", "ученик", "учащийся", "школьник", "ребенок", "ребёнок")),
    _d("parents_involved", "вовлечённость родителей", r"вовлеченност\w*\s+родител\w*|охват\w*\s+родител\w*", "%"),
)

_NUMBER = r"[-+−–]?\d+(?:[.,]\d+)?"  # a sign: hyphen, plus, minus, en dash (a hyphen first, not a range)
_UP = r"повыс\w*|увелич\w*|вырос\w*|возрос\w*|улучш\w*|прирост\w*"
_DOWN = r"сниз\w*|сниж\w*|уменьш\w*|пониз\w*|сократ\w*|упал\w*"
_CHANGE = re.compile(
    rf"(?P<verb>{_UP}|{_DOWN})(?:\s+\S+){{0,5}}?\s+на\s+(?P<value>{_NUMBER})\s*(?P<unit>%|процент\w*|п\.\s?п\.|чел(?:\.|\w*))",
)
_FROM_TO = re.compile(
    rf"\bс\s+(?P<previous>{_NUMBER})\s*(?:%|чел\w*\.?)?\s+до\s+(?P<value>{_NUMBER})\s*(?P<unit>%|чел\w*\.?|человек)?"
)
_LEVEL = re.compile(
    r"^(?P<subject>\s+по\s+[а-яё]+(?:\s+[а-яё]+)?)?\s*(?:(?:\(\w+\)|[а-яё]+\s+этапа|на\s+впр|всош|олимпиад\w*|впр|огэ|егэ),?\s*)*"
    # A dash before a space separates the name from the number («успеваемость – 97,5 %»); a minus joined to the
    # digits is the number's sign («составило -15 %»), kept so that the value is refused, not read as 15.
    r"(?:[-–](?!\d)|[—:=]|составил\w*|составля\w*|равн\w*)?\s*"
    r"(?P<value>[-−–]?\d+(?:[.,]\d+)?)(?![.,]?\d)\s*(?P<unit>%|процент\w*|чел\w*\.?|балл\w*)?"
)
# «Качество знаний обучающихся 5–9 классов по итогам I полугодия составило 38,4 %», «составило 38,4 % качество
# знаний»: the verb stating the value, wherever it stands in the clause of the name.
_STATED = re.compile(rf"(?:составил\w*|составля\w*|достиг\w*|равн[аоы]?)\s+(?P<value>{_NUMBER})\s*(?P<unit>%|процент\w*|чел\w*\.?|балл\w*)?")
# «доля обучающихся, имеющих неудовлетворительные отметки, снизилась с 12,5 % до 9,0 %»: an indicator the project does
# not track, named by the document, when the sentence names no tracked one.
_NAMED = re.compile(r"(?<![а-яё])(?:доля|количество|число|процент)\s+[а-яё]")
_SUBJECT_AFTER = re.compile(r"^\s*(?:\w+\s+){0,1}?по\s+(?P<subject>[а-яё]+(?:\s+язык\w*)?)")
_STAGE = re.compile(r"(школьн|муниципальн|регионал|заключительн|всероссийск)\w*\s+этап\w*")
_STAGES = {"школьн": "школьный", "муниципальн": "муниципальный", "регионал": "региональный",
           "заключительн": "заключительный", "всероссийск": "заключительный"}


def find_indicators(text: str, where: str) -> list[IndicatorMention]:
    result: list[IndicatorMention] = []
    for sentence in sentenize(text or ""):
        result.extend(_sentence_indicators(sentence.text, where))
    return result


def _sentence_indicators(sentence: str, where: str) -> list[IndicatorMention]:
    folded = sentence.casefold().replace("ё", "е")
    hits = []
    for definition in DEFINITIONS:
        if definition.needs is not None and not definition.needs.search(folded):
            continue
        for match in definition.pattern.finditer(folded):
            hits.append((match.start(), match.end(), definition))
    hits.sort(key=lambda hit: hit[0])
    hits = _without_overlaps(hits)
    if not hits:
        return _named_indicators(sentence, folded, where)
    result: list[IndicatorMention] = []
    for i, (start, end, definition) in enumerate(hits):
        left = hits[i - 1][1] if i else 0
        right = hits[i + 1][0] if i + 1 < len(hits) else len(folded)
        result.extend(_read_window(sentence, folded, left, start, end, right, definition, where))
    return result


def _without_overlaps(hits):
    kept = []
    for hit in hits:
        if kept and hit[0] < kept[-1][1]:
            continue
        kept.append(hit)
    return kept


def _read_window(sentence, folded, left, start, end, right, definition, where) -> list[IndicatorMention]:
    # The clause of the name: from the last comma, semicolon or colon before it to the first one after a number.
    # (a decimal comma «38,4» is no clause mark)
    left = max([left] + [mark.end() for mark in re.finditer(r"[,;:](?!\d)", folded[:start]) if mark.start() >= left])
    cut = re.search(r"\d[^,;]*?[,;](?=\s)", folded[end:right])
    text_end = end + cut.end() - 1 if cut else right
    window = folded[left:right]
    text = " ".join(sentence[left:text_end].split()).strip(" ,;.")
    found: list[IndicatorMention] = []
    stage = _stage(folded)

    def make(value, unit, previous=None, change=False, subject="") -> IndicatorMention:
        return IndicatorMention(name=definition.name, code=definition.code, value=value, unit=unit, text=text, where=where,
                         previous=previous, change=change, subject=subject, stage=stage)

    change = _CHANGE.search(window)
    if change:
        value = _decimal(change.group("value"))
        if value is not None:
            sign = -1 if re.match(_DOWN, change.group("verb")) else 1
            unit = "п.п." if change.group("unit").startswith("п.") else _unit(change.group("unit"))
            found.append(make(sign * abs(value), unit, change=True))
    from_to = _FROM_TO.search(window)
    if from_to:
        unit = _unit(from_to.group("unit")) or definition.unit
        found.append(make(_decimal(from_to.group("value")), unit, previous=_decimal(from_to.group("previous"))))
    if found:
        return found
    after = folded[end:right]
    subject_match = _SUBJECT_AFTER.match(after)
    level = _LEVEL.match(after)
    if level and not _looks_like_date(after, level):
        subject = level.group("subject") or (subject_match.group(0) if subject_match else "")
        return [make(_decimal(level.group("value")), _unit(level.group("unit")) or definition.unit,
                     subject=_subject(subject))]
    stated = _STATED.search(window)
    if stated and not _looks_like_date(window[stated.start("value"):], _NUMBER_AT.match(window[stated.start("value"):])):
        return [make(_decimal(stated.group("value")), _unit(stated.group("unit")) or definition.unit,
                     subject=_subject(subject_match.group(0)) if subject_match else "")]
    if definition.counted:
        # «КПК прошли 12 педагогов», «проведено 14 консультаций»: the count is a quantity of the right noun.
        for quantity in find_quantities(sentence[left:text_end]):
            if quantity.unit in definition.counted or lemma(quantity.unit) in definition.counted:
                return [make(quantity.value, definition.unit or "", subject="")]
    return []


_NUMBER_AT = re.compile(_NUMBER)


def _named_indicators(sentence: str, folded: str, where: str) -> list[IndicatorMention]:
    """«Доля обучающихся, имеющих «2», снизилась с 12,5 % до 9,0 %»: a level with its previous value, or a change,
    of an indicator the document names itself."""
    name = _NAMED.search(folded)
    if not name:
        return []
    from_to = _FROM_TO.search(folded)
    if from_to and re.match(r"\s*(?:год|г\.|гг|уч|класс|числ|[а-я]+бр)", folded[from_to.end():]):
        from_to = None  # «с 2020 до 2022 года», «с 5 до 9 класса», «с 1 до 15 декабря» are no values
    change = _CHANGE.search(folded) if not from_to else None
    found = from_to or change
    if not found:
        return []
    # The name runs from «доля» to the verb (or the numbers) after it.
    verb = re.search(rf"\s*,?\s*(?:{_UP}|{_DOWN}|составил\w*)", folded[name.end():])
    stop = name.end() + verb.start() if verb else (found.start() if found.start() > name.start() else len(folded))
    title = " ".join(sentence[name.start():stop].split()).strip(" ,;.")
    percent = folded[name.start():].startswith(("доля", "процент"))
    text = " ".join(sentence.split()).strip(" .")
    if from_to:
        unit = _unit(from_to.group("unit")) or ("%" if percent else "")
        return [IndicatorMention(name=title, value=_decimal(from_to.group("value")), unit=unit, text=text, where=where,
                                 previous=_decimal(from_to.group("previous")))]
    value = _decimal(change.group("value"))
    if value is None:
        return []
    sign = -1 if re.match(_DOWN, change.group("verb")) else 1
    unit = "п.п." if change.group("unit").startswith("п.") else _unit(change.group("unit"))
    return [IndicatorMention(name=title, value=sign * abs(value), unit=unit, text=text, where=where, change=True)]


def _looks_like_date(after: str, level: re.Match[str]) -> bool:
    rest = after[level.end():level.end() + 12]
    return bool(re.match(r"^\s*(?:год|г\.|гг|учебн|уч\.)", rest)) or bool(re.match(r"^\.\d", rest))


def _subject(text: str) -> str:
    words = re.findall(r"[а-яё]+", text.replace(" по ", " ").strip())
    words = [word for word in words if word != "по"]
    return " ".join(lemma(word) for word in words[:2])


def _stage(folded: str) -> str:
    match = _STAGE.search(folded)
    return _STAGES.get(match.group(1), "") if match else ""


def _unit(text: str | None) -> str:
    if not text:
        return ""
    if text.startswith("%") or text.startswith("процент"):
        return "%"
    if text.startswith("чел"):
        return "чел."
    if text.startswith("балл"):
        return "балл"
    return text


def _decimal(text: str | None) -> Decimal | None:
    if not text:
        return None
    try:
        return Decimal(text.replace(",", ".").replace("−", "-").replace("–", "-"))
    except InvalidOperation:
        return None


def definition_for(name: str) -> _Definition | None:
    """The tracked indicator a table row's name refers to («Качество знаний, %» → quality)."""
    folded = name.casefold().replace("ё", "е")
    for definition in DEFINITIONS:
        if definition.needs is None and definition.pattern.search(folded):
            return definition
    return None


def table_indicators(rows: list[list[str]], name_column: int, where: str, first_row: int) -> list[IndicatorMention]:
    """Rows «Качество знаний, % | 38,0 | 41,2»: the last number is the value, the one before it the previous."""
    result: list[IndicatorMention] = []
    for i, row in enumerate(rows):
        name = row[name_column].strip() if name_column < len(row) else ""
        numbers = [_decimal(cell.replace(" ", "").rstrip("%")) for j, cell in enumerate(row)
                   if j != name_column and re.fullmatch(r"\s*[+-]?\d+(?:[.,]\d+)?\s*%?\s*", cell or "")]
        numbers = [n for n in numbers if n is not None]
        if not name or not numbers:
            continue
        definition = definition_for(name)
        unit = "%" if "%" in name or any("%" in cell for cell in row) else (
            "чел." if re.search(r"чел", name) else (definition.unit if definition else ""))
        result.append(IndicatorMention(
            name=definition.name if definition else re.sub(r",\s*(?:%|чел\.?)$", "", name),
            code=definition.code if definition else None, value=numbers[-1], unit=unit,
            previous=numbers[-2] if len(numbers) > 1 else None, text=" | ".join(c for c in row if c),
            where=f"{where}, строка {first_row + i}",
        ))
    return result
