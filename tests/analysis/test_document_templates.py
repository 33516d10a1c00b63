"""Each document kind's Word template, per region: downloaded (the region's own or the default), uploaded after a
check on the campaign's data, used for that kind only, removed; messages name the kind; file names in Latin per kind."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.urls import reverse
from docx import Document

from shnor.analysis import documents
from shnor.analysis.models import SpravkaTemplate
from shnor.audit.models import AuditEvent
from shnor.core.render import docx as docx_renderer
from shnor.core.render.docx import TemplateError
from shnor.core.render.kinds import TEMPLATE_NAMES
from shnor.core.render.planfact import build as build_plan

pytestmark = pytest.mark.django_db


def _docx(*paragraphs) -> BytesIO:
    doc = Document()
    for p in paragraphs:
        doc.add_paragraph(p)
    out = BytesIO()
    doc.save(out)
    out.name = "blank.docx"
    out.seek(0)
    return out


def _text(data: bytes) -> str:
    return "\n".join(p.text for p in Document(BytesIO(data)).paragraphs)


def _upload(world, kind, file, role="coordinator"):
    return world.client(role).post(reverse("document_template", args=[world.campaign.code, kind]), {"file": file}, follow=True)


def test_each_kind_has_its_own_template_for_the_region_and_the_others_keep_the_default(world):
    from shnor.monitoring import workflow

    workflow.open_report(world.campaign, world.a1)
    response = _upload(world, "plan-vs-actual", _docx("БЛАНК ОТДЕЛА ОБРАЗОВАНИЯ", "{{ title }}: {{ scope_name }}"))
    assert "Шаблон отчёта о реализации дорожной карты региона загружен и проверен" in response.content.decode()
    assert SpravkaTemplate.objects.get(region=world.region, kind="plan-vs-actual").file.name.split("/")[-1].startswith("otchet-template-")
    target = documents.Target(world.campaign, school=world.a1)
    assert "БЛАНК ОТДЕЛА ОБРАЗОВАНИЯ" in _text(documents.make(target, "plan-vs-actual", "docx"))
    assert "БЛАНК ОТДЕЛА ОБРАЗОВАНИЯ" not in _text(documents.make(target, "note", "docx"))
    assert "БЛАНК ОТДЕЛА ОБРАЗОВАНИЯ" not in _text(documents.make(documents.Target(world.campaign), "spravka", "docx"))
    event = AuditEvent.objects.get(action="spravka.template")
    assert "Загружен шаблон отчёта о реализации дорожной карты региона" in event.summary and event.changes["kind"] == "plan-vs-actual"

    url = reverse("document_template_file", args=[world.campaign.code, "plan-vs-actual"])
    response = world.client("municipal").get(url)
    assert response.status_code == 200 and "otchet-shablon-" in response["Content-Disposition"]
    assert "БЛАНК ОТДЕЛА ОБРАЗОВАНИЯ" in _text(b"".join(response.streaming_content))
    default = world.client("coordinator").get(reverse("document_template_file", args=[world.campaign.code, "monitoring"]))
    assert default.status_code == 200 and 'filename="monitoring-shablon.docx"' in default["Content-Disposition"]
    assert "{{ title }}" in _text(default.content)

    world.client("coordinator").post(reverse("document_template", args=[world.campaign.code, "plan-vs-actual"]), {"remove": "1"})
    assert not SpravkaTemplate.objects.exists()
    assert "БЛАНК ОТДЕЛА ОБРАЗОВАНИЯ" not in _text(documents.make(target, "plan-vs-actual", "docx"))


@pytest.mark.parametrize("kind", ["monitoring", "note", "plan-vs-actual", "spravka"])
def test_a_broken_template_is_refused_with_a_message_naming_its_kind(world, kind):
    from shnor.monitoring import workflow

    workflow.open_report(world.campaign, world.a1)
    page = _upload(world, kind, _docx("{% for x in %}")).content.decode()
    assert f"Шаблон {TEMPLATE_NAMES[kind]} не принят" in page and f"В шаблоне {TEMPLATE_NAMES[kind]} ошибка в разметке полей" in page
    assert not SpravkaTemplate.objects.exists()


def test_only_the_campaigns_coordinator_replaces_a_template(world):
    for role in ("municipal", "observer", "head", "outsider"):
        assert _upload(world, "note", _docx("{{ title }}"), role).status_code in (403, 404), role
    assert not SpravkaTemplate.objects.exists()
    assert world.client("head").get(reverse("document_template_file", args=[world.campaign.code, "note"])).status_code == 403


def test_a_template_broken_in_storage_stops_that_kind_with_a_message_naming_it():
    from datetime import date

    doc = build_plan([], [], scope_name="Школа", region="Область", campaign_title="К", period="I полугодие", on=date(2022, 1, 1))
    with pytest.raises(TemplateError, match="^Шаблон отчёта о реализации дорожной карты не является документом Word"):
        documents.spravka.KIND_RENDERERS["plan-vs-actual"]["docx"](doc, b"not a docx")
    with pytest.raises(TemplateError, match="^Шаблон справки не является"):
        docx_renderer.render(doc, b"not a docx")


def test_the_documents_page_shows_the_templates_to_coordinators_with_forms_only_for_the_regional_one(world):
    url = reverse("document_list", args=[world.campaign.code])
    coordinator = world.client("coordinator").get(url).content.decode()
    assert 'id="document-templates"' in coordinator and "Шаблон отчёта о мониторинге (DOCX)" in coordinator
    municipal = world.client("municipal").get(url).content.decode()
    assert 'id="document-templates"' in municipal and "Шаблон отчёта о мониторинге (DOCX)" not in municipal
    assert 'id="document-templates"' not in world.client("head").get(url).content.decode()


@pytest.mark.parametrize("kind, stem", [("spravka", "spravka"), ("plan-vs-actual", "otchet"), ("note", "zapiska"), ("monitoring", "monitoring")])
def test_file_names_are_latin_per_kind(world, kind, stem):
    target = documents.Target(world.campaign, municipality=world.m1)
    assert target.file_name(kind, "docx", 3) == f"{stem}-{world.campaign.code}-mun-{world.m1.pk}-v3.docx"
