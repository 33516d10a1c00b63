"""The plan-vs-actual report (issue 11): the DOCX of 100 schools × 40 activities in ≤ 2 s.

A synthetic region of 100 schools with 40 entries each (bench/db.py) stands for a large municipality: the
document covers every school of the scope, read from the database, built and rendered, timed together.
"""

from __future__ import annotations

from .db import setup, synthetic_region
from .figures import Figure, best_of

SECTION = "documents"
SCHOOLS = 100


def run() -> list[Figure]:
    setup()
    from shnor.analysis import documents
    from shnor.monitoring.models import Campaign, ReportEntry

    region = synthetic_region(SCHOOLS, seed=1100)
    campaign = Campaign.objects.select_related("previous", "framework", "region").get(code=f"{region.code}-h1-2023")
    target = documents.Target(campaign)
    rows = ReportEntry.objects.filter(report__campaign=campaign).count()

    def docx() -> bytes:
        return documents.make(target, "plan-vs-actual", "docx")

    docx()  # warm up
    seconds = best_of(docx, repeat=3)
    return [
        Figure(SECTION, f"Отчёт о реализации ДК, DOCX: {SCHOOLS} школ, {rows} мероприятий", seconds, "с", "≤ 2 с", seconds <= 2),
        Figure(SECTION, "Размер DOCX", len(docx()) / 1024, "КБ"),
    ]
