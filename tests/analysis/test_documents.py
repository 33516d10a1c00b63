"""Documents for any scope: the plan-vs-actual report of a school or a municipality and the municipal справка,
from the CLI (`shnor report --kind … --school/--municipality …`) and their content; LibreOffice opens the DOCX."""

from __future__ import annotations

import shutil
import subprocess
import uuid
import zipfile
from datetime import date
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from docx import Document

from shnor.analysis import documents
from shnor.core.render import planfact
from shnor.core.russian import normalize_spaces
from shnor.monitoring.models import Campaign, ReportEntry

DEMO = "bryansk-2021-h1"
GOBIK = "МБОУ «Гобикская СОШ»"
ROGNEDINO = "Рогнединский район"
pytestmark = pytest.mark.django_db


def docx_text(data: bytes) -> str:
    doc = Document(BytesIO(data))
    lines = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            lines.append(" | ".join(c.text for c in row.cells))
    return normalize_spaces("\n".join(lines))


def libreoffice_text(path: Path) -> str:
    profile = Path("/tmp") / f"shnor-lo-{uuid.uuid4().hex}"
    try:
        subprocess.run(["soffice", "--headless", "--norestore", f"-env:UserInstallation=file://{profile}", "--convert-to", "pdf",
                        "--outdir", str(path.parent), str(path)], check=True, capture_output=True, timeout=180)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    pdf = path.with_suffix(".pdf")
    assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF")
    return normalize_spaces(subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True).stdout)


def campaign() -> Campaign:
    return Campaign.objects.select_related("region", "previous", "framework").get(code=DEMO)


def test_the_plan_vs_actual_report_of_a_school_has_its_activities_in_plan_order_with_the_reasons():
    target = documents.target_for(campaign(), school=GOBIK)
    entries = list(ReportEntry.objects.filter(report__campaign__code=DEMO, report__school=target.school).select_related("planned_activity"))
    doc = documents.plan_vs_actual(target, on=date(2021, 7, 1))
    rows = [r for part in doc.schools for s in part.sections for r in s.rows]
    assert [p.name for p in doc.schools] == [GOBIK]
    assert len(rows) == len(entries) and {r.title for r in rows} == {e.title for e in entries}
    planned = [e for e in entries if not e.is_unplanned]
    done = sum(e.status == "done" for e in planned)
    assert doc.counts["total"] == len(planned) and doc.counts.get("done", 0) == done
    for e in planned:
        if e.status in ReportEntry.NEED_REASON:
            row = next(r for r in rows if r.title == e.title)
            assert row.reason == e.reason and row.reason
            assert any(e.reason == r["reason"] for r in doc.reasons)
    assert any(line.startswith("выполнено — ") for line in doc.efficiency)


def test_the_cli_writes_the_demo_plan_vs_actual_report_and_libreoffice_opens_it(tmp_path):
    out = tmp_path / "gobik.docx"
    call_command("report", campaign=DEMO, kind="plan-vs-actual", school=GOBIK, fmt="docx", out=str(out))
    text = docx_text(out.read_bytes())
    assert "Отчёт о реализации дорожной карты" in text and GOBIK in text and "Анализ эффективности" in text
    assert "Наименование мероприятия | Сроки исполнения | Ответственный | Ожидаемый результат" in text
    assert "{{" not in text and "{%" not in text
    if shutil.which("soffice") and shutil.which("pdftotext"):
        pdf_text = libreoffice_text(out)
        assert "Отчёт о реализации дорожной карты" in pdf_text and "Анализ эффективности" in pdf_text


def test_the_municipal_spravka_lists_exactly_its_schools_and_addresses_no_regional_coordinator(tmp_path):
    target = documents.target_for(campaign(), municipality=ROGNEDINO)
    schools = set(target.schools().values_list("short_name", flat=True))
    assert len(schools) == 4
    out = tmp_path / "rognedino.docx"
    call_command("report", campaign=DEMO, kind="spravka", municipality=ROGNEDINO, fmt="docx", out=str(out),
                 author="И. И. Иванова")
    data = out.read_bytes()
    assert zipfile.is_zipfile(BytesIO(data))
    prepared = documents.spravka.prepare(target.campaign, list(target.schools().values_list("pk", flat=True)), whole=False,
                                         author_name="И. И. Иванова", level="municipality", scope_name=ROGNEDINO)
    assert {s["name"] for s in prepared.spravka.schools} == schools
    addressed = [d["text"] + " " + d["responsible"] for d in prepared.spravka.decisions] + \
                [r["addressee"] + " " + r["text"] for r in prepared.spravka.recommendations]
    assert addressed and not any("региональн" in line for line in addressed)
    assert any("МОЦ" in line for line in addressed)
    assert f"Справка по муниципалитету: {ROGNEDINO}." in prepared.spravka.notes
    if shutil.which("soffice") and shutil.which("pdftotext"):
        text = libreoffice_text(out)
        assert "Аналитическая справка" in text and all(normalize_spaces(s) in text for s in schools)


