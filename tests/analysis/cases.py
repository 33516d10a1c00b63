"""Small hand-made campaigns for the pure core's tests: a few schools, two or three directions, a handful of types."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from shnor.core.analysis import CampaignData, EntryRecord, IndicatorRecord, SchoolInfo
from shnor.core.coverage import DirectionInfo, TypeInfo

DIRECTIONS = [
    DirectionInfo("teachers", "Совершенствование компетенций учителей"),
    DirectionInfo("motivation", "Повышение мотивации обучающихся"),
    DirectionInfo("failure", "Преодоление учебной неуспешности"),
    DirectionInfo("management", "Организационно-управленческие меры"),
]
TYPES = [
    TypeInfo("pk_courses", "Курсы повышения квалификации педагогов", "teachers", "traditional"),
    TypeInfo("open_lessons", "Мастер-классы, открытые уроки", "teachers", "traditional"),
    TypeInfo("mentoring", "Наставничество", "teachers", "interactive"),
    TypeInfo("teacher_psych_support", "Психолого-педагогическое сопровождение учителей", "teachers", "other"),
    TypeInfo("pedagogical_council", "Педагогический совет по принятию управленческих решений", "motivation", "traditional"),
    TypeInfo("student_psych_support", "Психолого-педагогическое сопровождение обучающихся", "motivation", "other"),
    TypeInfo("student_projects", "Проектная деятельность обучающихся", "motivation", "interactive"),
    TypeInfo("individual_work", "Индивидуальная работа с обучающимися", "failure", "other"),
    TypeInfo("quality_monitoring", "Мониторинг качества образования (ВСОКО)", "failure", "other"),
    TypeInfo("normative_acts", "Нормативное обеспечение", "management", "other"),
]
DIRECTION_OF = {t.code: t.direction for t in TYPES}
NAMES = {1: "МБОУ «Альфа СОШ»", 2: "МБОУ Бета ООШ", 3: "МБОУ СОШ № 3", 4: "МКОУ «Гамма ООШ»"}
MUNICIPALITIES = {1: "Первый район", 2: "Первый район", 3: "Второй район", 4: "Второй район"}


def done(school: int, code: str, **kw) -> EntryRecord:
    return EntryRecord(school, code, DIRECTION_OF[code], kw.pop("status", "done"), **kw)


def not_done(school: int, code: str, status: str = "not_done") -> EntryRecord:
    return EntryRecord(school, code, DIRECTION_OF[code], status)


def value(school: int, code: str, v, unit: str = "%", higher: bool = True, decimals: int = 1) -> IndicatorRecord:
    names = {"quality": "Качество знаний", "failing": "Количество неуспевающих обучающихся"}
    return IndicatorRecord(school, code, names.get(code, code), unit, Decimal(str(v)), higher, decimals)


def campaign(entries, *, schools=(1, 2, 3, 4), reported=None, indicators=(), code="c2", end=date(2021, 6, 30)) -> CampaignData:
    reported = set(schools) if reported is None else set(reported)
    return CampaignData(
        code=code, title=f"Кампания {code}", period_text="январь – июнь 2021 года", period_start=date(2021, 1, 1), period_end=end,
        schools=[SchoolInfo(n, NAMES[n], MUNICIPALITIES[n], n in reported) for n in schools],
        directions=DIRECTIONS, types=TYPES, entries=list(entries), indicators=list(indicators), region="Тестовая область",
    )


def many(n: int, *, reported: int, entries=()) -> CampaignData:
    """A campaign of `n` schools «МБОУ СОШ № i» in two municipalities, the first `reported` of them reported; by default
    each reported school did courses."""
    schools = [SchoolInfo(i, f"МБОУ СОШ № {i}", "Первый район" if i % 2 else "Второй район", i <= reported) for i in range(1, n + 1)]
    return CampaignData("big", "Большая кампания", "январь – июнь 2021 года", date(2021, 1, 1), date(2021, 6, 30), schools, DIRECTIONS, TYPES,
                        entries=list(entries) or [done(i, "pk_courses") for i in range(1, reported + 1)], region="Тестовая область")
