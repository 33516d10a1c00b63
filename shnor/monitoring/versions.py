"""A campaign's data version: the stamp of everything its analysis (the справка, the dashboard) reads.

Every door that changes what the analysis reads bumps the version of the campaigns concerned, in its own transaction:
monitoring.workflow (reports, entries, evidence, indicator values, the campaign itself), diagnosis.door (a school's
needs and measures: every campaign of the school), actions.door (recommendations and decisions: their campaign). A
campaign's analysis also reads its previous campaign and the campaign a year before, so its stamp (`data_stamp`) is
made of the three versions. What no door writes (a school renamed in the registry, a framework edited) is bounded by
the day: stored analyses are keyed by the date too (shnor.analysis.stored).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import F

from .models import Campaign, CampaignVersion


def bump(campaign_ids: Iterable[int | None]) -> None:
    """+1 to each campaign's version (rows made on first use). Call inside the transaction that makes the change."""
    ids = sorted({i for i in campaign_ids if i})
    if not ids:
        return
    updated = CampaignVersion.objects.filter(campaign_id__in=ids).update(version=F("version") + 1)
    if updated < len(ids):
        have = set(CampaignVersion.objects.filter(campaign_id__in=ids).values_list("campaign_id", flat=True))
        missing = [i for i in ids if i not in have]
        CampaignVersion.objects.bulk_create([CampaignVersion(campaign_id=i) for i in missing], ignore_conflicts=True)
        CampaignVersion.objects.filter(campaign_id__in=missing).update(version=F("version") + 1)


def bump_school(school_id: int) -> None:
    """Every campaign the school is in (its needs are read by each of them)."""
    bump(Campaign.schools.through.objects.filter(school_id=school_id).values_list("campaign_id", flat=True))


def versions(campaign_ids: Iterable[int | None]) -> dict[int, str]:
    """campaign id → «token.version»; a campaign never bumped gets its row (and so its token) now."""
    ids = sorted({i for i in campaign_ids if i})
    found = {c: f"{t}.{v}" for c, t, v in CampaignVersion.objects.filter(campaign_id__in=ids).values_list("campaign_id", "token", "version")}
    missing = [i for i in ids if i not in found]
    if missing:
        CampaignVersion.objects.bulk_create([CampaignVersion(campaign_id=i) for i in missing], ignore_conflicts=True)
        found.update({c: f"{t}.{v}" for c, t, v in
                      CampaignVersion.objects.filter(campaign_id__in=missing).values_list("campaign_id", "token", "version")})
    return found
