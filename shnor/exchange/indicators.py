"""Import of indicator values (ГИА/ВПР average scores by subject, success rate, quality, olympiad statistics).

One row is one value: a school, an indicator, a subject where the indicator is per subject, and the value.
The values belong to a campaign (its period) or, without a campaign, to the period written in the row.
All rows are checked first; one wrong row means nothing is written. Rows without a value are skipped:
the template comes pre-filled with every school and indicator, and people fill in what they have.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings

from shnor.core.documents.bounded import Limits
from shnor.core.periods import parse_period
from shnor.core.russian import parse_decimal
from shnor.core.sheets import Column, SheetError, read_table
from shnor.core.text import fold
from shnor.monitoring.models import Campaign, Indicator
from shnor.monitoring.workflow import (
    IndicatorValueError,
    ValueInput,
    WorkflowError,
    set_indicator_values,
    validate_indicator_value,
)

from .common import ImportResult, text
from .matching import SchoolIndex

INDICATOR_COLUMNS = [
    Column("code", "Код школы", aliases=("id школы", "код оо"), width=10),
    Column("municipality", "Муниципалитет", aliases=("муниципальное образование", "район", "муниципальный район"), width=24),
    Column("school", "Школа", required=True, aliases=("краткое наименование", "наименование оо", "образовательная организация", "оо"),
           width=36, example="МБОУ «Альфа СОШ»"),
    Column("indicator", "Показатель", required=True, width=40, example="Средний балл ОГЭ"),
    Column("subject", "Предмет", width=20, example="Математика"),
    Column("value", "Значение", required=True, width=10, example="3,6"),
    Column("period", "Период", aliases=("учебный год", "год"), width=22, example="2022/2023 учебный год"),
    Column("source", "Источник", width=28, example="РЦОИ, результаты ОГЭ"),
]

# Wordings people use in their own tables, beyond the catalogue's names and codes.
INDICATOR_ALIASES = {
    "качество": "quality", "качество обучения": "quality", "качество обученности": "quality", "качество знаний, %": "quality",
    "успеваемость, %": "success_rate", "обученность": "success_rate",
    "неуспевающие": "failing", "количество неуспевающих": "failing", "число неуспевающих": "failing",
    "огэ": "oge_avg", "средний балл огэ": "oge_avg", "егэ": "ege_avg", "средний балл егэ": "ege_avg",
    "впр": "vpr_avg", "средний балл впр": "vpr_avg", "подтверждение отметок впр": "vpr_confirmed",
    "участники олимпиады": "olympiad_participants", "участники всош": "olympiad_participants",
    "победители олимпиады": "olympiad_winners", "победители всош": "olympiad_winners",
    "призеры олимпиады": "olympiad_prize", "призеры всош": "olympiad_prize",
}
SUBJECTS = [
    "Русский язык", "Математика", "Математика (базовая)", "Математика (профильная)", "Физика", "Химия", "Биология", "География",
    "История", "Обществознание", "Литература", "Информатика", "Английский язык", "Немецкий язык", "Французский язык",
    "Окружающий мир", "Естествознание",
]
SUBJECT_ALIASES = {"русский": "Русский язык", "рус. яз.": "Русский язык", "рус.яз.": "Русский язык", "математика база": "Математика (базовая)",
                   "математика профиль": "Математика (профильная)", "английский": "Английский язык", "информатика и икт": "Информатика"}
OLYMPIAD = ("olympiad_participants", "olympiad_winners", "olympiad_prize")


def indicator_lookup() -> dict[str, Indicator]:
    indicators = list(Indicator.objects.all())
    by_code = {i.code: i for i in indicators}
    lookup = {}
    for i in indicators:
        for key in (i.code, i.name, f"{i.name}, {i.unit}", f"{i.name} ({i.unit})"):
            lookup[fold(key)] = i
    for alias, code in INDICATOR_ALIASES.items():
        if code in by_code:
            lookup.setdefault(fold(alias), by_code[code])
    return lookup


def normalise_subject(raw: str) -> str:
    canonical = {fold(s): s for s in SUBJECTS} | {fold(k): v for k, v in SUBJECT_ALIASES.items()}
    found = canonical.get(fold(raw))
    if found:
        return found
    raw = " ".join(raw.split())
    return (raw[:1].upper() + raw[1:])[:100]


def parse_value(raw, indicator: Indicator) -> Decimal:
    """The cell as a Decimal within the indicator's range; ValueError with a Russian message otherwise.

    The range is the workflow's (validate_indicator_value), the same for every path into a value.
    """
    if isinstance(raw, bool):
        raise ValueError(f"«{raw}» — не число")
    if isinstance(raw, (int, float)):
        value = Decimal(str(raw))
    else:
        value = parse_decimal(str(raw).replace("\u00a0", " "))
        if value is None:
            raise ValueError(f"значение «{raw}» — не число; пишите число с запятой, например 12,5")
    try:
        return validate_indicator_value(indicator, value)
    except IndicatorValueError as exc:
        raise ValueError(exc.reason) from None


@dataclass
class _Value:
    row_number: int
    school_id: int
    indicator: Indicator
    subject: str
    start: date
    end: date
    value: Decimal
    source: str


def import_indicators(data: bytes, filename: str, user, schools, campaign: Campaign | None = None, *, commit: bool = True) -> ImportResult:
    """Load indicator values for `schools` (those the user coordinates), into `campaign` or by the rows' periods."""
    rows = read_table(data, filename, INDICATOR_COLUMNS, limits=Limits.of(settings))
    result = ImportResult(rows)
    index = SchoolIndex(schools)
    in_campaign = set(campaign.schools.values_list("pk", flat=True)) if campaign else None
    indicators = indicator_lookup()
    default_source = f"загружено из файла «{filename}»"[:200]
    values: list[_Value] = []
    seen: dict[tuple, int] = {}
    for row in rows:
        v = row.values
        school_id, problem = index.find(v.get("code"), v.get("school"), v.get("municipality"))
        if problem:
            row.errors.append(problem)
        elif in_campaign is not None and school_id not in in_campaign:
            row.errors.append(f"школа «{index.name(school_id)}» не участвует в кампании «{campaign.title}»")
            school_id = None
        indicator = None
        if name := text(v.get("indicator")):
            indicator = indicators.get(fold(name))
            if indicator is None:
                row.errors.append(f"показатель «{name}» не найден: возьмите название с листа «Показатели» шаблона")
        else:
            row.errors.append("не указан показатель")
        subject = normalise_subject(text(v.get("subject"))) if text(v.get("subject")) else ""
        if indicator is not None:
            if indicator.per_subject and not subject:
                row.errors.append(f"для показателя «{indicator.name}» укажите предмет")
            elif subject and not indicator.per_subject:
                row.errors.append(f"показатель «{indicator.name}» не делится по предметам: оставьте столбец «Предмет» пустым")
        raw = v.get("value")
        if raw in (None, ""):
            if not row.errors:
                result.skipped += 1
            continue
        value = None
        if indicator is not None:
            try:
                value = parse_value(raw, indicator)
            except ValueError as exc:
                row.errors.append(str(exc))
        if campaign is not None:
            start, end = campaign.period_start, campaign.period_end
        else:
            start = end = None
            period_text = text(v.get("period"))
            if not period_text:
                row.errors.append("не указан период: напишите, например, «2022/2023 учебный год», или загружайте в кампанию")
            else:
                period = parse_period(period_text)
                if period.start is None or period.end is None:
                    row.errors.append(f"период «{period_text}» не распознан (или такой даты нет): напишите, например, "
                                      "«2022/2023 учебный год», «I полугодие 2023» или «01.01.2023 – 30.06.2023»")
                start, end = period.start, period.end
        if row.errors or school_id is None or indicator is None or value is None:
            continue
        key = (school_id, indicator.pk, subject, start, end)
        if key in seen:
            row.errors.append(f"повторяет строку {seen[key]}: то же значение показателя той же школы за тот же период")
            continue
        seen[key] = row.number
        values.append(_Value(row.number, school_id, indicator, subject, start, end, value, text(v.get("source"))[:200] or default_source))
    _check_olympiad(values, rows)
    if not result.errors and not values:
        raise SheetError("В файле нет ни одного значения показателя: заполните столбец «Значение».")
    result.schools = len({x.school_id for x in values})
    if result.errors or not commit:
        return result
    _commit(values, user, filename, campaign, result)
    return result


