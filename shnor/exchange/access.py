"""Which schools a person may load data for. Reading goes through `Scope.schools()` as everywhere else."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from shnor.registry.models import Membership, School, Scope


def coordinated_schools(user):
    """Schools of the regions and municipalities the user coordinates (all schools for a superuser)."""
    scope = Scope.of(user)
    if scope.is_superuser:
        return School.objects.all()
    return School.objects.filter(municipality__in=scope.municipalities())


def roadmap_schools(user):
    """Schools whose roadmap the user may change: as coordinator, head or curator (`Scope.can_edit_roadmap_of`)."""
    scope = Scope.of(user)
    if scope.is_superuser:
        return School.objects.all()
    own = [m.school_id for m in scope.memberships if m.role in (Membership.Role.HEAD, Membership.Role.CURATOR)]
    return School.objects.filter(Q(municipality__in=scope.municipalities()) | Q(pk__in=own))


def require_roadmap_editor(user) -> None:
    scope = Scope.of(user)
    roles = {Membership.Role.HEAD, Membership.Role.CURATOR}
    if not (scope.is_coordinator or roles & scope.roles):
        raise PermissionDenied("Загружать дорожные карты могут координаторы, руководители школ и кураторы.")


def require_indicator_loader(user) -> None:
    if not Scope.of(user).is_coordinator:
        raise PermissionDenied("Загружать показатели могут только координаторы.")
