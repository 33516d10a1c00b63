"""The demo region's diagnoses (causes, deficits, risks with measures) and ВПР results by subject — visibly demo data.

Deterministic per school number, varied on purpose: most schools link measures to every need, a few to some of
them, three to none, so that every part of the «Диагностика и меры» section has something true to say.
"""

from __future__ import annotations

from decimal import Decimal

from shnor.core.needs import ActivityText, suggest
from shnor.diagnosis import door
from shnor.diagnosis.models import Need
from shnor.monitoring.models import Indicator, IndicatorValue
from shnor.plans.models import Direction, PlannedActivity

SOURCE = "Демонстрационные данные: аналитическая справка по итогам комплексного обследования ШНОР, 2020 год"
PERIOD = "2020/2021 учебный год"
CAUSES = [
    "Дефицит педагогических кадров: учителя математики и физики работают по совместительству",
    "Высокая доля обучающихся с рисками учебной неуспешности",
    "Низкая учебная мотивация обучающихся",
    "Низкая вовлечённость родителей в образовательный процесс",
    "Неблагоприятный социальный контекст: высокая доля малообеспеченных семей",
    "Слабая материально-техническая база: нет оборудования для кабинетов физики и химии",
]
DEFICITS = [  # (text, which schools have it)
    ("Затруднения учителей в объективном оценивании и анализе результатов ВПР (оценочные компетенции)", lambda n: n % 2 == 0),
    ("Дефициты предметных компетенций учителей математики по результатам диагностики ЦНППМ", lambda n: n % 3 != 0),
    ("Затруднения в работе с обучающимися с трудностями в обучении (психолого-педагогические компетенции)", lambda n: n % 4 == 1),
    ("Недостаточный анализ результатов и планирование управленческих решений (управленческие компетенции)", lambda n: n % 5 == 0),
]
RISKS = ["R10", "R9", "R2", "R11", "R3"]
NO_MEASURES = {2, 13, 16}  # schools whose roadmap addresses none of their needs
SOME_MEASURES = {4, 11}  # …only their first need
# ВПР: mean mark by subject (2020, 2021) and the share of marks confirmed, per school number.
VPR_SUBJECTS = ("математика", "русский язык")


def load_diagnoses(schools: dict) -> None:
    for number, school in schools.items():
        if Need.objects.filter(school=school).exists():
            continue
        status = school.statuses.get(year=2020)
        codes = [RISKS[number % len(RISKS)], RISKS[(number + 2) % len(RISKS)]]
        status.risk_profiles.set(Direction.objects.filter(framework__code="risk500", code__in=codes))
        door.adopt_registry_risks(status, None)
        for text in {CAUSES[number % 6], CAUSES[(number * 5 + 1) % 6]}:
            door.add_need(school, None, door.NeedInput("cause", text, period_text=PERIOD, found_by=Need.FoundBy.MONITORING,
                                                       source_name=SOURCE, source_place="раздел 2 «Причины низких результатов»"))
        for text, has in DEFICITS:
            if has(number):
                door.add_need(school, None, door.NeedInput("deficit", text, period_text=PERIOD, found_by=Need.FoundBy.SURVEY,
                                                           source_name=SOURCE, source_place="раздел 3 «Профессиональные дефициты»"))
        _link_measures(number, school)


def _link_measures(number: int, school) -> None:
    if number in NO_MEASURES:
        return
    activities = [ActivityText(a.pk, a.title, a.activity_type.code if a.activity_type else None)
                  for a in PlannedActivity.objects.filter(roadmap__school=school, roadmap__is_current=True).select_related("activity_type")]
    needs = list(school.needs.order_by("pk"))
    for need in needs[:1] if number in SOME_MEASURES else needs:
        by_type = [s.activity_id for s in suggest(need.code, need.text, activities) if s.score >= 1]
        if by_type:
            door.set_measures(need, by_type[:3], None)


def load_vpr(campaigns: list, schools: dict) -> None:
    """ВПР results by subject for the two counted campaigns: a mean mark and the share of marks confirmed."""
    avg, confirmed = Indicator.objects.get(code="vpr_avg"), Indicator.objects.get(code="vpr_confirmed")
    for year, campaign in enumerate(campaigns):
        for number, school in schools.items():
            for s, subject in enumerate(VPR_SUBJECTS):
                base = Decimal("3.05") + Decimal(number % 5) / 10 + Decimal(s) / 20
                change = Decimal((number * 7 + s) % 5 - 1) / 20 * year  # most schools a little better in the second year
                for indicator, value in ((avg, base + change), (confirmed, Decimal(48 + number % 9 * 3 + s * 2) + change * 40)):
                    IndicatorValue.objects.get_or_create(indicator=indicator, school=school, campaign=campaign, subject=subject, defaults={
                        "period_start": campaign.period_start, "period_end": campaign.period_end, "value": value,
                        "source": "Демонстрационные данные: результаты ВПР"})
