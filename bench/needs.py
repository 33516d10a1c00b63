"""Needs coverage for the bench region: the computation (two ORM queries + the core) against a bare SQL GROUP BY
over the same rows (issue 10: ≤ 3×). Seeds three needs a school, half of them with measures, on first run."""

from __future__ import annotations

import random

from .figures import Figure, best_of

SECTION = "analysis"


def seed_needs(campaign) -> int:
    """Bench data (not the app's door: a bulk seed of a throw-away database, like the synthetic region itself)."""
    from shnor.core.needs import catalogue
    from shnor.diagnosis.models import Measure, Need
    from shnor.plans.models import PlannedActivity

    schools = list(campaign.schools.values_list("pk", flat=True))
    if Need.objects.filter(school_id__in=schools).exists():
        return Need.objects.filter(school_id__in=schools).count()
    rng = random.Random(10)
    items = list(catalogue().values())
    needs = Need.objects.bulk_create(
        Need(school_id=s, kind=item.kind, group=item.group, text=item.name, code=item.code, code_confirmed=True)
        for s in schools for item in rng.sample(items, 3))
    activities: dict[int, list[int]] = {}
    for pk, school_id in PlannedActivity.objects.filter(roadmap__school_id__in=schools).values_list("pk", "roadmap__school_id"):
        activities.setdefault(school_id, []).append(pk)
    Measure.objects.bulk_create(Measure(need=n, activity_id=a) for n in needs if rng.random() < 0.5
                                for a in rng.sample(activities.get(n.school_id, []), min(2, len(activities.get(n.school_id, [])))))
    return len(needs)


def figures(campaign) -> list[Figure]:
    from django.db import connection

    from shnor.core.needs import coverage
    from shnor.diagnosis.models import Measure, Need
    from shnor.diagnosis.records import need_records
    from shnor.monitoring.models import Campaign, ReportEntry, SchoolReport

    n = seed_needs(campaign)
    statuses = list(SchoolReport.COUNTED)
    marks = ", ".join(["%s"] * len(statuses))
    members = Campaign.schools.through._meta.db_table
    sql = (f"SELECT n.kind, n.code, COUNT(DISTINCT n.school_id), COUNT(DISTINCT CASE WHEN m.id IS NOT NULL THEN n.school_id END), "
           f"COUNT(DISTINCT CASE WHEN d.activity_id IS NOT NULL THEN n.school_id END) "
           f"FROM {Need._meta.db_table} n LEFT JOIN {Measure._meta.db_table} m ON m.need_id = n.id "
           f"LEFT JOIN (SELECT DISTINCT e.planned_activity_id AS activity_id FROM {ReportEntry._meta.db_table} e "
           f"JOIN {SchoolReport._meta.db_table} r ON e.report_id = r.id WHERE r.campaign_id = %s AND r.status IN ({marks}) "
           f"AND e.status IN (%s, %s)) d ON d.activity_id = m.activity_id "
           f"WHERE n.school_id IN (SELECT school_id FROM {members} WHERE campaign_id = %s) "
           f"AND (n.period_start IS NULL OR n.period_start <= %s) GROUP BY n.kind, n.code")
    params = [campaign.pk, *statuses, *ReportEntry.DONE, campaign.pk, campaign.period_end]

    def bare_sql():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def computed():
        return coverage(need_records(campaign, statuses))

    rows = {(kind, code): (a, b, c) for kind, code, a, b, c in bare_sql()}
    assert rows == {(r.kind, r.code): (len(r.schools), len(r.planned), len(r.done)) for r in computed()}, "needs coverage and SQL disagree"
    sql_s = best_of(bare_sql, repeat=7)
    computed_s = best_of(computed, repeat=7)
    return [
        Figure(SECTION, f"потребности школ (причины, дефициты, риски): {n}", n, "шт."),
        Figure(SECTION, "охват потребностей мерами: голый SQL GROUP BY", sql_s * 1000, "мс"),
        Figure(SECTION, "охват потребностей мерами: вычисление (ORM + ядро)", computed_s * 1000, "мс",
               f"≤ 3× SQL = {3 * sql_s * 1000:.1f} мс", computed_s <= 3 * sql_s),
    ]
