from __future__ import annotations

from typing import Any

from django.db import models

from .models import AuditEvent


def record(user, action: str, obj: models.Model | None, summary: str, *, school=None, municipality=None, region=None,
           changes: dict[str, Any] | None = None) -> AuditEvent:
    """Write one audit event. Call it inside the transaction of the change it describes.

    Name the narrowest place the event is about — a school, a municipality or a region: coordinators see the
    events of the places they coordinate, and a region-level event only regional coordinators (see `within`)."""
    if school is not None and municipality is None:
        municipality = school.municipality
    region_id = region.pk if region is not None else (municipality.region_id if municipality is not None else None)
    return AuditEvent.objects.create(
        user=user if getattr(user, "is_authenticated", False) else None,
        action=action,
        summary=summary[:1000],
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        school=school,
        municipality=municipality,
        region_id=region_id,
        changes=changes or {},
    )


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """Field → [old, new] for the fields that changed (values made JSON-safe)."""
    return {k: [_safe(before.get(k)), _safe(after.get(k))] for k in after if before.get(k) != after.get(k)}


def _safe(value):
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)
