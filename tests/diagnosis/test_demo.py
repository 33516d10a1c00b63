"""The demo region's diagnoses and ВПР results show in the справка (the demo is loaded once per test session)."""

from shnor.analysis import spravka
from shnor.demo import diagnosis as demo
from shnor.diagnosis.models import Measure, Need
from shnor.monitoring.models import Campaign, IndicatorValue


def test_every_demo_school_has_causes_and_risks_and_most_have_measures(db):
    campaign = Campaign.objects.get(code="bryansk-2021-h1")
    schools = list(campaign.schools.all())
    assert len(schools) == 16
    for school in schools:
        kinds = set(Need.objects.filter(school=school).values_list("kind", flat=True))
        assert {"cause", "risk"} <= kinds, school
    with_measures = set(Measure.objects.filter(need__school__in=schools).values_list("need__school__short_name", flat=True))
    assert len(with_measures) == 16 - len(demo.NO_MEASURES)
    assert all(n.source_name.startswith("Демонстрационные данные") for n in Need.objects.exclude(found_by="registry"))


def test_the_demo_spravka_has_needs_coverage_with_schools_left_without_measures(db):
    prepared = spravka.prepare(Campaign.objects.get(code="bryansk-2021-h1"))
    assert prepared.spravka.needs_lead.replace("\xa0", " ").startswith("Причины низких результатов, профессиональные дефициты педагогов и рисковые профили внесены в диагностику 16 школ из 16")
    assert any("не запланированы: " in line and "МБОУ Леденевская ООШ" in line for line in prepared.spravka.needs_lines)
    assert any(f.rule == "needs_without_measures" for f in prepared.findings)


def test_the_demo_has_vpr_results_by_subject_for_two_years(db):
    values = IndicatorValue.objects.filter(indicator__code="vpr_avg", school__municipality__region__code="bryansk")
    assert set(values.values_list("subject", flat=True)) == set(demo.VPR_SUBJECTS)
    assert set(values.values_list("campaign__code", flat=True)) == {"bryansk-2020-h2", "bryansk-2021-h1"}
