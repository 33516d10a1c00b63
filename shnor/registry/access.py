"""Fetch objects *for this user*: 404 when outside their scope, 403 when visible but not theirs to change."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from .models import Municipality, School, Scope


def get_school_for_user(user, pk) -> School:
    try:
        return School.objects.visible_to(user).select_related("municipality__region").get(pk=pk)
    except (School.DoesNotExist, ValueError, TypeError):
        raise Http404("Школа не найдена") from None


def get_municipality_for_user(user, pk) -> Municipality:
    """A municipality whose own roadmap and report the user may see (Scope.visible_municipalities), else 404."""
    try:
        return Scope.of(user).visible_municipalities().select_related("region").get(pk=pk)
    except (Municipality.DoesNotExist, ValueError, TypeError):
        raise Http404("Муниципалитет не найден") from None


def require_coordinator(user) -> Scope:
    scope = Scope.of(user)
    if not scope.is_coordinator:
        raise PermissionDenied("Эта страница доступна только координаторам.")
    return scope


def require_regional(user) -> Scope:
    scope = Scope.of(user)
    if not scope.is_regional:
        raise PermissionDenied("Эта страница доступна только региональному координатору.")
    return scope
