"""The plan-vs-actual report of a municipality's own roadmap (the demo's Рогнединский район): from the CLI with
--own, on the documents page for whom may see it; and the demo's municipal roadmap itself."""

from __future__ import annotations

import shutil
from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from shnor.analysis import documents
from shnor.analysis.models import IssuedReport
from shnor.monitoring.coverage import compute_coverage_for, municipal_coverage
from shnor.monitoring.models import Campaign, MunicipalReport, SchoolReport
from shnor.plans.models import Roadmap

from .test_documents import docx_text, libreoffice_text

DEMO = "bryansk-2021-h1"
ROGNEDINO = "Рогнединский район"
pytestmark = pytest.mark.django_db


def campaign(code: str = DEMO) -> Campaign:
    return Campaign.objects.select_related("region", "previous", "framework").get(code=code)


def test_the_demo_has_the_municipal_roadmap_in_every_campaign():
    roadmap = Roadmap.objects.get(municipality__name=ROGNEDINO, is_current=True)
    assert roadmap.school is None and roadmap.activities.count() == 6
    assert {a.responsible for a in roadmap.activities.all()} >= {"Отдел образования администрации Рогнединского района",
                                                                 "Муниципальный методический центр"}
    for code in ("bryansk-2020-h2", "bryansk-2021-h1", "bryansk-2021-h2"):
        assert list(campaign(code).municipalities.values_list("name", flat=True)) == [ROGNEDINO]
    reports = {r.campaign.code: r for r in MunicipalReport.objects.select_related("campaign")}
    assert {code: r.status for code, r in reports.items()} == {"bryansk-2020-h2": "accepted", "bryansk-2021-h1": "accepted"}
    [row] = municipal_coverage(campaign())
    assert (row.planned, row.done, row.partial, row.done_label) == (2, 1, 1, "2 (100\u00a0%)")
    [row] = municipal_coverage(campaign("bryansk-2021-h2"))
    assert (row.report, row.planned, row.label) == (None, 2, "не начат")  # the open campaign: the municipality fills it in


def test_the_school_coverage_of_the_demo_is_the_schools_alone():
    coverage = compute_coverage_for(campaign())
    assert coverage.schools_total == 16 == SchoolReport.objects.filter(campaign__code=DEMO).count()


def test_the_plan_vs_actual_report_of_the_own_roadmap_has_its_sections_reasons_and_evidence():
    target = documents.target_for(campaign(), municipality=ROGNEDINO, own=True)
    assert (target.own, target.key, target.level) == (True, f"mun-own-{target.municipality.pk}", "municipality")
    doc = documents.plan_vs_actual(target, on=date(2021, 7, 1))
    [part] = doc.schools
    assert part.name == "Муниципальная дорожная карта: Рогнединский район"
    assert [s.title for s in part.sections] == ["Работа с педагогами"]
    rows = part.sections[0].rows
    assert [r.number for r in rows] == ["3", "4"]
    assert rows[0].status == "выполнено" and "№ 37" in rows[0].evidence and rows[0].responsible == "Муниципальный методический центр"
    assert rows[1].status == "выполнено частично" and "ОРВИ" in rows[1].reason
    assert doc.counts["total"] == 2 and not any("школ" in line for line in doc.efficiency)
    assert doc.indicators == []  # a municipality's own plan carries no school indicators


def test_the_cli_writes_the_own_roadmap_report_and_libreoffice_opens_it(tmp_path):
    out = tmp_path / "rognedino-own.docx"
    stdout = StringIO()
    call_command("report", "--campaign", DEMO, "--kind", "plan-vs-actual", "--municipality", ROGNEDINO, "--own", "--format", "docx",
                 "--out", str(out), stdout=stdout)
    text = docx_text(out.read_bytes())
    assert "Методический интенсив для учителей математики" in text and "Стажировка педагогов ШНОР" in text
    assert "Гобикская" not in text  # the schools' roadmaps are not in it
    if shutil.which("soffice") and shutil.which("pdftotext"):
        assert "Методический интенсив" in libreoffice_text(out)


def test_the_municipality_report_of_its_schools_offers_the_own_roadmap(tmp_path):
    stdout = StringIO()
    call_command("report", "--campaign", DEMO, "--kind", "plan-vs-actual", "--municipality", ROGNEDINO, "--format", "docx",
                 "--out", str(tmp_path / "schools.docx"), stdout=stdout)
    assert "--own" in stdout.getvalue()
    text = docx_text((tmp_path / "schools.docx").read_bytes())
    assert "Гобикская" in text and "Методический интенсив для учителей математики" not in text