def test_the_regional_spravka_still_addresses_the_regional_coordinator():
    prepared = documents.spravka.prepare(campaign(), author_name="О. Г. Викульева")
    assert any("региональному координатору" in d["text"] for d in prepared.spravka.decisions)


def test_plan_vs_actual_for_a_municipality_covers_each_school_in_html_and_pdf():
    target = documents.target_for(campaign(), municipality=ROGNEDINO)
    html = documents.make(target, "plan-vs-actual", "html").decode("utf-8")
    for name in target.schools().values_list("short_name", flat=True):
        assert name.replace("«", "&laquo;") in html or name in html
    assert "(4\xa0школы)" in html
    assert documents.make(target, "plan-vs-actual", "pdf").startswith(b"%PDF")


@pytest.mark.parametrize("kwargs, message", [
    ({"school": "Нет такой школы"}, "не найден"),
    ({"municipality": "Нет такого района"}, "не найден"),
    ({"school": GOBIK, "municipality": ROGNEDINO}, "либо школу, либо муниципалитет"),
])
def test_a_scope_that_cannot_be_found_is_explained(kwargs, message, tmp_path):
    with pytest.raises(CommandError, match=message):
        call_command("report", campaign=DEMO, kind="plan-vs-actual", fmt="docx", out=str(tmp_path / "x.docx"), **kwargs)


def test_a_school_is_found_by_id_short_or_full_name():
    c = campaign()
    school = documents.target_for(c, school=GOBIK).school
    assert documents.target_for(c, school=str(school.pk)).school == school
    assert documents.target_for(c, school=school.full_name).school == school


def test_the_efficiency_analysis_counts_groups_reasons_and_compares_indicators():
    def act(title, status, reason="", planned=True, section="Работа с педагогами"):
        return planfact.Activity("Школа", "Район", section, "", title, "октябрь", "директор", "ожидается", "", status, [], reason, planned)

    doc = planfact.build(
        [act("А", "done"), act("Б", "not_done", "Болезнь"), act("В", "postponed", "Болезнь"), act("Г", "partial", "Нет группы"),
         act("Д", "done", section="Работа с родителями"), act("Е", "done", planned=False)],
        [planfact.IndicatorChange("Качество знаний", "%", Decimal("40"), Decimal("41.1")),
         planfact.IndicatorChange("Неуспевающие", "чел.", Decimal("28"), Decimal("10"))],
        scope_name="Школа", region="Область", campaign_title="Мониторинг", period="I полугодие", on=date(2022, 1, 10),
    )
    assert [s.title for s in doc.schools[0].sections] == ["Работа с педагогами", "Работа с родителями", planfact.UNPLANNED]
    text = normalize_spaces("\n".join(doc.efficiency))
    assert "Запланировано на период 5 мероприятий:" in text
    assert "выполнено — 2 (40 %)" in text and "не выполнено — 1 (20 %)" in text and "перенесено — 1 (20 %)" in text
    assert [(r["reason"], normalize_spaces(r["count"])) for r in doc.reasons] == [("Болезнь", "2 мероприятия"), ("Нет группы", "1 мероприятие")]
    assert doc.unplanned_lines == ["Е: выполнено"]
    assert [i["change"] for i in doc.indicators] == ["выше на 1,1 п.п.", "ниже на 18 чел."]
    assert doc.schools[0].sections[0].rows[0].reason == ""  # a done activity shows no reason


# --- the pages -------------------------------------------------------------------------------------------------

def _doc_url(world, kind="plan-vs-actual", fmt="html", query=""):
    from django.urls import reverse

    return reverse("document_download", args=[world.campaign.code, kind, fmt]) + query


