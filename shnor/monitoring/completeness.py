"""Who has reported: per school of a campaign, the report's state and whether it is overdue."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone

from .models import Campaign, SchoolReport

NOT_STARTED = "not_started"
STATE_LABELS = {NOT_STARTED: "не начат", **dict(SchoolReport.Status.choices)}
# Order in which the coordinator wants to see schools: who needs chasing first.
STATE_ORDER = [NOT_STARTED, "draft", "returned", "submitted", "certified", "accepted"]


@dataclass
class SchoolProgress:
    school: object
    state: str
    report_id: int | None
    overdue: bool
    updated_at: object = None

    @property
    def label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def waits_for_certification(self) -> bool:
        return self.state == SchoolReport.Status.SUBMITTED

    @property
    def not_submitted(self) -> bool:
        return self.state in (NOT_STARTED, "draft", "returned")


@dataclass
class Completeness:
    campaign: Campaign
    rows: list[SchoolProgress]
    counts: Counter = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return len(self.rows)

    @property
    def overdue(self) -> list[SchoolProgress]:
        return [r for r in self.rows if r.overdue]

    @property
    def not_submitted(self) -> list[SchoolProgress]:
        return [r for r in self.rows if r.not_submitted]

    @property
    def waiting(self) -> list[SchoolProgress]:
        return [r for r in self.rows if r.waits_for_certification]

    @property
    def done_count(self) -> int:
        return self.counts.get("certified", 0) + self.counts.get("accepted", 0)

    def count(self, state: str) -> int:
        return self.counts.get(state, 0)


def completeness(campaign: Campaign, schools=None, today: date | None = None) -> Completeness:
    """Two queries whatever the number of schools: the schools, and the reports' states."""
    today = today or timezone.localdate()
    schools = schools if schools is not None else campaign.schools.all()
    schools = list(schools.select_related("municipality").order_by("municipality__name", "short_name"))
    reports = {
        school_id: (pk, status, updated)
        for pk, school_id, status, updated in SchoolReport.objects.filter(campaign=campaign).values_list("pk", "school_id", "status", "updated_at")
    }
    late = today > campaign.due_date
    rows = []
    for school in schools:
        pk, state, updated = reports.get(school.pk, (None, NOT_STARTED, None))
        rows.append(SchoolProgress(school, state, pk, overdue=late and state in (NOT_STARTED, "draft", "returned"), updated_at=updated))
    rows.sort(key=lambda r: (STATE_ORDER.index(r.state), r.school.municipality.name, r.school.short_name))
    return Completeness(campaign, rows, Counter(r.state for r in rows))
