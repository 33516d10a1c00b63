"""Drafts (cells as text) → activities: status, deadline, evidence, quantities, schools and activity type."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

from shnor.core.periods import Period
from shnor.core.reading.evidence import find_evidence, unreadable_dates
from shnor.core.reading.model import Activity, Draft, ReadingContext
from shnor.core.reading.prose import intended, measure_status
from shnor.core.reading.quantities import find_quantities
from shnor.core.reading.schools import find_school_names, is_bare_school_name, mention
from shnor.core.reading.sections import section_direction, split_section
from shnor.core.reading.status import read_status

Classify = Callable[[list[str]], list[tuple[str | None, float]]]


def build(drafts: list[Draft], context: ReadingContext, warnings: list[str]) -> list[Activity]:
    classify = classifier(context)
    types = classify([_classified_text(d) for d in drafts]) if drafts else []
    activities = []
    for draft, (code, confidence) in zip(drafts, types, strict=True):
        if not_an_activity(draft):
            continue
        activity = _activity(draft, context, warnings)
        activity.activity_type = code
        activity.confidence = round(float(confidence), 3)
        activity.direction = context.type_directions.get(code) if code else None
        activities.append(activity)
    return activities


def _activity(draft: Draft, context: ReadingContext, warnings: list[str]) -> Activity:
    status = read_status(draft.status) if draft.status else None
    inferred = False
    is_intended = draft.origin != "prose" and intended(draft.actual)
    if status is None and draft.risk and not draft.actual.strip():
        # A measure listed under a risk is its own result: «Проведена неделя математики» was done, «Перенесено…»
        # was not; «Планируется…», «Привлечь…» or a bare «Привлечение…» is a plan: no status («не указано»).
        is_intended = intended(draft.text)
        status = None if is_intended else measure_status(draft.text)
        inferred = status is not None
    elif status is None and is_intended:
        # «Сформировать заявку…» in the result column repeats the plan: the work was not done (yet).
        status, inferred = "not_done", True
    elif status is None and draft.origin != "prose":
        status = read_status(draft.actual)
        if status is None and draft.actual.strip() and not _only_evidence(draft.actual):
            status, inferred = "done", True
    elif status is not None and draft.origin == "prose":
        inferred = True  # «проведены …» reports the work done; nobody ticked a status
    evidence_text = "\n".join(part for part in (draft.evidence, draft.actual) if part)
    for bad in unreadable_dates(evidence_text):
        warnings.append(f"{_capital(draft.where)}: не удалось прочитать дату «{bad}».")
    schools = [mention(name, context.schools) for name in draft.schools]
    for _, _, name in find_school_names(" ".join((draft.text, draft.actual if draft.origin != "prose" else ""))):
        schools.append(mention(name, context.schools))
    schools.extend(bracket_schools(draft.text, context.schools))
    number, title = split_section(draft.section)
    return Activity(
        text=draft.text,
        where=draft.where,
        section=draft.section,
        number=draft.number,
        deadline=deadline(draft, context.reference_date, warnings),
        responsible=draft.responsible,
        expected_result=draft.expected,
        actual_result=draft.actual if draft.origin != "prose" else "",
        indicator=draft.indicator,
        status=status,
        status_inferred=inferred,
        evidence=find_evidence(evidence_text),
        quantities=find_quantities(draft.actual if draft.origin != "prose" else draft.text),
        schools=_unique_schools(schools),
        count=draft.count,
        stated_percent=draft.stated_percent,
        origin=draft.origin,
        section_number=number,
        section_title=title,
        section_direction=section_direction(draft.section, context.directions),
        risk=draft.risk,
        reason=draft.reason,
        intended=is_intended,
    )


# What a list or a table may hold that is not an activity: a lead-in announcing the list («Были проведены следующие
# мероприятия:»), a section's title («Раздел 2. Работа с родителями»), a bare school name.
_SECTION_TITLE = re.compile(r"^\s*(?:подпрограмм|направлени[ея]\s+\d|раздел|блок\s+\d|модуль\s+\d)\w*", re.IGNORECASE)


def not_an_activity(draft: Draft) -> bool:
    text = " ".join(draft.text.split())
    if not text or text.endswith(":"):
        return True
    if _SECTION_TITLE.match(text) and not (draft.actual or draft.expected or draft.deadline or draft.responsible):
        return True
    return is_bare_school_name(text)


def bracket_schools(text: str, registry: list) -> list:
    """«педсовет … (пгт Хрустальный, СОШ № 2)»: each part of a bracket that names a school of the registry (or,
    without a registry, reads as a school: «СОШ № 2»)."""
    found = []
    for bracket in re.findall(r"\(([^()]{3,300})\)", text):
        for part in re.split(r"[,;]|\s+и\s+", bracket):
            part = part.strip(" .")
            if not part or find_school_names(part):
                continue  # full names are found by find_school_names already
            if not _SCHOOLISH.search(part):
                continue
            school = mention(part, registry)
            if school.school_id is not None or (not registry and re.search(r"\b(?:СОШ|ООШ|НОШ|школа|гимназия|лицей)\b", part)):
                found.append(school)
    return found


_SCHOOLISH = re.compile(r"\b(?:СОШ|ООШ|НОШ|СШ|школа|гимназия|лицей|пгт|пос|п|с|село|д|г|ст)\b\.?|№\s*\d", re.IGNORECASE)


def _only_evidence(text: str) -> bool:
    return bool(re.fullmatch(r"\s*(?:https?://\S+|\S+\.(?:ru|рф)/\S*)\s*", text))


def deadline(draft: Draft, reference: date | None, warnings: list[str]) -> Period | None:
    text = " ".join(draft.deadline.split())
    if not text:
        return None
    period = period_of(text, reference)
    if period.kind == "unknown" and re.search(r"\d", text):
        warnings.append(f"{_capital(draft.where)}: не удалось распознать срок «{text}».")
    if period.kind == "recurring" and _STANDING.match(text):
        # «постоянно» is a standing obligation with no end, not the school year of the report's reference date.
        return Period(text, None, None, "recurring")
    return period


_STANDING = re.compile(r"^(?:постоянно|на\s+постоянной\s+основе|систематически|регулярно)\s*[.;]?$", re.IGNORECASE)


def period_of(text: str, reference: date | None) -> Period:
    from shnor.core.periods import parse_period

    period = parse_period(text, reference)
    return Period(text, period.start, period.end, period.kind)


def classifier(context: ReadingContext) -> Classify:
    """A batch classifier: the context's callable applied text by text, or the project's model in one batch."""
    if context.classify is not None:
        single = context.classify
        return lambda texts: [single(text) for text in texts]
    from shnor.core.classify import default_classifier

    model = default_classifier()

    def predict(texts: list[str]) -> list[tuple[str | None, float]]:
        return [(p.code, p.confidence) for p in model.predict_many(texts)]

    return predict


def _classified_text(draft: Draft) -> str:
    return draft.text


def _unique_schools(schools):
    seen, result = set(), []
    for school in schools:
        key = school.school_id if school.school_id is not None else school.text
        if key not in seen:
            seen.add(key)
            result.append(school)
    return result


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]