@pytest.mark.parametrize("role, scope, status", [
    ("municipal", "m1", 200), ("municipal2", "m1", 404), ("head", "m1", 404), ("curator", "m1", 404), ("outsider", "m1", 404),
    ("coordinator", "m1", 200), ("coordinator", "region", 200), ("municipal", "region", 404),
    ("head", "a1", 200), ("head_b1", "a1", 404), ("outsider", "a1", 404), ("far_coordinator", "a1", 404),
])
def test_each_scope_of_a_document_is_for_those_who_own_it(world, role, scope, status):
    query = {"m1": f"?municipality={world.m1.pk}", "a1": f"?school={world.a1.pk}", "region": ""}[scope]
    for kind in documents.KINDS:
        expected = 404 if scope == "a1" and kind in documents.NOT_FOR_SCHOOL else status
        assert world.client(role).get(_doc_url(world, kind, "html", query)).status_code == expected, (role, scope, kind)


@pytest.mark.parametrize("query", ["?school=abc", "?school=99999999999999999999", "?municipality=0"])
def test_a_scope_that_is_not_in_the_campaign_is_404(world, query):
    assert world.client("coordinator").get(_doc_url(world, query=query)).status_code == 404


def test_the_documents_page_lists_what_the_user_may_make(world):
    from django.urls import reverse

    url = reverse("document_list", args=[world.campaign.code])
    head = world.client("head").get(url).content.decode()
    assert world.a1.short_name.replace("«", "&laquo;").replace("»", "&raquo;") in head or world.a1.short_name in head
    assert f"?municipality={world.m1.pk}" not in head and f"?school={world.b1.pk}" not in head
    municipal = world.client("municipal").get(url).content.decode()
    assert f"?municipality={world.m1.pk}" in municipal and f"?municipality={world.m2.pk}" not in municipal
    assert world.client("outsider").get(url).status_code == 404


def test_a_head_downloads_their_schools_plan_vs_actual_report_as_docx(world):
    from shnor.monitoring import workflow

    workflow.open_report(world.campaign, world.a1)
    response = world.client("head").get(_doc_url(world, "plan-vs-actual", "docx", f"?school={world.a1.pk}"))
    assert response.status_code == 200 and f"school-{world.a1.pk}.docx" in response["Content-Disposition"]
    text = docx_text(response.content)
    assert "Курсы повышения квалификации учителей математики" in text and "не отмечено" in text


# --- the analytical note --------------------------------------------------------------------------------------

def test_the_cli_writes_the_note_of_a_municipality_by_direction_with_conclusions(tmp_path):
    out = tmp_path / "note.docx"
    call_command("report", campaign=DEMO, kind="note", municipality=ROGNEDINO, fmt="docx", out=str(out))
    text = docx_text(out.read_bytes())
    assert "Аналитическая записка" in text and ROGNEDINO in text and "Что сделано по направлениям" in text and "Выводы" in text
    assert "{{" not in text and "{%" not in text
    target = documents.target_for(campaign(), municipality=ROGNEDINO)
    doc = documents.analytical_note(target)
    done = ReportEntry.objects.filter(report__campaign__code=DEMO, report__school__municipality=target.municipality,
                                      status__in=ReportEntry.DONE).count()
    assert sum(len(d["lines"]) for d in doc.directions) == done
    assert all(d["name"] for d in doc.directions)
    if shutil.which("soffice") and shutil.which("pdftotext"):
        assert "Аналитическая записка" in libreoffice_text(out)


def test_the_note_words_indicator_changes_and_the_reasons():
    def act(title, status, reason="", direction="Работа с педагогами"):
        return planfact.Activity("Школа", "Район", "", "", title, "", "", "", "проведено", status, [], reason, True, direction)

    from shnor.core.render import note

    doc = note.build([act("А", "done"), act("Б", "not_done", "Болезнь лектора."), act("В", "done", direction="Работа с родителями")],
                     [planfact.IndicatorChange("Качество знаний", "%", Decimal("40"), Decimal("41.1")),
                      planfact.IndicatorChange("Количество неуспевающих", "чел.", Decimal("28"), Decimal("10"))],
                     scope_name="Школа", campaign_title="Мониторинг", period="I полугодие", on=date(2022, 1, 10))
    assert [d["name"] for d in doc.directions] == ["Работа с педагогами", "Работа с родителями"]
    assert normalize_spaces(doc.intro).startswith("За период (I полугодие) из 3 запланированных мероприятий дорожной карты выполнено 2 (66,7 %)")
    texts = [i["text"] for i in doc.indicators]
    assert texts == ["качество знаний: рост на 1,1 п.п. (с 40 до 41,1 %)", "количество неуспевающих: снижение с 28 до 10 чел."]
    joined = normalize_spaces(" ".join(doc.conclusions))
    assert "значительная часть мероприятий" in joined and "причины: болезнь лектора" in joined


