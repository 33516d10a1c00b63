"""The analytics replica router: reads inside analytics_reads() go to the replica, everything else to the primary."""

from __future__ import annotations

import pytest

from shnor import routers
from shnor.monitoring.models import ReportEntry
from shnor.routers import AnalyticsReplicaRouter, analytics_reads


@pytest.fixture
def with_replica(monkeypatch):
    monkeypatch.setattr(routers, "replica_configured", lambda: True)


def test_reads_go_to_the_replica_only_inside_the_analytics_block(with_replica, monkeypatch):
    router = AnalyticsReplicaRouter()
    monkeypatch.setattr(routers, "connections", {"default": type("C", (), {"in_atomic_block": False})()})
    assert router.db_for_read(ReportEntry) is None
    with analytics_reads():
        assert router.db_for_read(ReportEntry) == "replica"
        assert router.db_for_write(ReportEntry) == "default"
    assert router.db_for_read(ReportEntry) is None


def test_a_transaction_on_the_primary_reads_its_own_writes(with_replica, db):
    router = AnalyticsReplicaRouter()
    with analytics_reads():
        assert router.db_for_read(ReportEntry) == "default"  # the test runs inside a transaction


def test_without_a_replica_nothing_changes(db):
    router = AnalyticsReplicaRouter()
    with analytics_reads():
        assert router.db_for_read(ReportEntry) is None


def test_the_replica_is_never_migrated_and_relations_are_allowed():
    router = AnalyticsReplicaRouter()
    assert router.allow_migrate("replica", "monitoring") is False
    assert router.allow_migrate("default", "monitoring") is True
    assert router.allow_relation(object(), object()) is True


def test_settings_install_the_router_with_a_replica_url():
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    code = "import json; from shnor import settings as s; print(json.dumps([sorted(s.DATABASES), getattr(s, 'DATABASE_ROUTERS', [])]))"
    env = {**os.environ, "DATABASE_URL": "postgres://shnor@primary:5432/shnor", "DATABASE_REPLICA_URL": "postgres://shnor@replica:5432/shnor"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[2])
    databases, routers_ = json.loads(out.stdout)
    assert databases == ["default", "replica"] and routers_ == ["shnor.routers.AnalyticsReplicaRouter"]
