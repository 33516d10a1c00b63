"""The tables the campaign page shows, as sheets for export (XLSX or CSV); the view is views.export_table."""

from __future__ import annotations

from shnor.core.documents import csv, xlsx
from shnor.core.sheets import Column

from .completeness import completeness
from .coverage_counts import coverage_numbers

WRITERS = {"xlsx": xlsx.write_bytes, "csv": csv.write_bytes}


def coverage_table(campaign, school_ids, include_submitted=False):
    coverage = coverage_numbers(campaign, include_submitted, school_ids)
    direction_names = {r.direction: r.name for r in coverage.rows if r.activity_type is None}
    columns = [Column("direction", "Направление", width=40), Column("name", "Вид мероприятия", width=60),
               Column("schools", "Школ", width=8), Column("total", "Всего школ", width=10), Column("percent", "Доля, %", width=10),
               Column("label", "Школ (доля)", width=14)]
    rows = [[direction_names.get(r.direction, ""), r.name if r.activity_type else "", r.schools, r.schools_total,
             float(r.percent) if r.percent is not None else None, r.label]
            for r in coverage.rows]
    return "Охват", columns, rows


def completeness_table(campaign, school_ids):
    progress = completeness(campaign, campaign.schools.filter(pk__in=school_ids))
    columns = [Column("school", "Школа", width=50), Column("municipality", "Муниципалитет", width=30), Column("state", "Состояние отчёта", width=30),
               Column("overdue", "Просрочен", width=10), Column("updated", "Изменён", width=18)]
    rows = [[r.school.short_name, r.school.municipality.name, r.label, "да" if r.overdue else "", r.updated_at.strftime("%d.%m.%Y %H:%M") if r.updated_at else ""]
            for r in progress.rows]
    return "Сдача отчётов", columns, rows


TABLES = {"coverage": coverage_table, "completeness": completeness_table}
