"""The earlier campaigns' facts kept between analyses (shnor.analysis.stored.facts): the analysis with kept facts
equals the analysis read afresh; a change to the earlier campaign, through its door or where no door writes, makes
the next analysis read them again; a part of the campaign (a municipality) keeps its own."""

from __future__ import annotations

from decimal import Decimal

import pytest

from shnor.analysis import spravka, stored
from shnor.analysis.records import campaign_data
from shnor.core.analysis import analyse
from shnor.monitoring import workflow
from shnor.monitoring.models import Campaign, Indicator
from shnor.plans.maps import framework_maps

from .test_stored import certify_a1, next_campaign


@pytest.fixture
def facts_read(monkeypatch):
    """The campaigns whose facts were read from their reports (not taken as kept), with the schools asked for."""
    calls = []
    real = stored.campaign_data

    def counting(campaign, school_ids=None, **kwargs):
        calls.append((campaign.code, None if school_ids is None else frozenset(school_ids)))
        return real(campaign, school_ids, **kwargs)

    monkeypatch.setattr(stored, "campaign_data", counting)
    return calls


def fresh(campaign: Campaign, school_ids=None) -> str:
    """The campaign's analysis with every campaign read from the database (what analysis_for did before facts were kept)."""
    earlier, previous = spravka.year_before(campaign), campaign.previous

    def facts(other):
        return campaign_data(other, school_ids, maps=framework_maps(other.framework), facts_only=True) if other else None

    return repr(analyse(campaign_data(campaign, school_ids, maps=framework_maps(campaign.framework)), facts(previous), facts(earlier)))


def kept(campaign: Campaign, school_ids=None) -> str:
    return repr(spravka.analysis_for(campaign, school_ids))


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["bryansk-2021-h1", "bryansk-2021-h2"])
def test_the_analysis_with_kept_facts_equals_the_analysis_read_afresh_on_the_demo(code, facts_read):
    campaign = Campaign.objects.get(code=code)
    some = sorted(campaign.schools.values_list("pk", flat=True))[:6]
    for school_ids in (None, some):
        first = kept(campaign, school_ids)
        read = len(facts_read)
        assert read >= 1  # the previous campaign's facts, and the year before's when there is one
        second = kept(campaign, school_ids)
        assert len(facts_read) == read  # the second analysis took them as kept
        assert second == first == fresh(campaign, school_ids)
        facts_read.clear()


def certify(world, campaign: Campaign, done_code: str):
    """A1's report in `campaign` certified through the door, with the entries of `done_code` done."""
    u = world.users
    report = workflow.open_report(campaign, world.a1, u["head"])
    changes = [workflow.EntryChange(e.pk, e.title, "done" if e.activity_type and e.activity_type.code == done_code else "not_done",
                                    "Проведено", e.activity_type_id, reason="Перенесено приказом")
               for e in report.entries.select_related("activity_type")]
    report = workflow.save_report(report, u["head"], report.version, changes)
    report = workflow.submit(report, u["head"], report.version)
    return workflow.certify(report, u["curator"], report.version)


def test_a_step_in_the_previous_campaign_makes_the_next_analysis_read_its_facts_again(world, facts_read):
    following = next_campaign(world)
    certify(world, following, "parent_education")
    before = spravka.analysis_for(following)
    assert before.dynamics.school_ids == []  # A1 has no counted report in the previous campaign yet
    spravka.analysis_for(following)
    assert facts_read == [(world.campaign.code, None)]  # read once, then kept

    certify_a1(world)  # the previous campaign's door
    after = spravka.analysis_for(following)
    assert facts_read == [(world.campaign.code, None)] * 2
    assert after.dynamics.school_ids == [world.a1.pk]
    assert repr(after) == fresh(following) != repr(before)


def test_facts_kept_for_the_region_are_not_a_municipalitys_and_the_other_way_round(world, facts_read):
    following = next_campaign(world)
    certify_a1(world)
    m1 = {world.a1.pk, world.a2.pk}
    whole = kept(following)
    part = kept(following, m1)
    assert facts_read == [(world.campaign.code, None), (world.campaign.code, frozenset(m1))]
    assert part == fresh(following, m1) != whole
    assert whole == kept(following) and part == kept(following, m1)
    assert len(facts_read) == 2  # each kept under its own schools
    maps = framework_maps(world.framework)
    assert {s.id for s in stored.facts(world.campaign, m1, maps).schools} == m1
    assert {s.id for s in stored.facts(world.campaign, None, maps).schools} == m1 | {world.b1.pk}