def _check_olympiad(values: list[_Value], rows) -> None:
    """Winners and prize-takers are among the participants: their sum cannot exceed the participants."""
    by_number = {r.number: r for r in rows}
    groups: dict[tuple, dict[str, _Value]] = defaultdict(dict)
    for x in values:
        if x.indicator.code in OLYMPIAD:
            groups[(x.school_id, x.start, x.end)][x.indicator.code] = x
    for group in groups.values():
        if "olympiad_participants" not in group:
            continue
        awarded = [group[c] for c in ("olympiad_winners", "olympiad_prize") if c in group]
        total = sum(x.value for x in awarded)
        if awarded and total > group["olympiad_participants"].value:
            by_number[awarded[-1].row_number].errors.append(
                f"победителей и призёров ({int(total)}) больше, чем участников ({int(group['olympiad_participants'].value)}) — "
                f"строка {group['olympiad_participants'].row_number}")


def _commit(values: list[_Value], user, filename: str, campaign: Campaign | None, result: ImportResult) -> None:
    inputs = [ValueInput(x.school_id, x.indicator, x.subject, x.start, x.end, x.value, x.source) for x in values]
    try:
        outcome = set_indicator_values(inputs, user, campaign, file_name=filename)
    except WorkflowError as exc:
        raise SheetError(str(exc)) from exc
    result.created, result.updated, result.unchanged, result.committed = outcome.created, outcome.updated, outcome.unchanged, True