def test_a_head_downloads_their_schools_note(world):
    response = world.client("head").get(_doc_url(world, "note", "docx", f"?school={world.a1.pk}"))
    assert response.status_code == 200 and "Аналитическая записка" in docx_text(response.content)
    assert world.client("head_b1").get(_doc_url(world, "note", "docx", f"?school={world.a1.pk}")).status_code == 404


# --- issuing ----------------------------------------------------------------------------------------------------

def test_a_municipal_coordinator_issues_the_municipal_spravka_as_versions(world, django_capture_on_commit_callbacks):
    from django.urls import reverse

    from shnor.analysis.models import IssuedReport
    from shnor.audit.models import AuditEvent

    url = reverse("document_issue", args=[world.campaign.code, "spravka"])
    client = world.client("municipal")
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"municipality": world.m1.pk}).status_code == 302
        assert client.post(url, {"municipality": world.m1.pk}).status_code == 302
    issued = list(IssuedReport.objects.filter(campaign=world.campaign, kind="spravka", scope_key=f"mun-{world.m1.pk}").order_by("number"))
    assert [i.number for i in issued] == [1, 2] and issued[0].municipality == world.m1
    assert issued[0].pdf_status == IssuedReport.PdfStatus.READY  # the tests' queue runs the PDF task at once
    assert not IssuedReport.regional(world.campaign).exists()  # the regional справка's versions are apart
    assert AuditEvent.objects.filter(action="document.issue").count() == 2
    file_url = reverse("document_issued_file", args=[world.campaign.code, issued[0].pk, "docx"])
    response = client.get(file_url)
    assert response.status_code == 200 and "Аналитическая справка" in docx_text(b"".join(response.streaming_content))
    assert world.client("municipal2").get(file_url).status_code == 404
    assert world.client("head").get(file_url).status_code == 404
    assert world.client("outsider").get(file_url).status_code == 404
    page = client.get(reverse("document_list", args=[world.campaign.code])).content.decode()
    assert file_url in page


@pytest.mark.parametrize("role, data, status", [
    ("municipal2", "m1", 404), ("curator", "m1", 404), ("observer", "m1", 403), ("head", "m1", 404),
    ("head_b1", "a1", 404), ("staff", "a1", 403), ("outsider", "a1", 404),
])
def test_only_the_owner_of_a_scope_issues_its_documents(world, role, data, status):
    from django.urls import reverse

    from shnor.analysis.models import IssuedReport

    body = {"m1": {"municipality": world.m1.pk}, "a1": {"school": world.a1.pk}}[data]
    response = world.client(role).post(reverse("document_issue", args=[world.campaign.code, "note"]), body)
    assert response.status_code == status
    assert not IssuedReport.objects.exists()


def test_a_head_issues_their_schools_plan_vs_actual_report(world):
    from shnor.analysis.models import IssuedReport

    target = documents.Target(world.campaign, school=world.a1)
    issued = documents.issue(target, "plan-vs-actual", world.users["head"], "М. Директорова", "директор")
    assert (issued.kind, issued.scope_key, issued.number, issued.school) == ("plan-vs-actual", f"school-{world.a1.pk}", 1, world.a1)
    with issued.docx.open("rb") as fh:
        assert "Отчёт о реализации дорожной карты" in docx_text(fh.read())
    with pytest.raises(documents.DocumentError):
        documents.issue(target, "plan-vs-actual", world.users["head_b1"])
    assert IssuedReport.objects.count() == 1


def test_the_api_gives_a_schools_document_to_its_head_and_refuses_others(world):
    from rest_framework.test import APIClient

    url = f"/api/v1/campaigns/{world.campaign.code}/documents/note/?school={world.a1.pk}&file_format=docx"
    head = APIClient()
    head.force_authenticate(world.users["head"])
    response = head.get(url)
    assert response.status_code == 200 and "Аналитическая записка" in docx_text(response.content)
    other = APIClient()
    other.force_authenticate(world.users["head_b1"])
    assert other.get(url).status_code == 404
    assert head.get(url.replace("note", "no-such-kind")).status_code == 404
