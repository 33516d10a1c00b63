"""Read replicas for analytics: heavy reads inside `analytics_reads()` go to the "replica" database.

settings.py installs `AnalyticsReplicaRouter` when DATABASE_REPLICA_URL is set (a streaming replica of the
primary PostgreSQL). Everything else — every write, every read of a page that a person has just changed —
stays on the primary, so nobody sees their own change missing because the replica lags a second behind.
The national справка, the dashboards and the Excel exports read thousands of rows that a few seconds of lag
do not change: they wrap those reads in `with analytics_reads():`. Issuing a document reads the primary whatever
the caller wrapped it in (`primary_reads`): an issued справка must show the certification made a second before.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import connections

REPLICA = "replica"
_analytics: ContextVar[bool] = ContextVar("shnor_analytics_reads", default=False)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


@contextmanager
def analytics_reads() -> Iterator[None]:
    """Send the reads in this block to the replica (when there is one); a no-op otherwise."""
    token = _analytics.set(True)
    try:
        yield
    finally:
        _analytics.reset(token)


@contextmanager
def primary_reads() -> Iterator[None]:
    """Read from the primary in this block even inside `analytics_reads()`: what must see the latest writes (issuing
    a справка right after a certification) says so. Usable as a decorator."""
    token = _analytics.set(False)
    try:
        yield
    finally:
        _analytics.reset(token)


class AnalyticsReplicaRouter:
    def db_for_read(self, model, **hints):
        if not _analytics.get() or not replica_configured():
            return None  # the default database
        # Inside a transaction on the primary, read what that transaction has written.
        if connections["default"].in_atomic_block:
            return "default"
        return REPLICA

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        # Both aliases hold the same data: objects read from the replica may be linked to objects on the primary.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # A physical replica follows the primary's schema by itself; it is never migrated.
        return db != REPLICA
