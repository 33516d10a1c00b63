from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from shnor.audit.log import diff, record
from shnor.registry.access import (
    get_municipality_for_user,
    get_school_for_user,
    require_coordinator,
    require_regional,
)
from shnor.registry.models import Scope

from . import roadmaps
from .forms import ActivityTypeForm, DirectionForm, PlannedActivityForm
from .models import ActivityType, Direction, Framework, PlannedActivity, TypeMapping


@login_required
def catalogue(request):
    require_coordinator(request.user)
    frameworks = Framework.objects.prefetch_related("directions__mappings__activity_type")
    return render(request, "plans/catalogue.html", {
        "title": "Справочники", "frameworks": frameworks, "types": ActivityType.objects.all(),
        "can_edit": Scope.of(request.user).is_regional,
    })


@login_required
def activity_type_edit(request, code):
    require_regional(request.user)
    obj = get_object_or_404(ActivityType, code=code)
    form = ActivityTypeForm(request.POST or None, instance=obj)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            before = {"name": obj.name, "examples": obj.examples, "form": obj.form, "is_active": obj.is_active}
            before_dirs = set(obj.mappings.values_list("direction_id", flat=True))
            obj = form.save()
            chosen = {d.pk for d in form.cleaned_data["directions"]}
            TypeMapping.objects.filter(activity_type=obj).exclude(direction_id__in=chosen).delete()
            for d in form.cleaned_data["directions"]:
                # The first direction chosen within a framework that has none yet becomes primary.
                has_primary = TypeMapping.objects.filter(activity_type=obj, direction__framework=d.framework, is_primary=True).exists()
                TypeMapping.objects.get_or_create(activity_type=obj, direction=d, defaults={"is_primary": not has_primary})
            changes = diff(before, {"name": obj.name, "examples": obj.examples, "form": obj.form, "is_active": obj.is_active})
            if before_dirs != chosen:
                changes["направления"] = [sorted(before_dirs), sorted(chosen)]
            record(request.user, "catalogue.type_edit", obj, f"Изменён вид мероприятия «{obj.name}»", changes=changes)
        messages.success(request, "Вид мероприятия сохранён.")
        return redirect("catalogue")
    return render(request, "plans/form.html", {"title": f"Вид мероприятия: {obj.name}", "form": form})


@login_required
def direction_edit(request, pk):
    require_regional(request.user)
    obj = get_object_or_404(Direction, pk=pk)
    form = DirectionForm(request.POST or None, instance=obj)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            old = obj.name
            form.save()
            record(request.user, "catalogue.direction_edit", obj, f"Изменено направление «{old}» → «{obj.name}»", changes={"name": [old, obj.name]})
        messages.success(request, "Направление сохранено.")
        return redirect("catalogue")
    return render(request, "plans/form.html", {"title": f"Направление: {obj.name} ({obj.framework.name})", "form": form})


def _roadmap_for(user, school_pk) -> tuple:
    school = get_school_for_user(user, school_pk)
    if not Scope.of(user).can_edit_roadmap_of(school):
        raise PermissionDenied("Дорожную карту этой школы вы изменить не можете.")
    return school, roadmaps.current_roadmap(school, user)


def _save_activity(request, form, roadmap) -> None:
    """A roadmap's activity saved from its form (a school's or a municipality's roadmap), with the message saying so."""
    activity = form.save(commit=False)
    activity.roadmap = roadmap
    activity = roadmaps.save_activity(activity, request.user, deadline=form.cleaned_data["deadline"],
                                      directions=form.cleaned_data["directions"])
    messages.success(request, "Мероприятие сохранено." + ("" if activity.deadline_start or not activity.deadline_text else " Срок не удалось перевести в даты — он сохранён как написан."))


@login_required
def roadmap_edit(request, school_pk, activity_pk=None):
    school, roadmap = _roadmap_for(request.user, school_pk)
    instance = None
    if activity_pk is not None:
        instance = roadmap.activities.filter(pk=activity_pk).first()
        if instance is None:
            raise Http404("Мероприятие не найдено")
    form = PlannedActivityForm(request.POST or None, instance=instance, framework=roadmap.framework)
    if request.method == "POST" and form.is_valid():
        _save_activity(request, form, roadmap)
        return redirect("roadmap_edit", school.pk)
    return render(request, "plans/roadmap_edit.html", {
        "title": f"Дорожная карта: {school.short_name}", "school": school, "roadmap": roadmap, "form": form, "editing": instance,
        "activities": roadmap.activities.select_related("activity_type"),
    })


@login_required
@require_POST
def roadmap_activity_delete(request, school_pk, activity_pk):
    school, roadmap = _roadmap_for(request.user, school_pk)
    activity = get_object_or_404(PlannedActivity, pk=activity_pk, roadmap=roadmap)
    try:
        roadmaps.delete_activity(activity, request.user)
        messages.success(request, "Мероприятие удалено.")
    except roadmaps.RoadmapError as exc:
        messages.error(request, str(exc))
    return redirect("roadmap_edit", school.pk)


# A municipality's own roadmap: seen by its municipal coordinator and the region's coordinator and observer, changed by
# the coordinators; its activities are carried out by the отдел образования, the МОЦ or school-leaders.


@login_required
def municipal_roadmap(request, municipality_pk, activity_pk=None):
    municipality = get_municipality_for_user(request.user, municipality_pk)
    can_edit = Scope.of(request.user).can_edit_municipal_roadmap(municipality)
    if (request.method == "POST" or activity_pk is not None) and not can_edit:
        raise PermissionDenied("Дорожную карту муниципалитета изменяют муниципальный и региональный координаторы.")
    roadmap = roadmaps.current_municipal_roadmap(municipality, request.user) if request.method == "POST" else (
        municipality.roadmaps.filter(is_current=True).select_related("framework").first())
    instance = None
    if activity_pk is not None:
        instance = roadmap.activities.filter(pk=activity_pk).first() if roadmap else None
        if instance is None:
            raise Http404("Мероприятие не найдено")
    framework = roadmap.framework if roadmap else Framework.objects.filter(code="cluster4").first()
    form = PlannedActivityForm(request.POST or None, instance=instance, framework=framework) if can_edit else None
    if request.method == "POST" and form.is_valid():
        _save_activity(request, form, roadmap)
        return redirect("municipal_roadmap", municipality.pk)
    return render(request, "plans/municipal_roadmap.html", {
        "title": f"Дорожная карта муниципалитета: {municipality.name}", "municipality": municipality, "roadmap": roadmap, "form": form,
        "editing": instance, "can_edit": can_edit,
        "activities": roadmap.activities.select_related("activity_type") if roadmap else [],
    }, status=400 if request.method == "POST" else 200)


@login_required
@require_POST
def municipal_roadmap_activity_delete(request, municipality_pk, activity_pk):
    municipality = get_municipality_for_user(request.user, municipality_pk)
    if not Scope.of(request.user).can_edit_municipal_roadmap(municipality):
        raise PermissionDenied("Дорожную карту муниципалитета изменяют муниципальный и региональный координаторы.")
    activity = get_object_or_404(PlannedActivity, pk=activity_pk, roadmap__municipality=municipality, roadmap__is_current=True)
    try:
        roadmaps.delete_activity(activity, request.user)
        messages.success(request, "Мероприятие удалено.")
    except roadmaps.RoadmapError as exc:
        messages.error(request, str(exc))
    return redirect("municipal_roadmap", municipality.pk)
