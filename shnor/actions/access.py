"""Who sees a recommendation or decision, and who may mark its execution.

* Sees: the region's coordinators and observers everything of the region; a municipal coordinator (or a
  municipal observer) the items addressed to their municipality, to its schools, and to every municipality or
  school of the region; a school's head, staff and curator the items addressed to that school and to every ШНОР
  school of its municipality or region (a curator also those addressed to the curators of that school).
* Marks: the addressee's own users — a municipal coordinator the items addressed to their municipality (its body
  or all its schools, or schools all of which are theirs), a head the items addressed to their school alone; the
  regional coordinator anything in the region.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from shnor.core import actions as core
from shnor.registry.models import Membership, Scope

from .models import Action

Role = Membership.Role
_PLACES = (core.MUNICIPALITY, core.ALL_SCHOOLS)


def _school_q(school) -> Q:
    region_id = school.municipality.region_id
    return (Q(schools=school)
            | Q(addressee_kind=core.ALL_SCHOOLS, municipality_id=school.municipality_id)
            | Q(addressee_kind=core.ALL_SCHOOLS, municipality__isnull=True, region_id=region_id))


def visible_q(user) -> Q | None:
    """A Q over Action for what `user` may see; None for everything."""
    scope = Scope.of(user)
    if scope.is_superuser:
        return None
    q = Q(pk__in=[])
    for m in scope.memberships:
        if m.role in (Role.REGIONAL, Role.OBSERVER) and m.region_id:
            q |= Q(region_id=m.region_id)
        elif m.role in (Role.MUNICIPAL, Role.OBSERVER) and m.municipality_id:
            q |= (Q(municipality_id=m.municipality_id) | Q(schools__municipality_id=m.municipality_id)
                  | Q(addressee_kind__in=_PLACES, municipality__isnull=True, region_id=m.municipality.region_id))
        elif m.role == Role.OBSERVER:
            return None
        elif m.school_id:
            q |= _school_q(m.school)
            if m.role == Role.CURATOR:
                q |= Q(addressee_kind=core.CURATORS, region_id=m.school.municipality.region_id, schools__isnull=True)
    return q


def visible_to(user):
    q = visible_q(user)
    qs = Action.objects.all() if q is None else Action.objects.filter(pk__in=Action.objects.filter(q).values("pk"))
    return qs.select_related("region", "municipality", "campaign", "status_changed_by")


def can_mark(user, action: Action) -> bool:
    scope = Scope.of(user)
    if scope.coordinates_region(action.region_id):
        return True
    school_ids = {s.pk: s.municipality_id for s in action.schools.all()}
    for m in scope.memberships:
        if m.role == Role.MUNICIPAL:
            if action.addressee_kind in _PLACES and action.municipality_id == m.municipality_id:
                return True
            if action.addressee_kind == core.SCHOOLS and school_ids and set(school_ids.values()) == {m.municipality_id}:
                return True
        if m.role == Role.HEAD and action.addressee_kind == core.SCHOOLS and set(school_ids) == {m.school_id}:
            return True
    return False


def get_visible(user, pk) -> Action:
    try:
        return visible_to(user).get(pk=pk)
    except (Action.DoesNotExist, ValueError, TypeError):
        raise Http404("Рекомендация или решение не найдены") from None


def get_for_marking(user, pk) -> Action:
    """The item for a status change: 404 when not visible, 403 when the user is not its addressee's."""
    action = get_visible(user, pk)
    if not can_mark(user, action):
        raise PermissionDenied("Отмечать исполнение может адресат: координатор муниципалитета, руководитель школы или региональный координатор.")
    return action
