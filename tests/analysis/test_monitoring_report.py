"""The thematic «Отчёт о мониторинге» (issue 11 with issue 10's data): its sections from the demo's diagnoses, needs
coverage and outcomes, the CLI and LibreOffice, the «what worked» suppression, and its recommendations tracked when
it is issued."""

from __future__ import annotations

import re
import shutil
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from shnor.actions.models import Action
from shnor.analysis import documents
from shnor.core import analysis as core_analysis
from shnor.core.needs import NeedCoverage
from shnor.core.outcomes import CAVEAT, Comparison, Outcomes
from shnor.core.render import monitoring
from shnor.core.russian import normalize_spaces
from shnor.diagnosis.models import Need
from shnor.monitoring.models import Campaign

from .test_documents import DEMO, ROGNEDINO, docx_text, libreoffice_text

pytestmark = pytest.mark.django_db


def campaign() -> Campaign:
    return Campaign.objects.select_related("region", "previous", "framework").get(code=DEMO)


def test_the_cli_writes_the_municipal_monitoring_report_with_the_issue_10_sections_and_libreoffice_opens_it(tmp_path):
    out = tmp_path / "monitoring.docx"
    call_command("report", campaign=DEMO, kind="monitoring", municipality=ROGNEDINO, fmt="docx", out=str(out))
    text = docx_text(out.read_bytes())
    for heading in ("Отчёт о мониторинге", "1. Введение и методы сбора информации", "2. Причины низких результатов",
                    "3. Профессиональные дефициты педагогов по группам компетенций", "Группа 1 «Управленческие компетенции»",
                    "Группа 4 «Психолого-педагогические компетенции»", "4. Проведённые меры", "5. Результаты и что сработало",
                    "6. Выводы", "7. Адресные рекомендации"):
        assert heading in text, heading
    assert ROGNEDINO in text and "{{" not in text and "{%" not in text
    assert "Органу местного самоуправления в сфере образования (Рогнединский район):" in text
    assert "региональному координатору" not in text
    # The four schools of the district and only they.
    target = documents.target_for(campaign(), municipality=ROGNEDINO)
    others = set(campaign().schools.exclude(municipality=target.municipality).values_list("short_name", flat=True))
    assert not any(normalize_spaces(name) in text for name in others)
    if shutil.which("soffice") and shutil.which("pdftotext"):
        pdf = libreoffice_text(out)
        assert "Отчёт о мониторинге" in pdf and "Адресные рекомендации" in pdf and "Группа 3 «Оценочные компетенции»" in pdf


def test_the_municipal_report_counts_the_diagnoses_and_their_sources_from_the_data():
    target = documents.target_for(campaign(), municipality=ROGNEDINO)
    doc = documents.monitoring_report(target, on=date(2021, 7, 1))
    needs = Need.objects.filter(school__municipality=target.municipality)
    survey = needs.filter(found_by=Need.FoundBy.SURVEY)
    expected = f"комплексное обследование — {survey.count()} запис"
    assert any(expected in normalize_spaces(line) for line in doc.methods)
    assert any("анализ отчётов ОО" in line and "(все 4)" in line for line in doc.methods)
    causes = needs.filter(kind=Need.Kind.CAUSE).values("school").distinct().count()
    assert normalize_spaces(doc.causes_lead).startswith(f"Причины низких результатов выявлены в {causes} школ")
    assert [g["title"] for g in doc.deficit_groups][:4] == [
        "Группа 1 «Управленческие компетенции»", "Группа 2 «Предметные компетенции»", "Группа 3 «Оценочные компетенции»",
        "Группа 4 «Психолого-педагогические компетенции»"]
    said = re.compile(r"выявлен\w* в .+, мероприяти(я|й) по (нему|ней|ним) (запланированы в \d+|не запланированы|нет)")
    assert doc.measures and all(said.search(m) for m in doc.measures), doc.measures
    # With 4 schools every «what worked» comparison has a group under 5: none is shown, and the report says why.
    assert not doc.worked_lines and "меньше 5 школ" in normalize_spaces(doc.worked_lead)
    assert "группы слишком малы" in " ".join(doc.conclusions)
    assert all(r.addressee and r.text for r in doc.tracked)


