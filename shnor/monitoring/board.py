"""What the campaign page shows, sized for a campaign of thousands of schools.

Counts come from one aggregate query, the table of schools is paginated in the database (who needs chasing
first), and the coverage of the whole campaign from its maintained counts (coverage_counts.py), of a part of it from
`coverage_for`'s cache. Everything is computed lazily: the page caches
its heavy fragments under `key`, which changes with the campaign's state (`campaign_stamp`), the viewer's
scope, the day (what is overdue) and the page, so a cached page costs a handful of small queries.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass
from datetime import date
from functools import cached_property

from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Case, Count, F, FilteredRelation, IntegerField, Q, Value, When
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from shnor.registry.models import Scope

from .charts import campaign_charts, chart_context
from .completeness import NOT_STARTED, STATE_ORDER, SchoolProgress
from .coverage import coverage_for
from .coverage_counts import maintained_coverage
from .models import Campaign, SchoolReport
from .stamps import CACHE_SECONDS, view_key

PER_PAGE = 100
NOT_SUBMITTED = (NOT_STARTED, SchoolReport.Status.DRAFT, SchoolReport.Status.RETURNED)


@dataclass
class Summary:
    """The counts of the campaign page's cards, for the schools one viewer sees."""

    total: int
    campaign_total: int
    counts: Counter
    late: bool

    def count(self, state: str) -> int:
        return self.counts.get(state, 0)

    @property
    def not_submitted(self) -> int:
        return sum(self.count(s) for s in NOT_SUBMITTED)

    @property
    def overdue(self) -> int:
        return self.not_submitted if self.late else 0

    @property
    def waiting(self) -> int:
        return self.count(SchoolReport.Status.SUBMITTED)

    @property
    def done(self) -> int:
        return self.count(SchoolReport.Status.CERTIFIED) + self.count(SchoolReport.Status.ACCEPTED)


def summary(campaign: Campaign, schools, today: date | None = None) -> Summary:
    today = today or timezone.localdate()
    total = schools.count()
    counts = Counter(dict(
        SchoolReport.objects.filter(campaign=campaign, school__in=schools.values("pk")).order_by().values_list("status").annotate(n=Count("*"))
    ))
    counts[NOT_STARTED] = total - sum(counts.values())
    return Summary(total, campaign.schools.count(), counts, today > campaign.due_date)


def progress_rows(campaign: Campaign, schools):
    """The schools with their report's state, in the order the coordinator works through them, as a queryset
    of School annotated with `report_state`, `report_pk`, `report_updated`; paginate it, then `as_progress`."""
    rank = Case(When(r__status__isnull=True, then=Value(0)),
                *[When(r__status=state, then=Value(i)) for i, state in enumerate(STATE_ORDER) if state != NOT_STARTED],
                default=Value(len(STATE_ORDER)), output_field=IntegerField())
    return (
        schools.select_related("municipality")
        .annotate(r=FilteredRelation("reports", condition=Q(reports__campaign=campaign)))
        .annotate(rank=rank, report_state=Coalesce(F("r__status"), Value(NOT_STARTED)), report_pk=F("r__pk"), report_updated=F("r__updated_at"))
        .order_by("rank", "municipality__name", "short_name", "pk")
    )


def as_progress(campaign: Campaign, schools, today: date | None = None) -> list[SchoolProgress]:
    late = (today or timezone.localdate()) > campaign.due_date
    return [SchoolProgress(s, s.report_state, s.report_pk, overdue=late and s.report_state in NOT_SUBMITTED, updated_at=s.report_updated)
            for s in schools]


class CampaignBoard:
    def __init__(self, campaign: Campaign, user, include_submitted: bool = False, page: str | None = None):
        self.campaign, self.user, self.include_submitted = campaign, user, include_submitted
        self.page_number = page if (page or "").isdigit() else "1"
        self.today = timezone.localdate()
        base = f"{view_key(campaign, user)}:{self.today.isoformat()}"
        self.summary_key = f"board:{base}"
        self.key = f"{base}:{int(include_submitted)}:{self.page_number}"

    @cached_property
    def visible(self):
        return self.campaign.schools.filter(pk__in=Scope.of(self.user).schools().values("pk"))

    @property
    def visible_ids(self):
        """The viewer's schools of the campaign as a query, not a list: the charts' queries take it as a subquery (a
        national campaign's 50,000 ids written into each query took seconds to send and plan)."""
        if not self.partial_view:
            return Campaign.schools.through.objects.filter(campaign_id=self.campaign.pk).values_list("school_id", flat=True)
        return self.visible.values_list("pk", flat=True)

    @cached_property
    def summary(self) -> Summary:
        return cache.get_or_set(f"summary:{self.summary_key}", lambda: summary(self.campaign, self.visible, self.today), CACHE_SECONDS)

    @property
    def partial_view(self) -> bool:
        return self.summary.total < self.summary.campaign_total

    @cached_property
    def page(self):
        page = Paginator(progress_rows(self.campaign, self.visible), PER_PAGE).get_page(self.page_number)
        page.rows = as_progress(self.campaign, page.object_list, self.today)
        return page

    @cached_property
    def charts(self) -> list[dict]:
        """The campaign's charts: their numbers, cached under the board's key, and the address of each picture,
        which changes with the key so that a browser never shows an old one."""
        def numbers():
            version = hashlib.sha1(self.summary_key.encode()).hexdigest()[:12]
            return [chart_context(c, reverse("campaign_chart", args=[self.campaign.code, c.key]) + f"?v={version}")
                    for c in campaign_charts(self.campaign, self.visible_ids, coverage=None if self.include_submitted else self.coverage)]

        return cache.get_or_set(f"charts:{self.summary_key}", numbers, CACHE_SECONDS)

    def chart_svg(self, key: str) -> bytes:
        """One chart's picture (b"" when the data has none), drawn once per state of the campaign's reports."""
        def draw():
            charts = campaign_charts(self.campaign, self.visible_ids, "svg", only=key)
            return charts[0].image if charts else b""

        return cache.get_or_set(f"chart:{self.summary_key}:{key}", draw, CACHE_SECONDS)

    @cached_property
    def coverage(self):
        if not self.partial_view:  # the whole campaign: its maintained counts, not a computation
            return maintained_coverage(self.campaign, self.include_submitted)
        return coverage_for(self.campaign, self.include_submitted, list(self.visible.values_list("pk", flat=True)))
