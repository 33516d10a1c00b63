from __future__ import annotations

from datetime import datetime, time

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from shnor.registry.access import require_coordinator

from .models import AuditEvent


@login_required
def audit_log(request):
    require_coordinator(request.user)
    events = AuditEvent.objects.visible_to(request.user).select_related("user", "school")
    action = request.GET.get("action", "").strip()
    who = request.GET.get("user", "").strip()
    school = request.GET.get("school", "").strip()
    errors = []
    if action:
        events = events.filter(action__startswith=action)
    if who:
        events = events.filter(user__username=who)
    if school.isdigit():
        events = events.filter(school_id=int(school))
    for name, bound in (("since", "gte"), ("until", "lte")):
        raw = request.GET.get(name, "").strip()
        if not raw:
            continue
        try:
            day = datetime.strptime(raw, "%Y-%m-%d").date()
        except ValueError:
            errors.append(f"Дата «{raw}» не распознана: выберите её в календаре.")
            continue
        moment = timezone.make_aware(datetime.combine(day, time.min if bound == "gte" else time.max))
        events = events.filter(**{f"at__{bound}": moment})
    page = Paginator(events, 100).get_page(request.GET.get("page"))
    actions = sorted(set(AuditEvent.objects.visible_to(request.user).values_list("action", flat=True).distinct()))
    return render(request, "audit/log.html", {"title": "Журнал изменений", "page": page, "actions": actions, "filters": request.GET, "errors": errors})
