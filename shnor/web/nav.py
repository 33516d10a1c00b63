"""The menu a person sees depends on their roles."""

from __future__ import annotations

from django.urls import reverse

from shnor.registry.models import Membership, Scope


def menu_for(user) -> list[tuple[str, str]]:
    if not user.is_authenticated:
        return []
    scope = Scope.of(user)
    items = [("Главная", reverse("home")), ("Кампании", reverse("campaign_list")), ("Школы", reverse("school_list"))]
    if Membership.Role.CURATOR in scope.roles:
        items.append(("Очередь на заверение", reverse("curator_queue")))
    if Membership.Role.OBSERVER in scope.roles and not scope.is_coordinator:
        items.append(("Аналитика", reverse("dashboard")))
    items.append(("Рекомендации и решения", reverse("task_list")))
    if scope.is_coordinator:
        items += [
            ("Аналитика", reverse("dashboard")),
            ("Справочники", reverse("catalogue")),
            ("Журнал", reverse("audit_log")),
        ]
    if user.is_staff:
        items.append(("Администрирование", reverse("admin:index")))
    return items
