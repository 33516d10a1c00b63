"""Recommendations and decisions: the list scoped to the viewer and the addressee's mark of execution."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from shnor.core import actions as core
from shnor.uploads import stored_file_response

from . import door
from .access import can_mark, get_for_marking, get_visible, visible_to
from .forms import StatusForm
from .models import Action


def filtered(user, params):
    """The viewer's items with the list's filters (campaign code, kind, status, «open»)."""
    items = visible_to(user)
    if params.get("campaign"):
        items = items.filter(campaign__code=params["campaign"])
    if params.get("kind") in Action.Kind.values:
        items = items.filter(kind=params["kind"])
    status = params.get("status")
    if status == "open":
        items = items.open()
    elif status in core.STATUSES:
        items = items.filter(status=status)
    return items.order_by("deadline", "pk")


@login_required
def task_list(request):
    return _task_list_page(request)


def _task_list_page(request, refused: tuple[Action, StatusForm, list[str]] | None = None):
    """The list; after a refused mark (`refused`: the item, its form and why), that item's form open with what was
    typed, the reasons and the fields at fault marked."""
    items = list(filtered(request.user, request.GET).prefetch_related("schools")[:1000])
    for item in items:
        item.can_mark = can_mark(request.user, item)
        # What the item's form shows: the saved mark, or what was just typed when the mark was refused.
        item.typed = {"status": core.DONE, "note": item.note, "order_number": item.order_number,
                      "order_date": item.order_date.strftime("%d.%m.%Y") if item.order_date else "", "evidence_url": item.evidence_url}
        item.form_errors, item.invalid = [], set()
        if refused and item.pk == refused[0].pk:
            _, form, item.form_errors = refused
            item.typed = {name: form.data.get(name, "") for name in item.typed}
            item.invalid = set(form.errors)
    return render(request, "actions/list.html", {
        "title": "Рекомендации и решения", "items": items, "form": StatusForm(), "statuses": list(core.STATUSES.items()),
        "kinds": Action.Kind.choices, "filters": request.GET, "campaign_code": request.GET.get("campaign", ""),
    })


@login_required
@require_POST
def task_done(request, pk):
    action = get_for_marking(request.user, pk)
    form = StatusForm(request.POST, request.FILES)
    again = " Файл подтверждения приложите ещё раз." if request.FILES else ""
    if not form.is_valid():  # the list again, this item's form open with what was typed and the errors
        errors = [e for field in form.errors.values() for e in field]
        messages.error(request, f"Исполнение не отмечено: {'; '.join(errors)}{again}")
        return _task_list_page(request, (action, form, errors))
    data = form.cleaned_data
    try:
        door.set_status(action, request.user, data["status"], note=data["note"], order_number=data["order_number"],
                        order_date=data["order_date"], evidence_url=data["evidence_url"], evidence_file=data["evidence_file"],
                        expected=data["expected"] or None)
    except door.ActionError as exc:
        messages.error(request, f"{exc}{again}")
        return _task_list_page(request, (action, form, [str(exc)]))
    messages.success(request, f"Отмечено: «{core.STATUSES[data['status']]}».")
    return redirect(reverse("task_list") + f"#task-{action.pk}")


@login_required
def evidence(request, pk):
    action = get_visible(request.user, pk)
    if not action.evidence_file:
        raise Http404("К отметке не приложен файл")
    return stored_file_response(action.evidence_file, action.evidence_file_name or action.evidence_file.name.rsplit("/", 1)[-1])
