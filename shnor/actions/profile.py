"""A school's recommendations and decisions for `shnor profile` (the diagnosis app's command)."""

from __future__ import annotations

from .models import Action


def for_school(school):
    """Items addressed to the school, to every ШНОР school of its municipality or region, and to its municipality's
    bodies (the ОМСУ of its municipality or of every municipality of the region)."""
    schools = type(school).objects.filter(pk=school.pk)
    return Action.objects.addressed_to(schools).select_related("region", "municipality").order_by("created_at", "pk")


def as_dict(action: Action) -> dict:
    return {"id": action.pk, "kind": action.kind, "text": action.text, "addressee": action.addressee,
            "addressee_kind": action.addressee_kind, "deadline_text": action.deadline_text,
            "deadline": action.deadline.isoformat() if action.deadline else None, "standing": action.is_standing,
            "status": action.status, "status_label": action.status_label(), "note": action.note,
            "evidence": action.evidence_order or action.evidence_url or action.evidence_file_name, "source": action.source}


def items_for_school(school) -> dict:
    """{"recommendations": [...], "decisions": [...]} for the school, each item a plain dict (see `as_dict`)."""
    found = {"recommendations": [], "decisions": []}
    for action in for_school(school):
        found["recommendations" if action.kind == Action.Kind.RECOMMENDATION else "decisions"].append(as_dict(action))
    return found
