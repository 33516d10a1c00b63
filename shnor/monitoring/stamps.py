"""Fingerprints of what a campaign's pages show, so that coverage and the campaign page can be cached.

A campaign of 5,000 schools takes a few hundred milliseconds to aggregate; under twenty concurrent users
that must not happen on every request. `campaign_stamp` is one indexed query that changes whenever coverage
or completeness can change: every change of a report or of its entries bumps the report's `updated_at`
(the workflow and the intake commit both do), a report created or deleted changes the count, the campaign's
schools and its framework's type mappings are counted too, and so are the reports in each state. What it does not see (a school renamed, an
entry edited in the admin) is bounded by the cache lifetime, CACHE_SECONDS.
"""

from __future__ import annotations

import hashlib

from django.db.models import Count, Max, OuterRef, Subquery
from django.utils import timezone

from shnor.plans.models import TypeMapping

from .models import Campaign, SchoolReport

CACHE_SECONDS = 600


def campaign_stamp(campaign: Campaign) -> str:
    reports = SchoolReport.objects.filter(campaign_id=OuterRef("pk")).order_by().values("campaign_id")
    members = Campaign.schools.through.objects.filter(campaign_id=OuterRef("pk")).order_by().values("campaign_id")
    mappings = TypeMapping.objects.filter(direction__framework_id=OuterRef("framework_id")).order_by().values("direction__framework_id")
    row = (
        Campaign.objects.filter(pk=campaign.pk)
        .annotate(
            n_reports=Subquery(reports.annotate(n=Count("*")).values("n")),
            last_change=Subquery(reports.annotate(m=Max("updated_at")).values("m")),
            n_members=Subquery(members.annotate(n=Count("*")).values("n")),
            top_member=Subquery(members.annotate(m=Max("pk")).values("m")),
            n_mappings=Subquery(mappings.annotate(n=Count("*")).values("n")),
            top_mapping=Subquery(mappings.annotate(m=Max("pk")).values("m")),
        )
        .values_list("n_reports", "last_change", "n_members", "top_member", "n_mappings", "top_mapping", "created_at", "due_date", "status")
        .first()
    )
    # Reports per state as well: a state written without touching updated_at (a bulk update) still shows.
    states = sorted(SchoolReport.objects.filter(campaign_id=campaign.pk).order_by().values_list("status").annotate(n=Count("*")))
    last = row[1].isoformat() if row and row[1] else "-"
    raw = f"{campaign.pk}|{row[0] if row else 0}|{last}|{'|'.join(str(v) for v in (row or ())[2:])}|{states}"
    return hashlib.sha1(raw.encode()).hexdigest()[:20]


def scope_key(user) -> str:
    """The same for two users who see the same schools (the same memberships)."""
    from shnor.registry.models import Scope

    scope = Scope.of(user)
    if scope.is_superuser:
        return "all"
    parts = sorted(f"{m.role}:{m.region_id}:{m.municipality_id}:{m.school_id}" for m in scope.memberships)
    return hashlib.sha1(";".join(parts).encode()).hexdigest()[:20]


def ids_key(ids) -> str:
    if ids is None:
        return "all"
    return hashlib.sha1(",".join(map(str, sorted(ids))).encode()).hexdigest()[:20]


def today_key() -> str:
    return timezone.localdate().isoformat()