def test_the_regional_report_shows_what_worked_with_its_caveat_and_the_group_sizes():
    doc = documents.monitoring_report(documents.target_for(campaign()), on=date(2021, 7, 1))
    assert CAVEAT in doc.worked_lead and doc.worked_lines
    assert all("где проводилось" in normalize_spaces(line) for line in doc.worked_lines)
    assert any(r["addressee"] == "ЦНППМ" for r in doc.recommendations)
    assert "(Брянская область)" in doc.outcome_lead


def test_a_school_has_no_monitoring_report(tmp_path):
    with pytest.raises(CommandError, match="для муниципалитета или региона"):
        call_command("report", campaign=DEMO, kind="monitoring", school="МБОУ «Гобикская СОШ»", fmt="docx", out=str(tmp_path / "x.docx"))


def test_the_html_and_pdf_of_the_municipal_report():
    target = documents.target_for(campaign(), municipality=ROGNEDINO)
    html = documents.make(target, "monitoring", "html").decode("utf-8")
    assert "Отчёт о мониторинге" in html and "Профессиональные дефициты педагогов по группам компетенций" in html
    assert documents.make(target, "monitoring", "pdf").startswith(b"%PDF")


def _analysis(worked: list[Comparison], needs: list[NeedCoverage], schools: int = 6) -> core_analysis.Analysis:
    data = core_analysis.CampaignData(code="c", title="Кампания", period_text="I полугодие", period_start=date(2021, 1, 1),
                                      period_end=date(2021, 6, 30), region="Область",
                                      schools=[core_analysis.SchoolInfo(i, f"Школа № {i}", "Район") for i in range(1, schools + 1)],
                                      directions=[], types=[], indicators=[])
    a = core_analysis.analyse(data)
    a.needs = needs
    a.outcomes = Outcomes([], [], None, worked=worked)
    return a


def test_the_report_words_needs_without_measures_as_addressed_recommendations_and_agrees_numbers():
    needs = [NeedCoverage("deficit", "d_assess", "Дефицит оценочных компетенций", "assessment", [1, 2, 3], [1, 2], [1]),
             NeedCoverage("cause", "c_motiv", "Низкая учебная мотивация обучающихся", "", [4], [], [])]
    doc = monitoring.build(_analysis([], needs), [], monitoring.Sources({"визит куратора": (5, 2)}), level="municipality",
                           scope_name="Район", period="I полугодие", campaign_title="Кампания", on=date(2021, 7, 1))
    text = normalize_spaces("\n".join(doc.text_lines()))
    assert "визит куратора — 5 записей по 2 школам" in text
    assert "дефицит оценочных компетенций — в 3 школах: Школа № 1, Школа № 2, Школа № 3" in text
    assert "низкая учебная мотивация обучающихся — в 1 школе: Школа № 4" in text
    keys = {r.key: r for r in doc.tracked}
    assert keys["needs_plan:cause:c_motiv"].school_ids == [4]
    assert keys["needs_plan:deficit:d_assess"].school_ids == [3]
    assert keys["needs_done:d_assess"].addressee == "Кураторам школ" and keys["needs_done:d_assess"].school_ids == [2]
    assert keys["needs_control:Район"].addressee == "Органу местного самоуправления в сфере образования (Район)"
    assert keys["needs_training:d_assess"].addressee == "Муниципальному методическому центру (МОЦ)"
    assert [r["addressee"] for r in doc.recommendations][0].startswith("Органу местного самоуправления")
    assert doc.deficit_groups[0]["lines"] == ["дефициты этой группы не выявлены."]


