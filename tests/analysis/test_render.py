"""The справка's content and its renderers: the DOCX opens in LibreOffice and holds the expected lines, the PDF is
produced, a broken template gives a Russian message (no database)."""

from __future__ import annotations

import shutil
import subprocess
import uuid
from datetime import date
from io import BytesIO
from pathlib import Path

import pytest
from docx import Document

from shnor.core.analysis import analyse, check_shares
from shnor.core.findings import Context, generate
from shnor.core.render import RENDERERS, charts, content, render
from shnor.core.render.docx import TemplateError
from shnor.core.russian import normalize_spaces

from . import bryansk_data
from .cases import campaign, done

SAMPLE_COUNTS = ["2 (12,5 %)", "13 (81,3 %)", "1 (6,3 %)", "16 (100 %)", "3 (18,8 %)", "14 (87,5 %)", "4 (25 %)", "11 (68,8 %)",
                 "9 (56,3 %)", "8 (50 %)"]


@pytest.fixture(scope="module")
def spravka():
    a = analyse(bryansk_data.current(), bryansk_data.previous())
    meta = content.Meta(date(2021, 7, 1), "О. Г. Викульева", "заведующий центром мониторинга и инновационной деятельности")
    return content.build(a, generate(a, Context(author="О. Г. Викульева")), meta, charts.draw_charts(a))


def plain(text: str) -> str:
    return normalize_spaces(text)


def test_the_content_has_every_section_of_the_sample(spravka):
    assert spravka.title == "Аналитическая справка" and plain(spravka.date_text) == "1 июля 2021 г."
    assert spravka.goal and len(spravka.tasks) == 3 and "январь – июнь 2021 года" in spravka.object_text
    assert len(spravka.schools) == 16 and spravka.schools[4]["municipality"] == "Карачевский район"
    assert len(spravka.directions) == 4 and "организационно-управленческие меры" in spravka.not_analysed
    assert [plain(r["label"]) for r in spravka.results] == ["16 (100 %)", "9 (56,3 %)", "11 (68,8 %)", "13 (81,3 %)"]
    assert spravka.conclusions and spravka.remarks and spravka.decisions and spravka.recommendations
    assert all(d["responsible"] and d["deadline"] for d in spravka.decisions)
    assert {c.key for c in spravka.charts} == {"directions", "municipalities", "dynamics"}
    assert spravka.dynamics_rows and spravka.dynamics_indicators
    assert spravka.author_name == "О. Г. Викульева"


def test_the_content_holds_every_count_of_the_sample_with_the_right_share(spravka):
    text = plain("\n".join(spravka.text_lines()))
    for label in SAMPLE_COUNTS:
        assert label in text
    assert "17 %" not in text and "(17%)" not in text


def test_every_share_the_content_states_is_consistent_with_its_count(spravka):
    for line in spravka.text_lines():
        for statement in check_shares(line, total=16):
            assert statement.ok, line


def test_lists_are_punctuated_as_in_a_spravka(spravka):
    assert spravka.tasks[0].endswith(";") and spravka.tasks[-1].endswith(".")
    assert spravka.results[0]["lines"][-1]["text"].endswith(".")


def test_charts_are_png_images_and_absent_without_reports():
    a = analyse(bryansk_data.current(), bryansk_data.previous())
    drawn = charts.draw_charts(a)
    assert all(c.png.startswith(b"\x89PNG") for c in drawn)
    assert charts.draw_charts(analyse(campaign([], reported=set()))) == []


def test_a_spravka_without_reports_or_previous_campaign_says_so():
    a = analyse(campaign([], reported=set()))
    s = content.build(a, generate(a), content.Meta(date(2021, 7, 1)))
    assert any("Ни одна школа не представила заверенный отчёт" in n for n in s.notes)
    assert any("динамика" in n for n in s.notes)
    assert s.results == [] and s.conclusions == []
    for fmt in RENDERERS:
        assert render(s, fmt)


def test_a_spravka_of_one_school_says_so():
    a = analyse(campaign([done(1, "pk_courses")], schools=(1,)))
    s = content.build(a, generate(a), content.Meta(date(2021, 7, 1)))
    assert any("одна школа" in n for n in s.notes)
    assert plain(s.results[0]["label"]) == "1 (100 %)"
    assert render(s, "docx")


