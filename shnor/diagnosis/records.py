"""A campaign's needs as plain records for shnor.core.needs, in two queries whatever the number of schools."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Exists, OuterRef

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
    """Each need with its linked activities and which of them are done (or partly) in a counted report of the campaign."""
    needs = campaign_needs(campaign, school_ids)
    done_entry = ReportEntry.objects.filter(planned_activity_id=OuterRef("activity_id"), report__campaign=campaign,
                                            report__status__in=statuses, status__in=ReportEntry.DONE)
    measures: dict[int, set[int]] = defaultdict(set)
    done: dict[int, set[int]] = defaultdict(set)
    for need_id, activity_id, is_done in (Measure.objects.filter(need__in=needs).annotate(done=Exists(done_entry))
                                          .values_list("need_id", "activity_id", "done").iterator(chunk_size=5000)):
        measures[need_id].add(activity_id)
        if is_done:
            done[need_id].add(activity_id)
    records = []
    for pk, school_id, kind, code, text, group in needs.values_list("pk", "school_id", "kind", "code", "text", "group").iterator(chunk_size=5000):
        item = Need.catalogue_for(code)
        records.append(NeedRecord(school_id, kind, code if item else fold(text), item.name if item else text,
                                  group or (item.group if item else ""), frozenset(measures[pk]), frozenset(done[pk])))
    return records
