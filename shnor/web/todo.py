"""The home page as a to-do list: for each role of a person, what they must do next (and only what they may do).

Each role's section is one function over the open campaigns the person sees; the home view shows those that apply.
Recommendations and decisions (shnor.actions) come to everyone as their access rules address them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone

from shnor.actions.access import visible_to as actions_visible_to
from shnor.actions.models import Action
from shnor.monitoring.completeness import completeness
from shnor.monitoring.coverage import municipal_coverage
from shnor.monitoring.models import Campaign, SchoolReport
from shnor.registry.models import Membership, Scope

Role = Membership.Role


@dataclass
class SchoolTodo:
    """A head's or staff member's report: its state, what is missing, the remarks to fix and the deadline."""

    campaign: Campaign
    school: object
    report: SchoolReport | None
    unmarked: int = 0

    @property
    def days_left(self) -> int:
        return (self.campaign.due_date - timezone.localdate()).days

    @property
    def to_fill(self) -> bool:
        return self.report is None or self.report.is_editable


@dataclass
class CuratorTodo:
    waiting: list[SchoolReport] = field(default_factory=list)
    schools: list[tuple[Campaign, object]] = field(default_factory=list)  # (campaign, completeness row)


@dataclass
class CoordinatorTodo:
    to_accept: list[SchoolReport] = field(default_factory=list)
    lagging: list[tuple[Campaign, object]] = field(default_factory=list)  # (campaign, completeness row) not submitted
    # (campaign, MunicipalRow) of the municipalities' own roadmaps with a step for this person: to fill and submit
    # (the municipal coordinator), to certify or accept (the regional coordinator)
    municipal: list[tuple[Campaign, object]] = field(default_factory=list)


def open_campaigns(user) -> list[Campaign]:
    return list(Campaign.objects.visible_to(user).filter(status=Campaign.Status.OPEN).select_related("region", "previous")[:20])


def school_todos(scope: Scope, campaigns: list[Campaign]) -> list[SchoolTodo]:
    school_ids = [m.school_id for m in scope.memberships if m.role in (Role.HEAD, Role.STAFF)]
    if not school_ids:
        return []
    reports = {(r.campaign_id, r.school_id): r for r in SchoolReport.objects.filter(school_id__in=school_ids, campaign__in=campaigns)
               .annotate(unmarked=Count("entries", filter=Q(entries__planned_activity__isnull=False, entries__status="")),
                         past_due=Count("entries", filter=Q(entries__planned_activity__deadline_end__lt=timezone.localdate(), entries__status="")),
                         remarked=Count("entries", filter=~Q(entries__remark="")))}
    todos = []
    for c in campaigns:
        for school in c.schools.filter(pk__in=school_ids):
            report = reports.get((c.pk, school.pk))
            todos.append(SchoolTodo(c, school, report, unmarked=report.unmarked if report else 0))
    return todos


def curator_todo(scope: Scope, campaigns: list[Campaign]) -> CuratorTodo | None:
    school_ids = [m.school_id for m in scope.memberships if m.role == Role.CURATOR]
    if not school_ids:
        return None
    todo = CuratorTodo()
    todo.waiting = list(SchoolReport.objects.filter(school_id__in=school_ids, status=SchoolReport.Status.SUBMITTED, campaign__in=campaigns)
                        .select_related("school", "campaign").order_by("submitted_at"))
    for c in campaigns:
        todo.schools += [(c, row) for row in completeness(c, c.schools.filter(pk__in=school_ids)).rows]
    return todo


def coordinator_todo(scope: Scope, campaigns: list[Campaign]) -> CoordinatorTodo | None:
    """Coordinators: the certified reports they may accept, and the schools of their scope that have not submitted."""
    if not scope.is_coordinator:
        return None
    todo = CoordinatorTodo()
    visible = scope.schools()
    todo.to_accept = [r for r in SchoolReport.objects.filter(campaign__in=campaigns, status=SchoolReport.Status.CERTIFIED, school__in=visible)
                      .select_related("school__municipality", "campaign", "certified_by").order_by("campaign", "certified_at")
                      if scope.can_accept_report_of(r.school)]
    for c in campaigns:
        todo.lagging += [(c, row) for row in completeness(c, c.schools.filter(pk__in=visible)).rows if row.not_submitted]
    todo.lagging.sort(key=lambda pair: (not pair[1].overdue, pair[0].due_date))
    todo.municipal = _municipal_steps(scope, campaigns)
    return todo


def _municipal_steps(scope: Scope, campaigns: list[Campaign]) -> list[tuple[Campaign, object]]:
    steps = []
    for c in campaigns:
        if not c.municipalities.exists():  # the common case: one cheap query per open campaign
            continue
        for row in municipal_coverage(c, municipality_ids=scope.visible_municipalities().values("pk")):
            fills = scope.can_edit_municipal_report(row.municipality) and row.state in ("not_started", "draft", "returned")
            certifies = scope.can_certify_municipal_report(row.municipality) and row.state in ("submitted", "certified")
            if fills or certifies:
                steps.append((c, row))
    return steps


def addressed_to(user) -> list[Action]:
    """Open recommendations and decisions addressed to the person's municipality or schools (all of the region for
    its coordinators and observers): shnor.actions decides who sees which."""
    return list(actions_visible_to(user).open().order_by("deadline", "pk")[:10])


def observer_summary(scope: Scope, campaigns: list[Campaign]) -> list[tuple[Campaign, object]]:
    visible = scope.schools()
    return [(c, completeness(c, c.schools.filter(pk__in=visible))) for c in campaigns[:6]]