def test_what_worked_is_suppressed_under_five_schools_and_shown_with_the_caveat_from_five():
    small = Comparison("Работа с родителями", False, "Качество знаний", "%", 4, 6, suppressed=True)
    doc = monitoring.build(_analysis([small], [], schools=10), [], monitoring.Sources(), level="region", scope_name="Область",
                           period="I полугодие", campaign_title="Кампания", on=date(2021, 7, 1))
    assert not doc.worked_lines and "меньше 5 школ" in normalize_spaces(doc.worked_lead)
    shown = Comparison("Работа с родителями", False, "Качество знаний", "%", 5, 5, Decimal("2.25"), Decimal("0.75"))
    doc = monitoring.build(_analysis([shown], [], schools=10), [], monitoring.Sources(), level="region", scope_name="Область",
                           period="I полугодие", campaign_title="Кампания", on=date(2021, 7, 1))
    assert CAVEAT in doc.worked_lead
    assert normalize_spaces(doc.worked_lines[0]) == ("работа с родителями: качество знаний — в 5 школах, где проводилось, +2,25 п.п., "
                                                     "в 5 остальных — +0,75 п.п.")


def test_issuing_the_monitoring_report_tracks_each_recommendation_once_and_a_reissue_updates_them():
    from shnor.registry.models import Membership

    target = documents.target_for(campaign(), municipality=ROGNEDINO)
    user = Membership.objects.filter(role=Membership.Role.REGIONAL, region=target.campaign.region).first().user
    before = Action.objects.count()
    first = documents.issue(target, "monitoring", user, "И. И. Иванова", "начальник отдела образования")
    tracked = first.content["actions"]
    doc = documents.monitoring_report(target)
    assert set(tracked) == {r.key for r in doc.tracked} and len(set(tracked.values())) == len(tracked)
    assert Action.objects.count() - before == len(tracked)
    assert all(a.source.startswith("отчёт о мониторинге") and a.region == target.campaign.region
               for a in Action.objects.filter(pk__in=tracked.values()))
    omsu = Action.objects.get(pk=tracked[f"needs_control:{ROGNEDINO}"])
    assert omsu.addressee_kind == "municipality" and omsu.municipality == target.municipality
    second = documents.issue(target, "monitoring", user, "И. И. Иванова", "начальник отдела образования")
    assert second.number == 2 and second.content["actions"] == tracked
    assert Action.objects.count() - before == len(tracked)
    assert first.docx.name.split("/")[-1].startswith("monitoring-")


def test_the_api_gives_the_municipal_monitoring_report_to_its_coordinator_and_refuses_others(world):
    from rest_framework.test import APIClient

    url = f"/api/v1/campaigns/{world.campaign.code}/documents/monitoring/?municipality={world.m1.pk}&file_format=docx"
    for role, status in (("municipal", 200), ("coordinator", 200), ("municipal2", 404), ("head", 404), ("outsider", 404)):
        client = APIClient()
        client.force_authenticate(world.users[role])
        response = client.get(url)
        assert response.status_code == status, role
        if status == 200:
            assert "Отчёт о мониторинге" in docx_text(response.content)
    client = APIClient()
    client.force_authenticate(world.users["head"])
    assert client.get(url.replace(f"municipality={world.m1.pk}", f"school={world.a1.pk}")).status_code == 400


def test_the_documents_page_offers_the_monitoring_report_for_a_municipality_not_for_a_school(world):
    from django.urls import reverse

    page = world.client("municipal").get(reverse("document_list", args=[world.campaign.code])).content.decode()
    assert f"/documents/monitoring.docx?municipality={world.m1.pk}" in page
    assert f"/documents/monitoring.docx?school={world.a1.pk}" not in page
    url = reverse("document_download", args=[world.campaign.code, "monitoring", "docx"])
    assert world.client("head").get(f"{url}?school={world.a1.pk}").status_code == 404
