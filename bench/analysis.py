"""Analytics and the справка for a region of BENCH_SCHOOLS schools × 40 entries × 2 campaigns.

Targets (issue 3): the DOCX with charts in ≤ 2 s and ≤ 300 MB peak memory; the coverage computation within
3× a bare SQL GROUP BY over the same rows and faster than a pandas pivot_table of the same rows, measured
side by side in this run. Uses the bench database (bench/db.py), never the demo's.
"""

from __future__ import annotations

import os

from .db import setup, synthetic_region
from .figures import Figure, bench_schools, best_of, max_rss_mb, peak_memory, timer
from .needs import figures as needs_figures
from .needs import seed_needs
from .spravka_page import figures as spravka_page_figures

SECTION = "analysis"
PDF_TARGET_S = 3.0  # issue 16, at 500 schools


def run() -> list[Figure]:
    setup()
    from django.db import connection

    from shnor.analysis import spravka
    from shnor.core.render import charts
    from shnor.core.render import pdf as pdf_renderer
    from shnor.monitoring.coverage import compute_coverage_for, counted_statuses, coverage_for
    from shnor.monitoring.models import Campaign, ReportEntry, SchoolReport

    n = bench_schools(500)
    region = synthetic_region(n, seed=500 + n)
    # The second closed campaign, compared with the first: 2 campaigns × n schools × 40 entries.
    campaign = Campaign.objects.select_related("previous", "framework", "region").get(code=f"{region.code}-h1-2023")
    entries = ReportEntry.objects.filter(report__campaign__in=[campaign, campaign.previous]).count()
    seed_needs(campaign)  # the справка's «Диагностика и меры» section has rows to compute

    def docx() -> bytes:
        prepared = spravka.prepare(campaign, author_name="И. И. Иванов", author_position="координатор",
                                   analysis=spravka.analysis_for(campaign))  # computed, not a stored one
        return spravka.render(prepared.spravka, "docx")

    docx()  # warm up: imports, fonts, pymorphy dictionaries
    docx_s = best_of(docx, repeat=3)
    with peak_memory() as mem:
        size = len(docx())
    prepared = spravka.prepare(campaign)
    docx_data = spravka.render(prepared.spravka, "docx")
    with timer() as t_pdf:  # the queue's work for an issued справка: LibreOffice converts its DOCX
        pdf_renderer.from_docx(docx_data)
    t_weasy = None
    if os.environ.get("BENCH_PDF_COMPARE"):  # the engine before issue 16, side by side (slow: not in the default run)
        from weasyprint import HTML

        page = spravka.render(prepared.spravka, "html").decode("utf-8")
        with timer() as t_weasy:
            HTML(string=page).write_pdf()
    analysis = spravka.analysis_for(campaign)
    charts_s = best_of(lambda: charts.draw_charts(analysis), repeat=3)

    entry_table, report_table = ReportEntry._meta.db_table, SchoolReport._meta.db_table
    statuses = counted_statuses(False)
    marks = ", ".join(["%s"] * len(statuses))
    where = f"r.campaign_id = %s AND r.status IN ({marks}) AND e.status IN (%s, %s)"
    params = [campaign.pk, *statuses, *ReportEntry.DONE]
    group_sql = (f"SELECT e.activity_type_id, COUNT(DISTINCT r.school_id) FROM {entry_table} e JOIN {report_table} r ON e.report_id = r.id "
                 f"WHERE {where} GROUP BY e.activity_type_id")
    rows_sql = f"SELECT r.school_id, e.activity_type_id FROM {entry_table} e JOIN {report_table} r ON e.report_id = r.id WHERE {where}"

    def bare_sql():
        with connection.cursor() as cursor:
            cursor.execute(group_sql, params)
            return cursor.fetchall()

    def pandas_pivot():
        import pandas as pd

        with connection.cursor() as cursor:
            cursor.execute(rows_sql, params)
            frame = pd.DataFrame(cursor.fetchall(), columns=["school_id", "activity_type_id"])
        return frame.pivot_table(index="activity_type_id", values="school_id", aggfunc="nunique")

    coverage = compute_coverage_for(campaign)
    sql_rows = dict(bare_sql())
    assert sum(r.schools for r in coverage.type_rows()) == sum(sql_rows.values()), "coverage and SQL disagree"
    pandas_pivot()
    sql_s = best_of(bare_sql, repeat=7)
    # The computation, not the cache that serves the pages (`coverage_for`), which is shown for information.
    coverage_s = best_of(lambda: compute_coverage_for(campaign), repeat=7)
    coverage_for(campaign)
    cached_s = best_of(lambda: coverage_for(campaign), repeat=7)
    pandas_s = best_of(pandas_pivot, repeat=7)

    return [
        Figure(SECTION, f"записей отчётов в двух кампаниях ({n} школ)", entries, "шт."),
        Figure(SECTION, "справка DOCX с диаграммами: данные, выводы, диаграммы, документ", docx_s, "с", "≤ 2 с", docx_s <= 2),
        Figure(SECTION, "пиковая память Python при сборке DOCX (tracemalloc)", mem["mb"], "МБ", "≤ 300 МБ", mem["mb"] <= 300),
        Figure(SECTION, f"размер DOCX ({size // 1024} КБ)", size / 1024 / 1024, "МБ"),
        Figure(SECTION, "  из них три диаграммы matplotlib", charts_s, "с"),
        Figure(SECTION, f"справка PDF (LibreOffice из DOCX, очередь задач), {n} школ", t_pdf["s"], "с",
               f"≤ {PDF_TARGET_S:.0f} с (при 500)", t_pdf["s"] <= PDF_TARGET_S if n <= 500 else None),
        *([Figure(SECTION, "  для сравнения: weasyprint из HTML, как до issue 16", t_weasy["s"], "с")] if t_weasy else []),
        Figure(SECTION, "охват: голый SQL GROUP BY (COUNT DISTINCT)", sql_s * 1000, "мс"),
        Figure(SECTION, "охват: вычисление без кэша (ORM + ядро, все строки таблицы)", coverage_s * 1000, "мс",
               f"≤ 3× SQL = {3 * sql_s * 1000:.1f} мс", coverage_s <= 3 * sql_s),
        Figure(SECTION, "охват: pandas pivot_table тех же строк (с чтением)", pandas_s * 1000, "мс",
               f"вычисление быстрее ({coverage_s * 1000:.1f} мс)", coverage_s < pandas_s),
        Figure(SECTION, "охват из кэша страниц (проверка свежести + чтение), для сведения", cached_s * 1000, "мс"),
        *needs_figures(campaign),
        *spravka_page_figures(campaign, n),
        Figure(SECTION, "пиковая память процесса (ru_maxrss), для сведения", max_rss_mb(), "МБ"),
    ]


if __name__ == "__main__":
    for figure in run():
        print(figure.line())
