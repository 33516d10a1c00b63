"""The synthetic country generator writes rows without the ORM: check that what it writes is consistent."""

from __future__ import annotations

from django.db.models import F

from shnor.core.text import fold
from shnor.demo.synth import ACTIVITIES_PER_SCHOOL, synth
from shnor.monitoring.models import Campaign, Evidence, IndicatorValue, ReportEntry, SchoolReport
from shnor.plans.models import PlannedActivity
from shnor.registry.models import Municipality, Region, School


def test_synth_writes_a_consistent_region_and_the_same_seed_keeps_it(db):
    result = synth(45, seed=9001, schools_per_region=30)
    assert (result.regions, result.schools, result.campaigns) == (2, 45, 6)
    schools = School.objects.filter(municipality__region__code__startswith="synth-9001-")
    assert schools.count() == 45
    school = schools.first()
    assert school.name_search == fold(f"{school.short_name} {school.full_name}")
    assert school.roadmaps.get().activities.count() == ACTIVITIES_PER_SCHOOL
    reports = SchoolReport.objects.filter(school__in=schools)
    assert reports.count() == result.reports
    entries = ReportEntry.objects.filter(report__in=reports)
    assert entries.count() == result.entries
    # Entries point at the planned activities of their own school, and evidence at done entries.
    assert not entries.exclude(planned_activity__roadmap__school=F("report__school")).exists()
    assert not Evidence.objects.filter(entry__in=entries).exclude(entry__status="done").exists()
    assert IndicatorValue.objects.filter(report__in=reports).count() == 3 * reports.count()
    campaign = Campaign.objects.get(code="synth-9001-1-h2-2023")
    assert campaign.schools.count() == 30 and campaign.previous.code == "synth-9001-1-h1-2023"
    # The ids the generator drew leave the sequences usable by the ORM.
    muni = Municipality.objects.filter(region__code="synth-9001-1").first()
    School.objects.create(municipality=muni, short_name="Новая школа", full_name="Новая школа")
    PlannedActivity.objects.create(roadmap=school.roadmaps.get(), title="Новое мероприятие")
    again = synth(45, seed=9001, schools_per_region=30)
    assert again.schools == 0 and Region.objects.filter(code__startswith="synth-9001-").count() == 2
