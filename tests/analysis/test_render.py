"""The справка's content and its renderers: the DOCX opens in LibreOffice and holds the expected lines, the PDF is
produced, a broken template gives a Russian message (no database)."""

from __future__ import annotations

import shutil
import subprocess
import uuid
import zipfile
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
from .cases import campaign, done, many

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
    # One school: whether it was done, never «1 (100 %)».
    assert plain(s.results[0]["label"]) == "проводилось"
    text = plain("\n".join(s.text_lines()))
    assert "1 (100 %)" not in text and "из 1 школы" not in text and "отчёт, заверенный руководителем ОО и куратором, представлен" in text
    assert render(s, "docx")


def test_a_spravka_of_a_few_schools_gives_counts_without_shares():
    a = analyse(campaign([done(1, "pk_courses"), done(2, "pk_courses")], schools=(1, 2, 3)))
    s = content.build(a, generate(a), content.Meta(date(2021, 7, 1)))
    line = next(line for r in s.results for line in r["lines"] if line["name"].startswith("курсы"))
    assert plain(line["label"]) == "2 из 3"


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


def test_the_streamed_docx_holds_what_docxtpl_renders_itself(spravka):
    """The body rendered piece by piece and deflated by a second thread: the same parts as docxtpl's own rendering of
    the template, byte for byte but for the body, and the same paragraphs in the body."""
    from docxtpl import DocxTemplate
    from lxml import etree

    from shnor.core.render import docx as docx_render

    streamed = zipfile.ZipFile(BytesIO(render(spravka, "docx")))
    tpl = DocxTemplate(BytesIO(docx_render.default_template()))
    tpl.render(docx_render._context(spravka, tpl), docx_render._environment())
    out = BytesIO()
    tpl.save(out)
    own = zipfile.ZipFile(out)
    assert sorted(streamed.namelist()) == sorted(own.namelist())
    assert "word/media/image3.png" in own.namelist()
    for name in set(own.namelist()) - {"word/document.xml", "docProps/core.xml"}:  # core.xml: the time of saving
        assert streamed.read(name) == own.read(name), name
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

    def paragraphs(package):
        body = etree.fromstring(package.read("word/document.xml"))
        return ["".join(t.text or "" for t in p.iter(f"{w}t")) for p in body.iter(f"{w}p")]

    assert paragraphs(streamed) == paragraphs(own) and len(paragraphs(own)) > 100


def test_the_body_written_behind_keeps_its_order_and_a_failure_there_is_raised():
    from shnor.core.render.docx import _behind

    written = []
    with _behind(written.append, depth=2) as write:
        for i in range(50):
            write(bytes([i]))
    assert written == [bytes([i]) for i in range(50)]

    def full(piece):
        raise OSError("No space left on device")

    with pytest.raises(OSError, match="No space left"), _behind(full, depth=2) as write:
        for _ in range(50):  # more than the queue holds: the renderer is never left waiting after the failure
            write(b"<w:p/>")


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


def test_the_pdf_is_the_docx_converted_by_libreoffice(spravka):
    data = render(spravka, "pdf")
    assert data.startswith(b"%PDF") and len(data) > 20_000
    import pdfplumber

    with pdfplumber.open(BytesIO(data)) as document:
        text = plain("\n".join(page.extract_text() or "" for page in document.pages))
    for expected in ["Аналитическая справка", "Выводы:", "МБОУ Дроновская СОШ", "О. Г. Викульева, заведующий центром мониторинга"]:
        assert expected in text, expected


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


def test_a_fault_of_ours_with_the_default_template_is_not_blamed_on_a_template(spravka, monkeypatch, caplog):
    from shnor.core.render import docx

    def broken(source, document):
        raise TypeError("'NoneType' object is not iterable")

    monkeypatch.setattr(docx, "_fill", broken)
    with pytest.raises(TemplateError) as caught:
        render(spravka, "docx")
    assert "внутренней ошибки" in caught.value.message and "шаблона справки по умолчанию" in caught.value.message
    assert "повреждён" not in caught.value.message and "NoneType" not in caught.value.message
    assert "could not be filled" in caplog.text
    with pytest.raises(TemplateError) as caught:  # a region's own template: the message says what to mend in it
        render(spravka, "docx", _template("{{ title }}"))
    assert "повреждён" in caught.value.message


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


