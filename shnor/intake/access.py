"""Who may upload documents for which schools, and see which import batches."""

from __future__ import annotations

from django.http import Http404

from shnor.monitoring.access import get_campaign_for_user
from shnor.registry.models import Membership, Scope

from .models import ImportBatch


def intake_schools(user, campaign):
    """Schools whose reports this user may fill from documents: a coordinator's, or the user's own school."""
    scope = Scope.of(user)
    schools = campaign.schools.filter(pk__in=scope.schools().values("pk")).select_related("municipality").order_by("short_name")
    if scope.is_coordinator:
        return schools
    own = [m.school_id for m in scope.memberships if m.role in (Membership.Role.HEAD, Membership.Role.STAFF)]
    return schools.filter(pk__in=own)


def get_batch_for_user(user, pk) -> ImportBatch:
    try:
        batch = ImportBatch.objects.select_related("campaign", "school").get(pk=pk)
    except ImportBatch.DoesNotExist:
        raise Http404("Импорт не найден") from None
    scope = Scope.of(user)
    # The person who uploaded, or a regional coordinator of the campaign; nobody else (a batch may
    # hold documents of many schools).
    if batch.created_by_id != user.pk and not scope.coordinates_region(batch.campaign.region_id):
        raise Http404("Импорт не найден")
    get_campaign_for_user(user, batch.campaign.code)
    return batch