def test_a_change_no_door_writes_makes_the_kept_facts_stale(world, facts_read):
    following = next_campaign(world)
    quality = Indicator.objects.get(code="quality")
    value = workflow.ValueInput(world.b1.pk, quality, "", world.campaign.period_start, world.campaign.period_end, Decimal("42.5"), "файл")
    workflow.set_indicator_values([value], world.users["coordinator"], world.campaign, file_name="показатели.xlsx")
    maps = framework_maps(world.framework)
    spravka.analysis_for(following)
    assert len(facts_read) == 1

    quality.name = "Качество обученности"  # the indicators' catalogue, edited in the admin
    quality.save()
    assert [r.name for r in stored.facts(world.campaign, None, maps).indicators] == ["Качество обученности"]
    assert len(facts_read) == 2

    world.b1.short_name = "МБОУ СОШ № 2 имени Гагарина"  # the registry (shnor.analysis.apps: forget_all)
    world.b1.save()
    assert "МБОУ СОШ № 2 имени Гагарина" in {s.name for s in stored.facts(world.campaign, None, maps).schools}
    assert len(facts_read) == 3
    assert repr(spravka.analysis_for(following)) == fresh(following)
    assert len(facts_read) == 3


@pytest.mark.django_db
def test_kept_facts_read_back_equal_the_facts_read_from_the_reports(facts_read):
    campaign = Campaign.objects.get(code="bryansk-2021-h1")
    maps = framework_maps(campaign.framework)
    some = sorted(campaign.schools.values_list("pk", flat=True))[:6]
    for school_ids in (None, some):
        read = campaign_data(campaign, school_ids, maps=maps, facts_only=True)
        assert read.indicators and read.summary.done_schools
        stored.facts(campaign, school_ids, maps)  # kept
        again = stored.facts(campaign, school_ids, maps)
        assert facts_read == [(campaign.code, None if school_ids is None else frozenset(school_ids))]  # the second taken as kept
        facts_read.clear()
        assert again == read  # the schools, the indicator values and the rest (the summary apart)
        assert (again.summary.done_schools, again.summary.uncertified) == (read.summary.done_schools, read.summary.uncertified)


def test_what_cannot_be_read_back_as_it_is_kept_now_is_read_again(world, facts_read):
    """A row kept by code whose records had another shape (a deploy in between) is stale, not an error."""
    from shnor.analysis.models import StoredAnalysis

    maps = framework_maps(world.campaign.framework)
    key, current = f"facts:{world.campaign.pk}:all", stored.facts_stamp(world.campaign, maps)
    stored.keep(key, world.campaign, current, ("facts", "kept", "as columns"))
    assert stored.facts(world.campaign, None, maps).schools
    assert facts_read == [(world.campaign.code, None)]
    StoredAnalysis.objects.filter(key=key).update(data=b"not a pickle at all")
    assert stored.load(key, current) is None
    assert stored.facts(world.campaign, None, maps).schools and len(facts_read) == 2


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_on_postgresql_the_earlier_facts_are_read_beside_the_campaign(world, facts_read, monkeypatch):
    """analysis_for reads the earlier campaigns' facts in a second thread while it reads the campaign (on PostgreSQL,
    where a second connection sees what is committed): the same analysis, the facts kept by that thread."""
    import threading

    from django.db import connection, transaction

    in_main_thread = []
    real = stored.facts

    def watched(*args):
        in_main_thread.append(threading.current_thread() is threading.main_thread())
        return real(*args)

    monkeypatch.setattr(stored, "facts", watched)
    following = next_campaign(world)  # committed: a second connection sees it
    certify_a1(world)
    first = kept(following)
    assert facts_read == [(world.campaign.code, None)]  # read from the reports by that thread, and kept
    assert kept(following) == first == fresh(following)
    assert len(facts_read) == 1  # taken as kept the second time
    assert in_main_thread and set(in_main_thread) == {connection.vendor != "postgresql"}
    in_main_thread.clear()
    with transaction.atomic():  # a second connection would not see this transaction's writes: all in this thread
        assert kept(following) == first
    assert in_main_thread and set(in_main_thread) == {True}


def test_equal_indicator_values_are_one_object_when_read_and_when_kept(world, facts_read):
    """A national campaign has 150,000 values and a few thousand distinct ones: one Decimal object each."""
    quality = Indicator.objects.get(code="quality")
    values = [workflow.ValueInput(school.pk, quality, "", world.campaign.period_start, world.campaign.period_end, Decimal(amount), "файл")
              for school, amount in ((world.a1, "42.5"), (world.b1, "42.50"), (world.a2, "43"))]
    workflow.set_indicator_values(values, world.users["coordinator"], world.campaign, file_name="показатели.xlsx")
    maps = framework_maps(world.framework)
    for read in (campaign_data(world.campaign, maps=maps), stored.facts(world.campaign, None, maps), stored.facts(world.campaign, None, maps)):
        by_school = {r.school_id: r.value for r in read.indicators if r.code == "quality"}
        assert by_school == {world.a1.pk: Decimal("42.5"), world.b1.pk: Decimal("42.5"), world.a2.pk: Decimal("43")}
        assert by_school[world.a1.pk] is by_school[world.b1.pk] is not by_school[world.a2.pk]
    assert len(facts_read) == 1  # the third read was the kept facts
