"""Exports of the tables the campaign page shows, as XLSX or CSV."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.utils import timezone

from shnor.core.documents import FORMATS, csv, xlsx
from shnor.core.sheets import Column, Table
from shnor.registry.models import Scope

from .access import get_campaign_for_user
from .completeness import completeness
from .coverage import coverage_for

WRITERS = {"xlsx": xlsx.write_bytes, "csv": csv.write_bytes}


def coverage_table(campaign, school_ids, include_submitted=False):
    coverage = coverage_for(campaign, include_submitted, school_ids)
    columns = [Column("direction", "Направление", width=14), Column("type", "Код вида", width=24), Column("name", "Направление / вид мероприятия", width=60),
               Column("schools", "Школ", width=8), Column("total", "Всего школ", width=10), Column("percent", "Доля, %", width=10),
               Column("label", "Школ (доля)", width=14)]
    rows = [[r.direction or "", r.activity_type or "", r.name, r.schools, r.schools_total, float(r.percent) if r.percent is not None else None, r.label]
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


@login_required
def export_table(request, code, table, fmt):
    if table not in TABLES or fmt not in WRITERS:
        raise Http404("Нет такой выгрузки")
    campaign = get_campaign_for_user(request.user, code)
    visible = list(campaign.schools.filter(pk__in=Scope.of(request.user).schools().values("pk")).values_list("pk", flat=True))
    args = (campaign, visible, request.GET.get("submitted") == "1") if table == "coverage" else (campaign, visible)
    title, columns, rows = TABLES[table](*args)
    sheet = Table(f"{campaign.code}-{table}", title, columns, rows, notes=[f"{campaign.title} ({campaign.period_label()})"])
    data = WRITERS[fmt](sheet, zone=timezone.get_current_timezone())
    response = HttpResponse(data, content_type=FORMATS[fmt].content_type)
    response["Content-Disposition"] = f'attachment; filename="{campaign.code}-{table}.{fmt}"'
    return response
