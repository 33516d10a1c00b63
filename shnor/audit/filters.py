"""The audit page's filters, shared by the page and its exports (audit.csv, audit.xlsx)."""

from __future__ import annotations

from datetime import datetime, time

from django.utils import timezone

from shnor.core.text import parse_id


def filter_events(events, params) -> tuple:
    """The filters (action, user, school, since, until) → (events, Russian messages about the filters not applied)."""
    errors = []
    if action := params.get("action", "").strip():
        events = events.filter(action__startswith=action)
    if who := params.get("user", "").strip():
        events = events.filter(user__username=who)
    if school := params.get("school", "").strip():
        if parse_id(school):
            events = events.filter(school_id=parse_id(school))
        else:
            errors.append(f"Школа «{school[:40]}» не найдена: фильтр по школе не применён.")
    for name, bound in (("since", "gte"), ("until", "lte")):
        raw = params.get(name, "").strip()
        if not raw:
            continue
        try:
            day = datetime.strptime(raw, "%Y-%m-%d").date()
        except ValueError:
            errors.append(f"Дата «{raw[:40]}» не распознана: выберите её в календаре.")
            continue
        moment = timezone.make_aware(datetime.combine(day, time.min if bound == "gte" else time.max))
        events = events.filter(**{f"at__{bound}": moment})
    return events, errors