# --- the appendix of long lists of schools ----------------------------------------------------------------


def test_the_sample_names_every_school_in_the_text_and_has_no_appendix(spravka):
    assert spravka.appendix == []
    assert "приложение" not in plain("\n".join(spravka.text_lines()))


@pytest.fixture(scope="module")
def big():
    """40 schools, 30 of them without a report: too many to name in the remark."""
    a = analyse(many(40, reported=10))
    return a, generate(a)


def test_the_appendix_lists_each_school_of_a_long_list_with_what_concerns_it(big):
    a, found = big
    s = content.build(a, found, content.Meta(date(2021, 7, 1)))
    assert [row["name"] for row in s.appendix] == [f"МБОУ СОШ № {i}" for i in range(11, 41)]
    assert s.appendix[0] == {"number": 1, "name": "МБОУ СОШ № 11", "municipality": "Первый район",
                             "what": "не представлен заверенный отчёт (замечание 1)"}
    assert "см. приложение" in plain(s.remarks[0])
    dropped = content.build(a, [f for f in found if f.rule != "missing_reports"], content.Meta(date(2021, 7, 1)))
    assert dropped.appendix == []  # a dropped finding takes its schools out of the appendix


def test_the_appendix_is_a_table_in_the_docx_and_the_html(big):
    a, found = big
    s = content.build(a, found, content.Meta(date(2021, 7, 1)))
    doc = Document(BytesIO(render(s, "docx")))
    table = doc.tables[-1]
    assert [c.text for c in table.rows[0].cells] == ["№", "Образовательная организация", "Муниципалитет", "Что относится к организации"]
    assert len(table.rows) == 31 and [c.text for c in table.rows[30].cells][1:3] == ["МБОУ СОШ № 40", "Второй район"]
    assert any(p.text.strip() == "Приложение" for p in doc.paragraphs)
    html = render(s, "html").decode()
    assert "Перечень образовательных организаций к выводам, замечаниям и рекомендациям" in html and html.count("<tr><td class=\"num\">") == 30


# --- the DOCX is rendered by streaming: the same document as docxtpl's own rendering --------------------------


def _body(data: bytes) -> bytes:
    import zipfile

    from lxml import etree

    with zipfile.ZipFile(BytesIO(data)) as z:
        root = etree.fromstring(z.read("word/document.xml"))
    body = root.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}body")
    return etree.tostring(body, method="c14n", exclusive=True)


def _docxtpl(s: content.Spravka, template: bytes | None = None) -> bytes:
    from docxtpl import DocxTemplate

    from shnor.core.render import docx

    tpl = DocxTemplate(BytesIO(template or docx.default_template()))
    tpl.render(docx._context(s, tpl), autoescape=True)
    out = BytesIO()
    tpl.save(out)
    return out.getvalue()


@pytest.mark.parametrize("chunk", [None, 700])
def test_the_streamed_docx_has_the_same_body_as_docxtpls_rendering(spravka, big, monkeypatch, chunk):
    from shnor.core.render import docx

    if chunk:  # cut the body into many pieces
        monkeypatch.setattr(docx, "CHUNK", chunk)
    a, found = big
    tricky = content.build(a, found, content.Meta(date(2021, 7, 1), author_name="<Иванов> & «сын»"))
    tricky.conclusions[0] = "строка\nс переносом\tи табуляцией"  # docxtpl turns these into breaks and tabs
    for s in (spravka, tricky):
        assert _body(render(s, "docx")) == _body(_docxtpl(s))


def test_a_template_with_headers_and_column_loops_is_filled(spravka):
    doc = Document()
    doc.sections[0].header.paragraphs[0].text = "{{ region }}"
    doc.add_paragraph("{{ title }}")
    table = doc.add_table(rows=1, cols=3)
    for cell, text in zip(table.rows[0].cells, ["{%tc for d in directions %}", "{{ d }}", "{%tc endfor %}"], strict=True):
        cell.text = text  # a column per direction: rendered by docxtpl's own path, which fixes the table's grid
    out = BytesIO()
    doc.save(out)
    filled = Document(BytesIO(render(spravka, "docx", out.getvalue())))
    assert filled.sections[0].header.paragraphs[0].text == "Брянская область"
    assert filled.paragraphs[0].text == "Аналитическая справка"
    assert [c.text for c in filled.tables[0].rows[0].cells] == spravka.directions
