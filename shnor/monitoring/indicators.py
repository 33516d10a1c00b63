"""The default catalogue of indicators that reports carry (DOMAIN.md, «Indicators that reports carry»)."""

from __future__ import annotations

from django.db import transaction

from .models import Indicator

# code, name, unit, decimals, higher is better, per subject
DEFAULT_INDICATORS = [
    ("quality", "Качество знаний", "%", 1, True, False),
    ("success_rate", "Успеваемость", "%", 1, True, False),
    ("failing", "Количество неуспевающих обучающихся", "чел.", 0, False, False),
    ("oge_avg", "Средний балл ОГЭ", "балл", 2, True, True),
    ("ege_avg", "Средний балл ЕГЭ", "балл", 1, True, True),
    ("vpr_avg", "Средний балл ВПР", "балл", 2, True, True),
    ("vpr_confirmed", "Доля отметок, подтверждённых ВПР", "%", 1, True, True),
    ("olympiad_participants", "Участники олимпиады (ВсОШ)", "чел.", 0, True, False),
    ("olympiad_winners", "Победители олимпиады (ВсОШ)", "чел.", 0, True, False),
    ("olympiad_prize", "Призёры олимпиады (ВсОШ)", "чел.", 0, True, False),
    ("kpk_teachers", "Педагоги, прошедшие курсы повышения квалификации", "чел.", 0, True, False),
    ("category_raised", "Педагоги, повысившие квалификационную категорию", "чел.", 0, True, False),
    ("consultations", "Проведено консультаций", "шт.", 0, True, False),
    ("webinars", "Проведено вебинаров", "шт.", 0, True, False),
    ("iom_pupils", "Обучающиеся на индивидуальных образовательных маршрутах", "чел.", 0, True, False),
    ("parents_involved", "Вовлечённость родителей", "%", 1, True, False),
    # The weight of shares and means in municipal and regional totals (shnor/core/outcomes.py PUPILS).
    ("pupils", "Численность обучающихся", "чел.", 0, True, False),
]


@transaction.atomic
def load_indicators() -> int:
    created = 0
    for order, (code, name, unit, decimals, higher, per_subject) in enumerate(DEFAULT_INDICATORS, start=1):
        _, new = Indicator.objects.get_or_create(
            code=code,
            defaults={"name": name, "unit": unit, "decimals": decimals, "higher_is_better": higher, "per_subject": per_subject, "order": order},
        )
        created += new
    return created