def test_the_html_escapes_what_people_typed(spravka):
    a = analyse(campaign([done(1, "pk_courses")]))
    s = content.build(a, [], content.Meta(date(2021, 7, 1), author_name="<script>alert(1)</script>"))
    html = render(s, "html").decode()
    assert "<script>alert" not in html and "&lt;script&gt;" in html


def _docx_text(data: bytes) -> str:
    doc = Document(BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    parts += [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    return plain("\n".join(parts))


def test_the_docx_is_a4_times_new_roman_14_with_charts(spravka):
    data = render(spravka, "docx")
    doc = Document(BytesIO(data))
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert doc.styles["Normal"].font.name == "Times New Roman" and doc.styles["Normal"].font.size.pt == 14
    assert len(doc.inline_shapes) == 3
    text = _docx_text(data)
    for label in SAMPLE_COUNTS:
        assert label in text
    assert "{{" not in text and "{%" not in text


@pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdftotext") is None, reason="LibreOffice and poppler are needed")
def test_the_docx_opens_in_libreoffice_and_holds_the_expected_lines(spravka, tmp_path):
    path = tmp_path / "spravka.docx"
    path.write_bytes(render(spravka, "docx"))
    profile = Path("/tmp") / f"shnor-lo-{uuid.uuid4().hex}"
    try:
        subprocess.run(["soffice", "--headless", "--norestore", f"-env:UserInstallation=file://{profile}", "--convert-to", "pdf",
                        "--outdir", str(tmp_path), str(path)], check=True, capture_output=True, timeout=120)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    pdf = tmp_path / "spravka.pdf"
    assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF")
    text = plain(subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True).stdout)
    for expected in ["Аналитическая справка", "Цель: оказание методической помощи", "Задачи:", "Направления анализа (кластеры):",
                     "Результаты анализа:", "Выводы:", "Замечания по мониторингу", "Управленческие решения:", "Адресные рекомендации:",
                     "курсы повышения квалификации педагогов — 16 (100 %)", "МБОУ Дроновская СОШ", "МБОУ «Пацынская СОШ»",
                     "необходимо выстроить ВСОКО в ОО", "О. Г. Викульева, заведующий центром мониторинга"]:
        assert expected in text, expected


def test_the_pdf_is_produced_from_the_same_html(spravka):
    data = render(spravka, "pdf")
    assert data.startswith(b"%PDF") and len(data) > 20_000


def _template(*paragraphs: str) -> bytes:
    doc = Document()
    for p in paragraphs:
        doc.add_paragraph(p)
    out = BytesIO()
    doc.save(out)
    return out.getvalue()


def test_a_regions_own_template_is_filled(spravka):
    data = render(spravka, "docx", _template("Бланк департамента", "{{ title }} от {{ date_text }}", "{% for d in decisions %}{{ d.text }} {% endfor %}"))
    text = _docx_text(data)
    assert text.startswith("Бланк департамента Аналитическая справка от 1 июля 2021 г.")
    assert "руководителям ОО совместно с кураторами" in text


@pytest.mark.parametrize("template, message", [
    (b"not a word file", "не является документом Word"),
    (_template("{% for x in %}"), "ошибка в разметке полей"),
    (_template("{{ title|no_such_filter }}"), "ошибка в разметке полей"),
    (_template("{{ schools.nothing.deeper }}"), "не удалось заполнить"),
])
def test_a_broken_template_gives_a_clear_russian_message(spravka, template, message):
    with pytest.raises(TemplateError) as caught:
        render(spravka, "docx", template)
    assert message in caught.value.message


def test_a_zip_that_is_not_a_docx_is_refused(spravka):
    import zipfile

    out = BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("hello.txt", "привет")
    with pytest.raises(TemplateError) as caught:
        render(spravka, "docx", out.getvalue())
    assert "Шаблон справки" in caught.value.message


def test_the_default_template_is_built_by_its_script(tmp_path):
    from shnor.core.render.build_template import build

    out = build(tmp_path / "t.docx")
    doc = Document(out)
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "{{ title }}" in text and "{%p for r in results %}" in text
    assert any("{%tr for school in schools %}" in c.text for t in doc.tables for r in t.rows for c in r.cells)
