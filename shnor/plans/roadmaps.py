"""Changes to roadmaps: the one place that saves planned activities and writes their audit log.

Used by the web pages and the API alike, so that both number, parse and record changes the same way.
"""

from __future__ import annotations

from django.db import transaction

from shnor.audit.log import record
from shnor.core.text import clip

from .models import Framework, PlannedActivity, Roadmap


class RoadmapError(Exception):
    """A refused roadmap change; the message is Russian and says what to do."""


@transaction.atomic
def current_roadmap(school, user) -> Roadmap:
    """The school's current roadmap, created (with the regional cluster framework) on first use."""
    roadmap = school.roadmaps.filter(is_current=True).first()
    if roadmap is None:
        roadmap = Roadmap.objects.create(school=school, title="Дорожная карта", framework=Framework.objects.filter(code="cluster4").first())
        record(user, "roadmap.create", roadmap, f"Создана дорожная карта школы {school}", school=school)
    return roadmap


@transaction.atomic
def current_municipal_roadmap(municipality, user) -> Roadmap:
    """The municipality's own current roadmap (carried out by the отдел образования, the МОЦ, school-leaders),
    created on first use."""
    roadmap = municipality.roadmaps.filter(is_current=True).first()
    if roadmap is None:
        roadmap = Roadmap.objects.create(municipality=municipality, title="Муниципальная дорожная карта",
                                         framework=Framework.objects.filter(code="cluster4").first())
        record(user, "roadmap.create", roadmap, f"Создана дорожная карта муниципалитета {municipality}", municipality=municipality)
    return roadmap


def _place(roadmap: Roadmap) -> dict:
    """The audit record's place: the school, or the municipality of its own roadmap."""
    return {"school": roadmap.school} if roadmap.school_id else {"municipality": roadmap.municipality}


@transaction.atomic
def save_roadmap(roadmap: Roadmap, user) -> Roadmap:
    created = roadmap.pk is None
    roadmap.save()
    record(user, "roadmap.create" if created else "roadmap.edit", roadmap,
           f"{'Создана' if created else 'Изменена'} дорожная карта {roadmap.owner_label}", **_place(roadmap))
    return roadmap


@transaction.atomic
def save_activity(activity: PlannedActivity, user, *, deadline: str | None = None, directions=None) -> PlannedActivity:
    """Save a new or changed activity: numbered at the end of the roadmap, its deadline parsed from the text."""
    created = activity.pk is None
    if created and not activity.order:
        activity.order = (activity.roadmap.activities.order_by("-order").values_list("order", flat=True).first() or 0) + 1
    if deadline is not None:
        activity.set_deadline(deadline)
    activity.save()
    if directions is not None:
        activity.directions.set(directions)
    roadmap = activity.roadmap
    record(user, "roadmap.activity_save", activity,
           f"{'Добавлено' if created else 'Изменено'} мероприятие дорожной карты {roadmap.owner_label}: {clip(activity.title, 80)}", **_place(roadmap))
    return activity


@transaction.atomic
def delete_activity(activity: PlannedActivity, user) -> None:
    if activity.entries.exists():
        raise RoadmapError("Мероприятие уже есть в отчётах — удалить его нельзя, только изменить.")
    roadmap = activity.roadmap
    record(user, "roadmap.activity_delete", activity, f"Удалено мероприятие дорожной карты {roadmap.owner_label}: {clip(activity.title, 80)}",
           **_place(roadmap))
    activity.delete()
