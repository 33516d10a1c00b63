"""Fingerprints of what a campaign's pages show, so that coverage and the campaign page can be cached.

A campaign of 5,000 schools takes a few hundred milliseconds to aggregate; under twenty concurrent users
that must not happen on every request, and at 50,000 schools neither may the fingerprint itself read every report.
`campaign_stamp` is one statement of single-row lookups that changes whenever coverage or completeness can change:
the campaign's version (`CampaignVersion`), bumped in the same transaction by every door that changes its reports,
their states and entries, its schools or its settings (versions.py); the latest `updated_at` of its reports, which
every save bumps (an ORM write that bypassed the doors still shows); its framework's type mappings; and the
campaign's own dates and status. What it does not see (a school renamed, a report deleted in the admin, an entry
edited there) is bounded by the cache lifetime, CACHE_SECONDS.
"""

from __future__ import annotations

import hashlib

from django.db import connection
from django.utils import timezone

from shnor.plans.models import TypeMapping

from .models import Campaign, CampaignVersion, SchoolReport

CACHE_SECONDS = 600


def _stamp_sql() -> str:
    """One statement of single-row parts, each answered from an index (none grows with the campaign's schools): it
    runs on every page view, so it is raw SQL (compiling the equivalent ORM subqueries cost more than running them)."""
    report, version = SchoolReport._meta.db_table, CampaignVersion._meta.db_table
    mapping, direction, campaign = TypeMapping._meta.db_table, TypeMapping.direction.field.related_model._meta.db_table, Campaign._meta.db_table
    return (
        f"SELECT v.token, v.version, u.last, t.n, t.top, c.created_at, c.due_date, c.status FROM "
        f"(SELECT MAX(updated_at) AS last FROM {report} WHERE campaign_id = %s) u, "
        f"(SELECT COUNT(*) AS n, MAX(tm.id) AS top FROM {mapping} tm JOIN {direction} d ON tm.direction_id = d.id "
        f"WHERE d.framework_id = %s) t, "
        f"{campaign} c LEFT JOIN {version} v ON v.campaign_id = c.id WHERE c.id = %s"
    )


def campaign_stamp(campaign: Campaign) -> str:
    with connection.cursor() as cursor:
        cursor.execute(_stamp_sql(), [campaign.pk, campaign.framework_id, campaign.pk])
        row = cursor.fetchone()
    raw = f"{campaign.pk}|" + "|".join(str(v) for v in row or ())
    return hashlib.sha1(raw.encode()).hexdigest()[:20]


def scope_key(user) -> str:
    """The same for two users who see the same schools (the same memberships)."""
    from shnor.registry.models import Scope

    scope = Scope.of(user)
    if scope.is_superuser:
        return "all"
    parts = sorted(f"{m.role}:{m.region_id}:{m.municipality_id}:{m.school_id}" for m in scope.memberships)
    return hashlib.sha1(";".join(parts).encode()).hexdigest()[:20]


def view_key(campaign: Campaign, user) -> str:
    """What a cached view of the campaign depends on: its state and which of its schools the viewer sees."""
    return f"{campaign.pk}:{campaign_stamp(campaign)}:{scope_key(user)}"


def ids_key(ids) -> str:
    if ids is None:
        return "all"
    return hashlib.sha1(",".join(map(str, sorted(ids))).encode()).hexdigest()[:20]


def today_key() -> str:
    return timezone.localdate().isoformat()
