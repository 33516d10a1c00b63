"""The plan-vs-actual report (issue 11): the DOCX of 100 schools × 40 activities in ≤ 2 s, and a region's 500 school
reports as one ZIP through the task queue in ≤ 60 s.

A synthetic region of 100 schools with 40 entries each (bench/db.py) stands for a large municipality: the
document covers every school of the scope, read from the database, built and rendered, timed together.
The ZIP: a synthetic region of 500 schools; the bundle is ordered as the page orders it (analysis.bundles.start,
its task put in the database queue) and a worker (`shnor worker --batch`) makes it; timed from the order to the
ZIP kept, the worker's start included.
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
        *zip_figures(),
    ]


ZIP_SCHOOLS = 500


def zip_figures() -> list[Figure]:
    import signal
    import time
    import zipfile

    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from shnor.analysis import bundles, documents
    from shnor.analysis.models import DocumentBundle
    from shnor.monitoring.models import Campaign, ReportEntry

    region = synthetic_region(ZIP_SCHOOLS, seed=1101)
    campaign = Campaign.objects.select_related("previous", "framework", "region").get(code=f"{region.code}-h1-2023")
    rows = ReportEntry.objects.filter(report__campaign=campaign).count()
    user = get_user_model().objects.filter(username="bench-admin").first() or get_user_model().objects.create_superuser("bench-admin")
    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    start, cpu = time.perf_counter(), time.process_time()
    bundle = bundles.start(documents.Target(campaign), user)  # queued at once: no transaction is open here
    try:
        call_command("worker", batch=True, reload=False, startup_delay=False, interval=0, verbosity=0)
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    bundle = DocumentBundle.objects.get(pk=bundle.pk)
    ok = bundle.status == DocumentBundle.Status.READY and bundle.done == ZIP_SCHOOLS
    with bundle.file.open("rb") as fh, zipfile.ZipFile(fh) as archive:
        files = len(archive.namelist())
    size = bundle.file.size / 1024 / 1024
    return [
        Figure(SECTION, f"ZIP отчётов о реализации ДК через очередь: {ZIP_SCHOOLS} школ, {rows} мероприятий", seconds, "с", "≤ 60 с",
               ok and files == ZIP_SCHOOLS and seconds <= 60),
        # The worker runs in this process: its processor time, which other programs on the machine do not stretch.
        Figure(SECTION, "… из них процессорное время этого процесса", cpu, "с"),
        Figure(SECTION, "Размер ZIP", size, "МБ"),
    ]
