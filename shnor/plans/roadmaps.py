"""Changes to roadmaps: the one place that saves planned activities and writes their audit log.

Used by the web pages and the API alike, so that both number, parse and record changes the same way.
"""

from __future__ import annotations

from django.db import transaction

from shnor.audit.log import record

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
def save_roadmap(roadmap: Roadmap, user) -> Roadmap:
    created = roadmap.pk is None
    roadmap.save()
    record(user, "roadmap.create" if created else "roadmap.edit", roadmap,
           f"{'Создана' if created else 'Изменена'} дорожная карта школы {roadmap.school}", school=roadmap.school)
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
    school = activity.roadmap.school
    record(user, "roadmap.activity_save", activity,
           f"{'Добавлено' if created else 'Изменено'} мероприятие дорожной карты школы {school}: {activity.title[:80]}", school=school)
    return activity


@transaction.atomic
def delete_activity(activity: PlannedActivity, user) -> None:
    if activity.entries.exists():
        raise RoadmapError("Мероприятие уже есть в отчётах школы — удалить его нельзя, только изменить.")
    school = activity.roadmap.school
    record(user, "roadmap.activity_delete", activity, f"Удалено мероприятие дорожной карты школы {school}: {activity.title[:80]}", school=school)
    activity.delete()
