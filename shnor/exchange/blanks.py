"""The XLSX templates the imports read: the data sheet first (that is the one read back), then reference sheets.

A template for a school comes filled with its current roadmap; a template for a campaign comes with a row
per school and requested indicator, so that people only type the values.
"""

from __future__ import annotations

import io

from openpyxl import load_workbook
from openpyxl.styles import Font

from shnor.core.documents import xlsx
from shnor.core.sheets import Table
from shnor.monitoring.models import Indicator
from shnor.plans.models import ActivityType, PlannedActivity

from .indicators import INDICATOR_COLUMNS, SUBJECTS
from .roadmaps import ROADMAP_COLUMNS


def _with_sheets(data: bytes, sheets: list[tuple[str, list[str], list[list[object]]]]) -> bytes:
    wb = load_workbook(io.BytesIO(data))
    for title, header, rows in sheets:
        ws = wb.create_sheet(title)
        ws.append(header)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in rows:
            ws.append(row)
        for letter, width in zip("ABCDE", (30, 60, 14, 14, 14), strict=False):
            ws.column_dimensions[letter].width = width
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def roadmap_template(schools) -> bytes:
    """The roadmap template; with `schools` given, filled with their current roadmaps to edit and load back."""
    rows = []
    activities = (
        PlannedActivity.objects.filter(roadmap__is_current=True, roadmap__school__in=schools)
        .select_related("roadmap__school__municipality", "activity_type").prefetch_related("directions")
        .order_by("roadmap__school__short_name", "order", "pk")
    ) if schools is not None else []
    for a in activities:
        r, school = a.roadmap, a.roadmap.school
        period = f"{r.period_start:%d.%m.%Y} – {r.period_end:%d.%m.%Y}" if r.period_start and r.period_end else ""
        rows.append([school.pk, school.municipality.name, school.short_name, r.title, period, r.approved_by, a.number, a.section, a.title,
                     a.activity_type.name if a.activity_type else "", "; ".join(d.name for d in a.directions.all()), a.deadline_text,
                     a.responsible, a.expected_result, a.indicator])
    if not rows and schools is not None:
        rows = [[s.pk, s.municipality.name, s.short_name, *[c.example for c in ROADMAP_COLUMNS[3:]]] for s in schools.select_related("municipality")[:1]]
    if not rows:
        rows = [[c.example for c in ROADMAP_COLUMNS]]
    notes = [
        "Дорожная карта: одна строка — одно мероприятие. Сроки пишите как в документе: «Октябрь 2023», «до 01.12.2023», «в течение учебного года».",
        "Для каждой школы из файла загрузка создаёт новую редакцию дорожной карты; прежняя сохраняется как недействующая. * — обязательные столбцы.",
    ]
    data = xlsx.write_bytes(Table("shablon", "Дорожная карта", ROADMAP_COLUMNS, rows, notes), mark_required=True)
    types = [[t.name, t.examples.replace(";", "; ")[:300]] for t in ActivityType.objects.filter(is_active=True)]
    return _with_sheets(data, [("Виды мероприятий", ["Вид мероприятия", "Примеры формулировок"], types)])


def indicator_template(campaign=None, schools=None) -> bytes:
    """The indicator template; for a campaign, one row per school and requested indicator with an empty value."""
    rows = []
    if campaign is not None and schools is not None:
        requested = [i for i in campaign.indicators.all() if not i.per_subject]
        for school in schools.select_related("municipality").order_by("municipality__name", "short_name"):
            for indicator in requested:
                rows.append([school.pk, school.municipality.name, school.short_name, indicator.name, "", None, "", ""])
    if not rows:
        rows = [[c.example for c in INDICATOR_COLUMNS],
                ["", "", "МБОУ «Альфа СОШ»", "Качество знаний", "", "42,5", "2022/2023 учебный год", "отчёт школы"],
                ["", "", "МБОУ «Альфа СОШ»", "Участники олимпиады (ВсОШ)", "", "37", "2022/2023 учебный год", "муниципальный этап"]]
    if campaign is not None:
        notes = [f"Показатели для кампании «{campaign.title}» ({campaign.period_label()}): период берётся из кампании, столбец «Период» не нужен.",
                 "Одна строка — одно значение. Пустые значения пропускаются. Для ОГЭ, ЕГЭ и ВПР добавьте строки по предметам. * — обязательные столбцы."]
    else:
        notes = ["Показатели по периодам: одна строка — одно значение школы за период («2022/2023 учебный год», «I полугодие 2023»).",
                 "Для ОГЭ, ЕГЭ и ВПР укажите предмет. Доли в процентах — от 0 до 100. * — обязательные столбцы."]
    data = xlsx.write_bytes(Table("shablon", "Значения показателей", INDICATOR_COLUMNS, rows, notes), mark_required=True)
    indicators = [[i.name, i.unit, "да" if i.per_subject else "нет"] for i in Indicator.objects.all()]
    return _with_sheets(data, [("Показатели", ["Показатель", "Единица", "По предметам"], indicators),
                               ("Предметы", ["Предмет"], [[s] for s in SUBJECTS])])