@pytest.mark.parametrize("kwargs, message", [
    ({"municipality": "Брянск", "own": True}, "не найден"),
    ({"own": True}, "укажите муниципалитет"),
])
def test_an_own_roadmap_that_is_not_in_the_campaign_is_explained(kwargs, message):
    with pytest.raises(documents.DocumentError, match=message):
        documents.target_for(campaign(), **kwargs)


@pytest.mark.parametrize("kind", ["spravka", "monitoring"])
def test_the_spravka_and_the_monitoring_report_are_not_made_for_an_own_roadmap(tmp_path, kind):
    with pytest.raises(CommandError, match="отчёт о реализации"):
        call_command("report", "--campaign", DEMO, "--kind", kind, "--municipality", ROGNEDINO, "--own", "--format", "docx",
                     "--out", str(tmp_path / "x.docx"))
    target = documents.target_for(campaign(), municipality=ROGNEDINO, own=True)
    with pytest.raises(documents.DocumentError, match="отчёт о реализации"):
        documents.issue(target, kind, _user("coordinator"))


def _user(username: str):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username)


def _client(username: str) -> Client:
    client = Client()
    client.force_login(_user(username))
    return client


@pytest.mark.parametrize("username, status", [("municipal", 200), ("coordinator", 200), ("observer", 200), ("head", 404), ("curator", 404)])
def test_the_own_roadmap_report_is_for_the_municipality_and_the_region(username, status):
    c = campaign()
    muni = c.municipalities.get()
    url = reverse("document_download", args=[DEMO, "plan-vs-actual", "docx"]) + f"?municipality={muni.pk}&own=1"
    response = _client(username).get(url)
    assert response.status_code == status
    if status == 200:
        assert "Стажировка педагогов ШНОР" in docx_text(response.content)
    page = _client(username).get(reverse("document_list", args=[DEMO])).content.decode()
    assert ("муниципальная дорожная карта" in page) == (status == 200)


def test_the_municipal_coordinator_issues_the_own_roadmap_report(django_capture_on_commit_callbacks):
    c = campaign()
    muni = c.municipalities.get()
    with django_capture_on_commit_callbacks(execute=False):
        response = _client("municipal").post(reverse("document_issue", args=[DEMO, "plan-vs-actual"]), {"municipality": muni.pk, "own": "1"})
    assert response.status_code == 302
    issued = IssuedReport.objects.get(campaign=c, scope_key=f"mun-own-{muni.pk}")
    assert issued.municipality == muni and issued.number == 1
    assert documents.target_of_issued(issued).own
    assert _client("observer").get(reverse("document_issued_file", args=[DEMO, issued.pk, "docx"])).status_code == 200
    assert _client("head").get(reverse("document_issued_file", args=[DEMO, issued.pk, "docx"])).status_code == 404


def test_the_regional_spravka_has_the_municipal_roadmaps_apart_from_the_schools(tmp_path):
    from shnor.analysis import spravka

    prepared = spravka.prepare(campaign())
    s = prepared.spravka
    assert "учитываются отдельно от школ" in s.municipal_roadmaps_lead and "1 из 1" in s.municipal_roadmaps_lead
    assert s.municipal_roadmaps_lines == ["Рогнединский район: запланировано 2\u00a0мероприятия, выполнено полностью или частично — "
                                          "2 (100\u00a0%), не выполнено или перенесено — 0, проведено вне плана — 0."]
    for fmt in ("docx", "html"):
        data = spravka.render(s, fmt)
        text = docx_text(data) if fmt == "docx" else data.decode()
        assert "Мероприятия муниципальных дорожных карт" in text and "выполнено полностью или частично" in text, fmt
    lead, lines = spravka.municipal_roadmaps(campaign("bryansk-2021-h2"))
    assert "0 из 1" in lead and lines == ["Рогнединский район: отчёт не начат, запланировано 2\u00a0мероприятия."]


def test_a_municipal_spravka_has_no_municipal_roadmaps_section():
    target = documents.target_for(campaign(), municipality=ROGNEDINO)
    text = docx_text(documents.make(target, "spravka", "docx"))
    assert "Мероприятия муниципальных дорожных карт" not in text


@pytest.mark.parametrize("username, status", [("municipal", 200), ("observer", 200), ("head", 404)])
def test_the_api_gives_the_own_roadmap_report(username, status):
    muni = campaign().municipalities.get()
    url = f"/api/v1/campaigns/{DEMO}/documents/plan-vs-actual/?municipality={muni.pk}&own=true"
    response = _client(username).get(url)
    assert response.status_code == status
    if status == 200:
        assert "Стажировка педагогов ШНОР" in docx_text(response.content)
