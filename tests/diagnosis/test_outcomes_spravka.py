"""«Результаты» and «Что сработало» in the справка, from the database."""

from datetime import date
from decimal import Decimal

from shnor.analysis import spravka
from shnor.monitoring.models import Campaign, Indicator, IndicatorValue


def _value(code, school, campaign, value, subject=""):
    IndicatorValue.objects.create(indicator=Indicator.objects.get(code=code), school=school, campaign=campaign, subject=subject,
                                  period_start=campaign.period_start, period_end=campaign.period_end, value=Decimal(str(value)))


def _campaign(world, code, start, end, previous=None):
    c = Campaign.objects.create(code=code, title=f"Кампания {code}", region=world.region, period_start=start, period_end=end,
                                framework=world.framework, due_date=end, previous=previous)
    c.schools.set([world.a1, world.a2, world.b1])
    return c


def test_results_give_vpr_by_subject_against_the_previous_campaign_and_a_year_earlier(world):
    year_before = _campaign(world, "test-2020-h2", date(2020, 9, 1), date(2020, 12, 31))
    previous = _campaign(world, "test-2021-h1", date(2021, 1, 1), date(2021, 6, 30), year_before)
    world.campaign.previous = previous
    world.campaign.save()
    for campaign, (a1, a2) in ((year_before, (3.0, 3.2)), (previous, (3.1, 3.3)), (world.campaign, (3.5, 3.4))):
        _value("vpr_avg", world.a1, campaign, a1, "математика")
        _value("vpr_avg", world.a2, campaign, a2, "математика")
    lines = [line.replace("\xa0", " ") for line in spravka.prepare(world.campaign).spravka.outcome_lines]
    assert lines == ["средний балл ВПР по математике — 3,45 (среднее по 2 школам); к предыдущему периоду: +0,25 (по 2 школам); "
                     "к тому же периоду прошлого года: +0,35 (по 2 школам)."]


def test_a_share_is_weighted_by_pupils_and_the_lead_says_so(world):
    _value("quality", world.a1, world.campaign, 50)
    _value("quality", world.a2, world.campaign, 20)
    _value("pupils", world.a1, world.campaign, 300)
    _value("pupils", world.a2, world.campaign, 100)
    s = spravka.prepare(world.campaign).spravka
    assert "взвешенное по числу обучающихся" in s.outcome_lead
    assert [line.replace("\xa0", " ") for line in s.outcome_lines] == ["качество знаний — 42,5 %."]


def test_what_worked_is_not_shown_for_groups_under_five_schools(world):
    previous = _campaign(world, "test-2021-h1", date(2021, 1, 1), date(2021, 6, 30))
    world.campaign.previous = previous
    world.campaign.save()
    for campaign, value in ((previous, 30), (world.campaign, 33)):
        for school in (world.a1, world.a2, world.b1):
            _value("quality", school, campaign, value)
    s = spravka.prepare(world.campaign).spravka
    assert s.worked_lines == [] and "не приводится" in s.worked_lead
