"""Who may see and change the analysis of a campaign.

* Regional coordinators of the campaign's region (and municipal coordinators of a municipal campaign) edit
  findings, issue справки, upload the region's template.
* Other coordinators and observers who see the campaign may view; a municipal coordinator sees only the
  numbers of their own schools. Issued справки (region-wide files) are for those who see every school.
* School heads, staff, curators and outsiders get 403/404.
"""

from __future__ import annotations

from functools import cached_property

from django.core.exceptions import PermissionDenied
from django.http import Http404

from shnor.monitoring.access import get_campaign_for_user, get_coordinated_campaign
from shnor.monitoring.models import Campaign
from shnor.registry.models import Membership, Scope

from .models import IssuedReport


class AnalysisAccess:
    """A viewer's access to a campaign's analysis: `whole` when they see every school of it, `school_ids` the schools
    they see (read only when asked for: a national campaign's 50,000 ids are not needed to show its stored справка)."""

    def __init__(self, campaign: Campaign, scope: Scope, whole: bool, can_edit: bool):
        self.campaign, self.scope, self.whole, self.can_edit = campaign, scope, whole, can_edit

    @cached_property
    def school_ids(self) -> list[int]:
        all_ids = list(self.campaign.schools.values_list("pk", flat=True))
        if self.whole:
            return all_ids
        # Joined with the campaign's schools, not filtered by a list of their ids (5,000 parameters cost half a second on SQLite).
        visible = set(self.scope.schools().filter(campaigns=self.campaign).values_list("pk", flat=True))
        return [pk for pk in all_ids if pk in visible]


def can_view_analysis(user) -> bool:
    scope = Scope.of(user)
    return scope.is_coordinator or Membership.Role.OBSERVER in scope.roles


def require_analyst(user) -> Scope:
    if not can_view_analysis(user):
        raise PermissionDenied("Аналитика доступна координаторам и наблюдателям.")
    return Scope.of(user)


def _coordinates(user, campaign: Campaign) -> bool:
    try:
        get_coordinated_campaign(user, campaign.code)
    except PermissionDenied:
        return False
    return True


def coordinates(user, campaign: Campaign) -> bool:
    """The user coordinates the campaign: edits its справка, issues it, replaces the region's templates."""
    return _coordinates(user, campaign)


def get_analysis_access(user, code: str) -> AnalysisAccess:
    """The campaign for a viewer of its analysis: 404 outside the user's scope, 403 for roles without analytics."""
    campaign = get_campaign_for_user(user, code)
    scope = require_analyst(user)
    hidden = campaign.schools.exclude(pk__in=scope.schools().values("pk"))  # one anti-join, not two lists of ids
    return AnalysisAccess(campaign, scope, not hidden.exists(), _coordinates(user, campaign))


def get_editable_campaign(user, code: str) -> Campaign:
    """The campaign for a change to its справка: only its coordinators."""
    require_analyst(user)
    return get_coordinated_campaign(user, code)


def get_issued_for_user(user, code: str, pk) -> IssuedReport:
    access = get_analysis_access(user, code)
    if not access.whole:
        raise PermissionDenied("Выпущенные справки содержат данные всех школ кампании и доступны тем, кто видит их все.")
    try:
        return IssuedReport.regional(access.campaign).get(pk=pk)
    except (IssuedReport.DoesNotExist, ValueError):
        raise Http404("Справка не найдена") from None
