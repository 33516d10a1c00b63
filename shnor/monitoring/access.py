from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from shnor.registry.access import get_municipality_for_user, get_school_for_user
from shnor.registry.models import Scope

from .models import Campaign, Evidence, MunicipalReport, SchoolReport


def get_campaign_for_user(user, code: str) -> Campaign:
    try:
        campaign = Campaign.objects.select_related("framework", "region", "previous").get(code=code)
    except Campaign.DoesNotExist:
        raise Http404("Кампания не найдена") from None
    # The coordinator of the campaign's region sees it without the subquery over its schools (the common case on
    # a busy campaign page); everyone else goes through Campaign.objects.visible_to, the rule itself.
    scope = Scope.of(user)
    if scope.is_superuser or scope.coordinates_region(campaign.region_id):
        return campaign
    if not Campaign.objects.visible_to(user).filter(pk=campaign.pk).exists():
        raise Http404("Кампания не найдена")
    return campaign


def coordinates_campaign(user, campaign: Campaign) -> bool:
    """The region's coordinator, or for a municipality's own campaign its municipal coordinator."""
    scope = Scope.of(user)
    return scope.coordinates_region(campaign.region_id) or bool(
        campaign.municipality_id and any(m.municipality_id == campaign.municipality_id and m.role == "municipal" for m in scope.memberships)
    )


def get_coordinated_campaign(user, code: str) -> Campaign:
    campaign = get_campaign_for_user(user, code)
    if not coordinates_campaign(user, campaign):
        raise PermissionDenied("Это действие доступно только координатору кампании.")
    return campaign


def get_report_context(user, code: str, school_pk):
    """(campaign, school, report or None) for a school the user may see, in a campaign that includes it."""
    campaign = get_campaign_for_user(user, code)
    school = get_school_for_user(user, school_pk)
    if not campaign.schools.filter(pk=school.pk).exists():
        raise Http404("Школа не участвует в этой кампании")
    report = SchoolReport.objects.filter(campaign=campaign, school=school).first()
    return campaign, school, report


def get_municipal_report_context(user, code: str, municipality_pk):
    """(campaign, municipality, its own report or None) for a municipality whose own roadmap the user may see (its
    municipal coordinator, the region's coordinator and observer), in a campaign that monitors that roadmap."""
    campaign = get_campaign_for_user(user, code)
    municipality = get_municipality_for_user(user, municipality_pk)
    if not campaign.municipalities.filter(pk=municipality.pk).exists():
        raise Http404("Кампания не включает дорожную карту этого муниципалитета")
    report = MunicipalReport.objects.filter(campaign=campaign, municipality=municipality).first()
    return campaign, municipality, report


def get_evidence_for_user(user, pk) -> Evidence:
    try:
        evidence = Evidence.objects.select_related("entry__report__school", "entry__municipal_report__municipality").get(pk=pk)
    except (Evidence.DoesNotExist, ValueError):
        raise Http404("Файл не найден") from None
    entry, scope = evidence.entry, Scope.of(user)
    seen = scope.can_see_school(entry.report.school) if entry.report_id else scope.can_see_municipality(entry.municipal_report.municipality)
    if not seen:
        raise Http404("Файл не найден")
    return evidence
