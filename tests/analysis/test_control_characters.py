"""Control characters never reach a справка: stripped when a finding is edited, and stripped again by the DOCX
renderer, so that word/document.xml is always well-formed XML (Word and LibreOffice refuse anything else)."""

from __future__ import annotations

import dataclasses
import zipfile
from datetime import date
from io import BytesIO

from lxml import etree

from shnor.analysis.models import Finding
from shnor.core.analysis import analyse
from shnor.core.findings import Context, generate
from shnor.core.render import content, render

from . import bryansk_data
from .test_views import reported, url  # noqa: F401 — the fixture

CONTROLS = "\x01\x08\x1b"


def document_xml(data: bytes) -> bytes:
    xml = zipfile.ZipFile(BytesIO(data)).read("word/document.xml")
    etree.fromstring(xml)  # raises XMLSyntaxError on a control character
    return xml


def test_the_docx_renderer_writes_valid_xml_whatever_the_findings_hold():
    a = analyse(bryansk_data.current(), bryansk_data.previous())
    findings = [dataclasses.replace(f, text=f"{f.text} {CONTROLS}конец") for f in generate(a, Context(author="Автор"))]
    meta = content.Meta(date(2021, 7, 1), f"О. Г. Викульева{CONTROLS}", f"заведующий{CONTROLS}")
    xml = document_xml(render(content.build(a, findings, meta), "docx"))
    assert "конец".encode() in xml and b"\x01" not in xml and b"\x1b" not in xml


def test_a_finding_edited_with_control_characters_is_stored_without_them(reported):  # noqa: F811
    client = reported.client("coordinator")
    client.get(url("spravka", reported))
    remark = Finding.objects.get(campaign=reported.campaign, rule="missing_reports")
    response = client.post(url("finding_edit", reported, remark.pk), {"text": f"МБОУ Бета ООШ{CONTROLS} не представила отчёт"})
    assert response.status_code == 302
    remark.refresh_from_db()
    assert remark.text == "МБОУ Бета ООШ не представила отчёт"


def test_the_draft_spravka_docx_is_valid_xml_with_a_control_character_stored_before_the_fix(reported):  # noqa: F811
    client = reported.client("coordinator")
    client.get(url("spravka", reported))
    Finding.objects.filter(campaign=reported.campaign, rule="missing_reports").update(text=f"Школа{CONTROLS} не сдала отчёт")
    response = client.get(url("spravka_download", reported, "docx"))
    assert response.status_code == 200
    assert "Школа не сдала отчёт".encode() in document_xml(response.content)
