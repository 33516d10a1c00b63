"""Labels of findings: the risk500 code of a risk or a cause, the competence group of a deficit, the kind of a
recommendation's addressee.

Each is decided by the wording rules of the genre first («дефицит педагогических кадров» is R2 however it is
phrased around it), then by a small classifier trained on the packaged examples and the reviewers' corrections
(`core.classify.finding_classifier`); a text a reviewer corrected gets the corrected label outright.
"""

from __future__ import annotations

import re

from shnor.core import actions
from shnor.core.text import fold

RISK_NAMES = {
    "R1": "Низкий уровень оснащения школы",
    "R2": "Дефицит педагогических кадров",
    "R3": "Недостаточная предметная и методическая компетентность педагогических работников",
    "R4": "Риски низкой адаптивности учебного процесса",
    "R5": "Несформированность внутришкольной системы повышения квалификации",
    "R6": "Низкое качество преодоления языковых и культурных барьеров",
    "R7": "Пониженный уровень качества школьной образовательной и воспитательной среды",
    "R8": "Высокая доля обучающихся с ОВЗ",
    "R9": "Низкая учебная мотивация обучающихся",
    "R10": "Высокая доля обучающихся с рисками учебной неуспешности",
    "R11": "Низкий уровень вовлеченности родителей",
}
# The words each risk of the «500+» profile is named by, however the school words it.
_RISK_RULES: tuple[tuple[str, re.Pattern[str]], ...] = tuple((code, re.compile(pattern)) for code, pattern in (
    ("R5", r"внутришкольн\w*\s+(?:систем\w*\s+)?(?:непрерывного\s+)?(?:повышени\w*\s+квалификаци|профессиональн\w*\s+развити)"
           r"|систем\w*\s+(?:внутришкольного\s+)?повышени\w*\s+квалификаци"),
    ("R2", r"дефицит\w*\s+(?:педагогическ\w*\s+|учительск\w*\s+)?кадр|кадров\w*\s+(?:дефицит|голод|проблем)"
           r"|нехватк\w*\s+(?:педагог|учител|кадр|специалист)|недоукомплект|вакан"),
    ("R1", r"оснащ|материально-техническ|оборудовани|компьютерн\w*\s+техник|доступ\w*\s+(?:в|к)\s+интернет"),
    ("R3", r"предметн\w*\s+и\s+методическ\w*\s+компетент|(?:предметн|методическ|профессиональн)\w*\s+компетент"),
    ("R4", r"адаптивност"),
    ("R6", r"языков\w*\s+(?:и\s+культурн\w*\s+)?барьер|культурн\w*\s+барьер|неродн|инофон|билингв"),
    ("R7", r"образовательн\w*\s+и\s+воспитательн\w*\s+сред|школьн\w*\s+(?:образовательн\w*\s+)?сред|школьн\w*\s+климат"
           r"|школьн\w*\s+благополуч"),
    ("R8", r"\bовз\b|ограниченн\w*\s+возможност"),
    ("R9", r"мотиваци"),
    ("R10", r"неуспешност|неуспева|слабоуспева"),
    ("R11", r"родител"),
))
_GROUP_RULES = (
    ("оценочные", r"оценочн|оценивани|в\s+области\s+оценк|оценк\w*\s+(?:образовательн|результат|качеств)"),
    ("управленческие", r"управленческ"),
    ("психолого-педагогические", r"психолог"),
    ("предметные", r"предметн|методическ"),
    ("коммуникативные", r"коммуникативн"),
    ("цифровые", r"цифров"),
)
CONFIDENT = 0.6  # below it a classified label is left for the reviewer (code and group "" or kept with its score)


def _corrected(name: str, text: str, corrections: dict[str, list[tuple[str, str]]] | None) -> str | None:
    key = " ".join(fold(text).split())
    for corrected, label in (corrections or {}).get(name, ()):
        if " ".join(fold(corrected).split()) == key:
            return label
    return None


def _classified(name: str, text: str, corrections) -> tuple[str, float]:
    from shnor.core.classify import finding_classifier

    prediction = finding_classifier(name, (corrections or {}).get(name, ())).predict(text)
    return prediction.code, round(prediction.confidence, 3)


def risk_rule(text: str) -> str:
    """The risk500 code the wording names, or "" (rules only)."""
    folded = fold(text)
    return next((code for code, pattern in _RISK_RULES if pattern.search(folded)), "")


def risk_code(text: str, corrections=None, *, guess: bool = True) -> tuple[str, float]:
    """(code, confidence) of a risk or a cause: the reviewer's correction, the wording rules, then the classifier
    (only when `guess`, and "" below CONFIDENT)."""
    corrected = _corrected("cause", text, corrections)
    if corrected is not None:
        return corrected, 1.0
    code = risk_rule(text)
    if code or not guess:
        return code, 1.0 if code else 0.0
    code, confidence = _classified("cause", text, corrections)
    return (code, confidence) if confidence >= CONFIDENT else ("", confidence)


def group_of_heading(text: str) -> str:
    """The competence group a heading names («Группа 3. Компетенции в области оценивания» → оценочные), or ""."""
    folded = fold(text)
    return next((group for group, pattern in _GROUP_RULES if re.search(pattern, folded)), "")


def deficit_group(text: str, corrections=None) -> tuple[str, float]:
    """(group, confidence) of a deficit listed under no group heading: its wording, by the classifier."""
    corrected = _corrected("deficit", text, corrections)
    if corrected is not None:
        return corrected, 1.0
    group, confidence = _classified("deficit", text, corrections)
    return (group, confidence) if confidence >= CONFIDENT else ("", confidence)


def addressee_kind(text: str, named_schools: int = 0, corrections=None) -> tuple[str, float]:
    """(kind, confidence) of an addressee as written: named schools, then the words of `core.actions`, then the
    classifier."""
    if not text.strip():
        return "", 1.0
    corrected = _corrected("addressee", text, corrections)
    if corrected is not None:
        return corrected, 1.0
    kind = actions.addressee_kind(text)  # the regional coordinator when it names nobody
    named = kind != actions.REGIONAL or bool(re.search(r"региональн\w*\s+координатор", text, re.IGNORECASE))
    if named_schools and kind in (actions.SCHOOLS, actions.REGIONAL):
        return actions.SCHOOLS, 1.0
    if named:
        return (actions.ALL_SCHOOLS if kind == actions.SCHOOLS else kind), 1.0
    return _classified("addressee", text, corrections)
