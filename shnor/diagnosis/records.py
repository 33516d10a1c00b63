"""A campaign's needs as plain records for shnor.core.needs, in two queries whatever the number of schools."""

from __future__ import annotations

from shnor.core.needs import NeedRecord
from shnor.core.text import fold
from shnor.monitoring.models import Campaign, ReportEntry

from .models import Measure, Need


def campaign_needs(campaign: Campaign, school_ids=None):
    """The needs of the campaign's schools known by the end of its period (or of `school_ids` among them)."""
    qs = Need.objects.relevant_to(campaign.period_end)
    if school_ids is not None:
        return qs.filter(school_id__in=list(school_ids))
    return qs.filter(school_id__in=Campaign.schools.through.objects.filter(campaign=campaign).values("school_id"))


def need_records(campaign: Campaign, statuses, school_ids=None) -> list[NeedRecord]:
    """Each need with its linked activities and which of them are done (or partly) in a counted report of the campaign.

    Two queries: the needs joined with their measures, and the done activities among those measures. (A correlated
    EXISTS per measure was four times slower on SQLite.)"""
    needs = campaign_needs(campaign, school_ids)
    done = set(ReportEntry.objects.filter(
        report__campaign=campaign, report__status__in=statuses, status__in=ReportEntry.DONE,
        planned_activity_id__in=Measure.objects.filter(need__in=needs.values("pk")).values("activity_id"),
    ).values_list("planned_activity_id", flat=True).distinct().iterator(chunk_size=5000))
    rows: dict[int, list] = {}
    for pk, school_id, kind, code, text, group, activity_id in needs.values_list(
        "pk", "school_id", "kind", "code", "text", "group", "measures__activity_id"
    ).order_by("pk").iterator(chunk_size=5000):
        row = rows.setdefault(pk, [school_id, kind, code, text, group, set()])
        if activity_id is not None:
            row[5].add(activity_id)
    records = []
    for school_id, kind, code, text, group, measures in rows.values():
        item = Need.catalogue_for(code)
        records.append(NeedRecord(school_id, kind, code if item else fold(text), item.name if item else text,
                                  group or (item.group if item else ""), frozenset(measures), frozenset(measures & done)))
    return records
