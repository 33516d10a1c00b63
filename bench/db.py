"""The benchmark database: a separate SQLite file under var/ (or BENCH_DATABASE_URL), never the demo's."""

from __future__ import annotations

import os
from pathlib import Path

_ready = False


def setup() -> None:
    """Point Django at the bench database and migrate it; call before importing models."""
    global _ready
    if _ready:
        return
    root = Path(__file__).resolve().parent.parent
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{root / 'var' / 'bench.sqlite3'}"
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shnor.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    _ready = True


def synthetic_region(schools: int, seed: int = 500):
    """A synthetic region of exactly `schools` schools (made once, kept in the bench database)."""
    setup()
    from shnor.demo.synth import synth
    from shnor.registry.models import Region

    code = f"synth-{seed}-1"
    if not Region.objects.filter(code=code).exists():
        synth(schools, seed, schools_per_region=schools)
        from django.db import connection

        if connection.vendor == "postgresql":  # as autovacuum would in time: statistics and the visibility map after the bulk load
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
    return Region.objects.get(code=code)
