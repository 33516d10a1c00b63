"""Two curators certify and the coordinator returns the same report at the same moment: one wins, the others
are told why, nothing is lost. Real threads, real row locks: PostgreSQL only."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection
from django.urls import reverse

from shnor.audit.models import AuditEvent
from shnor.monitoring import workflow
from shnor.monitoring.models import SchoolReport
from shnor.monitoring.workflow import EntryChange
from shnor.registry.models import Membership

from ..conftest import make_user

pytestmark = pytest.mark.slow


@pytest.fixture
def postgres_only(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("Row locks under real concurrency need PostgreSQL: SQLite takes one lock for the whole database "
                    "and ignores SELECT … FOR UPDATE, so there is no race to test there.")


def _post(client, url, data, box, key, barrier):
    try:
        barrier.wait(timeout=10)
        box[key] = client.post(url, data, follow=True).content.decode()
    except Exception as exc:  # noqa: BLE001 — reported by the assertions below
        box[key] = f"EXCEPTION {exc!r}"
    finally:
        connection.close()


def test_simultaneous_certify_and_return_leave_exactly_one_winner(postgres_only, world, monkeypatch):
    second = make_user("t_curator_b", (Membership.Role.CURATOR, {"school": world.a1}))
    clients = {"curator": world.client("curator"), "curator_b": world.client("curator"), "coordinator": world.client("coordinator")}
    clients["curator_b"].force_login(second)
    # Hold the row lock a little once taken, so that the other two really queue on it.
    original = workflow._lock

    def slow_lock(report, version):
        locked = original(report, version)
        time.sleep(0.3)
        return locked

    monkeypatch.setattr(workflow, "_lock", slow_lock)
    u = world.users
    report = workflow.open_report(world.campaign, world.a1)
    report = workflow.save_report(report, u["head"], report.version, [EntryChange(e.pk, e.title, "done", "Сделано") for e in report.entries.all()])
    entries_before = list(report.entries.order_by("pk").values_list("pk", "title", "status", "actual_result"))
    url = lambda action: reverse("report_action", args=[world.campaign.code, world.a1.pk, action])  # noqa: E731
    winners = []
    for _round in range(3):
        report = workflow.submit(report, u["head"], report.version)
        seen = report.version
        events_before = AuditEvent.objects.filter(object_id=str(report.pk)).count()
        box: dict[str, str] = {}
        barrier = threading.Barrier(3)
        threads = [
            threading.Thread(target=_post, args=(clients["curator"], url("certify"), {"version": seen}, box, "curator", barrier)),
            threading.Thread(target=_post, args=(clients["curator_b"], url("certify"), {"version": seen}, box, "curator_b", barrier)),
            threading.Thread(target=_post, args=(clients["coordinator"], url("return"), {"version": seen, "remarks": "Добавьте приказы"},
                                                 box, "coordinator", barrier)),
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        report = SchoolReport.objects.get(pk=report.pk)
        won = [who for who, body in box.items() if "Отчёт заверен." in body or "Отчёт возвращён школе на доработку." in body]
        lost = [who for who, body in box.items() if "Ваши изменения не сохранены" in body]
        assert len(won) == 1 and len(lost) == 2, box.keys()
        assert not any(body.startswith("EXCEPTION") for body in box.values())
        assert report.version == seen + 1  # exactly one change went through
        assert report.status == ("returned" if won == ["coordinator"] else "certified")
        assert report.remarks == ("Добавьте приказы" if won == ["coordinator"] else "")
        assert AuditEvent.objects.filter(object_id=str(report.pk)).count() == events_before + 1
        assert list(report.entries.order_by("pk").values_list("pk", "title", "status", "actual_result")) == entries_before
        winners.append(won[0])
        if report.status == "certified":
            report = workflow.return_report(report, u["coordinator"], report.version, "Ещё раз")
    assert len(winners) == 3


def test_simultaneous_writers_on_sqlite_wait_for_each_other_instead_of_failing(django_db_blocker, settings, tmp_path):
    """Three transactions read, think and write the same row at once (as three commits of one import do): with the
    production SQLite options each waits for the write lock, none gets «database is locked», no update is lost."""
    from django.db import connections, transaction
    from django.db.utils import ConnectionHandler

    if not settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        pytest.skip("SQLite's whole-database write lock; PostgreSQL locks rows (see above)")
    alias = "busy_sqlite"
    production = {**settings.DATABASES["default"], "NAME": str(tmp_path / "busy.sqlite3"), "TEST": {}}
    connections.settings[alias] = ConnectionHandler({"default": production}).settings["default"]
    with django_db_blocker.unblock():
        _bump_concurrently(connections, transaction, alias)


def _bump_concurrently(connections, transaction, alias):
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute("CREATE TABLE counter (n integer)")
            cursor.execute("INSERT INTO counter VALUES (0)")
        connections[alias].close()
        barrier, errors = threading.Barrier(3), []

        def bump():
            try:
                barrier.wait(timeout=10)
                with transaction.atomic(using=alias), connections[alias].cursor() as cursor:
                    cursor.execute("SELECT n FROM counter")
                    n = cursor.fetchone()[0]
                    time.sleep(0.2)
                    cursor.execute("UPDATE counter SET n = %s", [n + 1])
            except Exception as exc:  # noqa: BLE001 — asserted below
                errors.append(exc)
            finally:
                connections[alias].close()

        threads = [threading.Thread(target=bump) for _ in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        assert errors == []
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT n FROM counter")
            assert cursor.fetchone()[0] == 3
            cursor.execute("PRAGMA journal_mode")
            assert cursor.fetchone()[0] == "wal"
    finally:
        connections[alias].close()
        del connections.settings[alias]
