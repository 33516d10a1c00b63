"""A real streaming read replica on this machine: analytics reads go to it, writes to the primary, and a справка issued
right after a certification sees that certification.

The test makes two PostgreSQL clusters of its own on free ports — a primary that allows replication connections
(initdb's default pg_hba.conf does, for 127.0.0.1; the shared server at 5432 does not, and a test must not change it)
and a replica made from it by `pg_basebackup -R`, streaming — loads the primary with a copy of the test database
(pg_dump, faster than migrating an empty one), and runs tests/reliability/replica_scenario.py against the pair in a
child process (DATABASE_URL + DATABASE_REPLICA_URL, as deployed). Both clusters are stopped and their folders removed
whatever happens. PostgreSQL refuses to run as root: as root the server programs run as the `postgres` user.

Runs on PostgreSQL only (CI's second run); on SQLite it is skipped.
"""

from __future__ import annotations

import json
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Clusters:
    """A primary and its streaming replica under one temporary folder."""

    def __init__(self) -> None:
        self.as_postgres = os.geteuid() == 0
        self.folder = Path(tempfile.mkdtemp(prefix="shnor-replica-"))
        if self.as_postgres:
            user = pwd.getpwnam("postgres")
            os.chown(self.folder, user.pw_uid, user.pw_gid)
        self.folder.chmod(0o700)
        self.primary, self.replica = self.folder / "primary", self.folder / "replica"
        self.primary_port, self.replica_port = _free_port(), _free_port()
        self.started: list[Path] = []

    def run(self, program: str, *args: str, timeout: float = 60) -> str:
        command = [str(BIN / program), *args]
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, cwd=self.folder)
        if done.returncode:
            raise RuntimeError(f"{program} failed: {done.stderr.strip()[-2000:]}")
        return done.stdout

    def start(self, data: Path, port: int) -> None:
        self.started.append(data)
        self.run("pg_ctl", "-D", str(data), "-l", str(self.folder / f"{data.name}.log"), "-w", "-t", "30",
                 "-o", f"-p {port} -k {self.folder}", "start")

    def url(self, port: int) -> str:
        return f"postgres://postgres@127.0.0.1:{port}/shnor"

    def make(self) -> None:
        self.run("initdb", "-D", str(self.primary), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync")
        with (self.primary / "postgresql.conf").open("a") as conf:
            # A throw-away cluster: durability off, so that loading it takes seconds.
            conf.write("\nlisten_addresses = '127.0.0.1'\nwal_level = replica\nmax_wal_senders = 4\nhot_standby = on\n"
                       "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\nshared_buffers = 32MB\n")
        hba = (self.primary / "pg_hba.conf").read_text()
        assert "replication" in hba  # initdb's default allows replication connections from 127.0.0.1 (-A trust)
        self.start(self.primary, self.primary_port)
        self.run("createdb", "-h", "127.0.0.1", "-p", str(self.primary_port), "-U", "postgres", "shnor")
        self.run("pg_basebackup", "-h", "127.0.0.1", "-p", str(self.primary_port), "-U", "postgres", "-D", str(self.replica),
                 "-R", "-X", "stream", "-c", "fast", "--no-sync")
        self.start(self.replica, self.replica_port)

    def remove(self) -> None:
        for data in reversed(self.started):
            try:
                self.run("pg_ctl", "-D", str(data), "-m", "immediate", "-w", "-t", "30", "stop")
            except (RuntimeError, subprocess.TimeoutExpired):
                pass
        shutil.rmtree(self.folder, ignore_errors=True)


def _skip_reason() -> str | None:
    from django.conf import settings

    if not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        return "needs PostgreSQL: the test database is SQLite (CI runs this test in its PostgreSQL run)"
    missing = [p for p in ("initdb", "pg_ctl", "pg_basebackup", "pg_dump") if not (BIN / p).exists()] + \
        [p for p in ("psql",) if shutil.which(p) is None]
    if missing:
        return f"PostgreSQL's programs are not installed: {', '.join(missing)} (PG_BIN={BIN})"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and there is no postgres user to run the clusters as"
        if shutil.which("runuser") is None:
            return "running as root without runuser"
    return None


@pytest.fixture
def clusters(django_db_setup, django_db_blocker):
    reason = _skip_reason()
    if reason:
        pytest.skip(reason)
    made = Clusters()
    try:
        made.make()
        # The test database (migrated, the demo loaded for the session) copied into the primary; the replica follows.
        from django.db import connection

        source = connection.settings_dict
        dump = subprocess.run([str(BIN / "pg_dump"), "-h", source["HOST"] or "127.0.0.1", "-p", str(source["PORT"] or 5432),
                               "-U", source["USER"] or "postgres", "--no-owner", "--no-privileges", source["NAME"]],
                              capture_output=True, check=True, timeout=120, env={**os.environ, "PGPASSWORD": source.get("PASSWORD") or ""})
        subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", str(made.primary_port), "-U", "postgres", "shnor"],
                       input=dump.stdout, capture_output=True, check=True, timeout=120)
        yield made
    finally:
        made.remove()


def test_analytics_read_the_replica_writes_go_to_the_primary_and_an_issued_spravka_sees_its_certification(clusters):
    started = time.monotonic()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", "DATABASE_URL": clusters.url(clusters.primary_port),
           "DATABASE_REPLICA_URL": clusters.url(clusters.replica_port), "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "tests.reliability.replica_scenario"], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])

    # A real replica: the standby replays the primary's stream and refuses writes.
    assert seen["databases"] == ["default", "replica"]
    assert seen["replica_in_recovery"] is True and seen["primary_in_recovery"] is False and seen["streaming"] == 1
    assert seen["replica_refuses_writes"] is True
    # Analytics reads go to the replica, and only there.
    assert seen["replica_sees_the_campaign"] is True
    assert seen["analytics_queries"]["replica"] >= 1 and seen["analytics_queries"]["primary"] == 0
    # With its replay paused the replica is behind: the certification is on the primary only.
    assert seen["primary_status"] == "certified" and seen["analytics_status_while_paused"] == "submitted"
    assert seen["export_status"] == 200 and seen["export_queries_on_replica"] >= 1
    assert seen["export_while_paused"] != seen["export_after_resume"]  # the export read the lagging replica
    # A write inside the analytics block went to the primary (and reached the replica only through the stream).
    assert seen["write_on_primary"] is True and seen["write_on_replica_while_paused"] is False
    # Read-your-writes where it matters: the справка issued right after the certification counts it…
    assert seen["issued_says_no_certified_report"] is False and seen["issued_mentions_the_school"] is True
    # …while the draft read from the lagging replica does not yet.
    assert seen["draft_on_replica_says_no_certified_report"] is True
    # Replay resumed, the replica catches up and analytics see the certification.
    assert seen["analytics_status_after_resume"] == "certified"
    print(f"replica scenario: {time.monotonic() - started:.1f} s; caught up in {seen['caught_up_s']:.2f} s after loading, "
          f"{seen['caught_up_after_resume_s']:.2f} s after resuming")
