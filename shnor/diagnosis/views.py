"""Pages of a school's diagnosis: add, edit and delete a need; link roadmap activities to it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from shnor.core import needs as catalogue
from shnor.plans.models import PlannedActivity
from shnor.registry.access import get_school_for_user
from shnor.registry.models import Scope

from . import door
from .forms import NeedForm
from .models import Need


def _school_to_diagnose(user, school_pk):
    school = get_school_for_user(user, school_pk)
    if not Scope.of(user).can_diagnose(school):
        raise PermissionDenied("Диагностику школы вносят её куратор и координаторы.")
    return school


def _back(school) -> str:
    return reverse("school_detail", args=[school.pk]) + "#diagnosis"


@login_required
def need_edit(request, school_pk, pk=None):
    school = _school_to_diagnose(request.user, school_pk)
    need = get_object_or_404(Need, pk=pk, school=school) if pk else None
    form = NeedForm.for_need(need, request.POST or None) if need else NeedForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if need:
                need = door.change_need(need, request.user, form.to_input())
            else:
                need = door.add_need(school, request.user, form.to_input())
        except door.DiagnosisError as exc:
            form.add_error(None, str(exc))
        else:
            item = need.catalogue_item
            messages.success(request, "Сохранено." + (f" По каталогу: «{item.name}»." if item else " Типовой пункт каталога не подобран."))
            return redirect(_back(school))
    title = f"{'Изменить' if need else 'Добавить'}: диагностика — {school.short_name}"
    return render(request, "diagnosis/need_form.html", {"title": title, "school": school, "form": form, "need": need})


@login_required
@require_POST
def need_delete(request, school_pk, pk):
    school = _school_to_diagnose(request.user, school_pk)
    need = Need.objects.filter(pk=pk, school=school).first()
    if need is None:  # a second click, or a colleague was faster: the record is gone either way
        messages.info(request, "Эта запись диагностики уже удалена.")
    else:
        door.delete_need(need, request.user)
        messages.success(request, "Запись диагностики удалена.")
    return redirect(_back(school))


@login_required
@require_POST
def need_adopt_risks(request, school_pk):
    school = _school_to_diagnose(request.user, school_pk)
    added = sum(len(door.adopt_registry_risks(s, request.user)) for s in school.statuses.all())
    messages.success(request, f"Перенесено рисковых профилей: {added}." if added else "Все рисковые профили реестра уже в диагностике.")
    return redirect(_back(school))


@login_required
def need_measures(request, school_pk, pk):
    """Which roadmap activities address the need: suggested from their type and text, confirmed by a person."""
    school = _school_to_diagnose(request.user, school_pk)
    need = get_object_or_404(Need, pk=pk, school=school)
    activities = list(PlannedActivity.objects.filter(roadmap__school=school).select_related("activity_type", "roadmap")
                      .order_by("-roadmap__is_current", "roadmap", "order", "pk"))
    if request.method == "POST":
        ids = [int(v) for v in request.POST.getlist("activity") if v.isdigit()]
        try:
            door.set_measures(need, ids, request.user)
        except door.DiagnosisError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"Связано мероприятий: {len(ids)}.")
            return redirect(_back(school))
    texts = [catalogue.ActivityText(a.pk, a.title, a.activity_type.code if a.activity_type else None) for a in activities]
    suggested = {s.activity_id: s for s in catalogue.suggest(need.code, need.text, texts)}
    linked = set(need.measures.values_list("activity_id", flat=True))
    rows = [{"activity": a, "linked": a.pk in linked, "suggestion": suggested.get(a.pk)} for a in activities]
    rows.sort(key=lambda r: (not r["linked"], r["suggestion"] is None, -(r["suggestion"].score if r["suggestion"] else 0)))
    return render(request, "diagnosis/need_measures.html", {
        "title": f"Меры по потребности — {school.short_name}", "school": school, "need": need, "rows": rows,
    })
