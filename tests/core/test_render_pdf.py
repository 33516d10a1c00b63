"""The PDF converter (shnor.core.render.pdf): LibreOffice with a private profile, long tables cut for layout, a
timeout that kills the whole process group, and a Russian PdfError for everything that goes wrong."""

from __future__ import annotations

import glob
import os
import re
import tempfile
import time
import zipfile
from io import BytesIO

import pytest
from docx import Document

from shnor.core.render import pdf

needs_libreoffice = pytest.mark.skipif(pdf.soffice() is None, reason="LibreOffice (libreoffice-writer-nogui) is not installed")


def _table_docx(rows: int) -> bytes:
    doc = Document()
    doc.add_paragraph("Перечень школ")
    table = doc.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "№", "Школа"
    for i in range(1, rows + 1):
        cells = table.add_row().cells
        cells[0].text, cells[1].text = str(i), f"МБОУ СОШ № {i}"
    doc.add_paragraph("Конец перечня")
    out = BytesIO()
    doc.save(out)
    return out.getvalue()


def _document_xml(data: bytes) -> str:
    with zipfile.ZipFile(BytesIO(data)) as z:
        return z.read("word/document.xml").decode("utf-8")


def test_a_long_table_is_cut_into_parts_of_rows_and_nothing_else_changes(tmp_path):
    data = _table_docx(250)  # 251 rows with the header
    pdf._for_layout(data, tmp_path / "cut.docx")
    before, after = _document_xml(data), _document_xml((tmp_path / "cut.docx").read_bytes())
    assert before.count("<w:tbl>") == 1 and after.count("<w:tbl>") == 3  # 100 + 100 + 51 rows
    assert re.findall(r"<w:t>([^<]*)</w:t>", before) == re.findall(r"<w:t>([^<]*)</w:t>", after)  # every text, in order
    assert after.count("<w:tblGrid>") == 3 and after.count('w:lineRule="exact"') == 2


def test_a_short_table_is_left_alone(tmp_path):
    data = _table_docx(20)
    pdf._for_layout(data, tmp_path / "same.docx")
    assert _document_xml((tmp_path / "same.docx").read_bytes()) == _document_xml(data)


@needs_libreoffice
def test_the_pdf_of_a_long_table_holds_every_row_in_order():
    import pdfplumber

    data = pdf.from_docx(_table_docx(250))
    with pdfplumber.open(BytesIO(data)) as document:
        text = "\n".join(page.extract_text() or "" for page in document.pages)
    numbers = [int(n) for n in re.findall(r"МБОУ СОШ № (\d+)", text)]
    assert numbers == list(range(1, 251)) and "Перечень школ" in text and "Конец перечня" in text


def test_without_libreoffice_the_error_says_what_to_install(monkeypatch):
    monkeypatch.setattr(pdf, "soffice", lambda: None)
    with pytest.raises(pdf.PdfError) as caught:
        pdf.from_docx(_table_docx(3))
    assert "не установлен LibreOffice" in caught.value.message and "Скачайте DOCX" in caught.value.message


def test_a_file_that_is_not_a_docx_is_refused_in_russian():
    if pdf.soffice() is None:
        pytest.skip("LibreOffice is not installed")
    with pytest.raises(pdf.PdfError) as caught:
        pdf.from_docx(b"not a word document")
    assert "повреждён" in caught.value.message


def _leftovers() -> set[str]:
    return set(glob.glob(os.path.join(tempfile.gettempdir(), "shnor-pdf-*")))


def test_a_conversion_out_of_time_is_killed_with_its_children_and_cleaned_up(monkeypatch, tmp_path):
    # A stand-in for soffice that starts a child and then hangs, as soffice.bin would on a huge document.
    fake = tmp_path / "soffice"
    marker = tmp_path / "child.pid"
    fake.write_text(f"#!/bin/sh\nsleep 300 &\necho $! > {marker}\nwait\n")
    fake.chmod(0o755)
    monkeypatch.setattr(pdf, "soffice", lambda: str(fake))
    before = _leftovers()
    with pytest.raises(pdf.PdfError) as caught:
        pdf.from_docx(_table_docx(3), timeout=1)
    assert "не успел преобразовать документ" in caught.value.message
    child = int(marker.read_text())
    with pytest.raises(ProcessLookupError):  # the whole group was killed, not only the script
        for _ in range(50):
            os.kill(child, 0)
            time.sleep(0.1)
    assert _leftovers() <= before  # the private profile and the files are gone


def test_a_failing_converter_is_a_russian_error(monkeypatch, tmp_path):
    fake = tmp_path / "soffice"
    fake.write_text("#!/bin/sh\necho 'Error: source file could not be loaded' >&2\nexit 1\n")
    fake.chmod(0o755)
    monkeypatch.setattr(pdf, "soffice", lambda: str(fake))
    with pytest.raises(pdf.PdfError) as caught:
        pdf.from_docx(_table_docx(3))
    assert caught.value.message.startswith("PDF не сформирован: LibreOffice не смог преобразовать документ (код завершения 1)")


def _fake_office(folder, marker) -> str:
    """A `soffice` script with a `soffice.bin` beside it that writes its pid and hangs, as LibreOffice would on a huge
    document; returns the script's path."""
    script, binary = folder / "soffice", folder / "soffice.bin"
    script.write_text("#!/bin/sh\nexit 1\n")
    binary.write_text(f"#!/bin/sh\necho $$ > {marker}\nexec sleep 300\n")
    script.chmod(0o755)
    binary.chmod(0o755)
    return str(script)


def test_libreoffice_itself_is_started_not_its_launcher(tmp_path):
    assert pdf._office_binary(_fake_office(tmp_path, tmp_path / "pid")) == str(tmp_path / "soffice.bin")
    lone = tmp_path / "lone"
    lone.mkdir()
    (lone / "soffice").write_text("#!/bin/sh\n")
    assert pdf._office_binary(str(lone / "soffice")) == str(lone / "soffice")
    if pdf.soffice():
        assert pdf._office_binary(pdf.soffice()).endswith("/soffice.bin")


def test_a_killed_worker_leaves_no_libreoffice_running_and_its_directory_goes_next_time(tmp_path, monkeypatch):
    import signal
    import subprocess
    import sys

    office, temp, marker = tmp_path / "office", tmp_path / "tmp", tmp_path / "office.pid"
    office.mkdir()
    temp.mkdir()
    program = _fake_office(office, marker)
    worker = subprocess.Popen([sys.executable, "-c", (
        "import sys; from shnor.core.render import pdf; from tests.core.test_render_pdf import _table_docx; "
        f"pdf.soffice = lambda: {program!r}; pdf.from_docx(_table_docx(3))")], env={**os.environ, "TMPDIR": str(temp)})
    for _ in range(200):
        if marker.exists() and marker.read_text().strip():
            break
        time.sleep(0.05)
    office_pid = int(marker.read_text())
    os.kill(office_pid, 0)  # converting
    worker.send_signal(signal.SIGKILL)
    worker.wait()
    with pytest.raises(ProcessLookupError):  # LibreOffice went with the worker
        for _ in range(100):
            os.kill(office_pid, 0)
            time.sleep(0.05)
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    assert len(list(temp.glob("shnor-pdf-*"))) == 1  # nobody was left to remove it
    assert pdf.remove_abandoned(older_than_s=0) == 1 and not list(temp.glob("shnor-pdf-*"))


def test_a_directory_in_use_is_not_removed(tmp_path, monkeypatch):
    import fcntl

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    busy, left, unlocked = tmp_path / "shnor-pdf-busy", tmp_path / "shnor-pdf-left", tmp_path / "shnor-pdf-unlocked"
    for folder in (busy, left, unlocked):
        folder.mkdir()
    (left / pdf.LOCK_NAME).touch()
    with open(busy / pdf.LOCK_NAME, "wb") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        assert pdf.remove_abandoned() == 0  # all just made: perhaps being set up
        assert pdf.remove_abandoned(older_than_s=0) == 1 and busy.exists() and not left.exists()
    assert unlocked.exists()  # made by the code before the lock: perhaps still converting
    assert pdf.remove_abandoned(older_than_s=0) == 1 and not busy.exists()
    day_old = time.time() - pdf.UNLOCKED_AGE_S - 1
    os.utime(unlocked, (day_old, day_old))
    assert pdf.remove_abandoned() == 1 and not unlocked.exists()


def _styled_docx(style: str) -> bytes:
    doc = Document()
    doc.add_paragraph("До таблицы")
    table = doc.add_table(rows=2, cols=2)
    table.style = style
    table.rows[0].cells[0].text = "Школа"
    table.rows[1].cells[1].paragraphs[0].style = "Caption"
    table.rows[1].cells[1].paragraphs[0].add_run("Подпись")
    out = BytesIO()
    doc.save(out)
    return out.getvalue()


def test_a_simple_table_style_is_resolved_for_layout_into_borders_and_a_paragraph_style(tmp_path):
    pdf._for_layout(_styled_docx("Table Grid"), tmp_path / "flat.docx")
    with zipfile.ZipFile(tmp_path / "flat.docx") as z:
        document, styles = z.read("word/document.xml").decode(), z.read("word/styles.xml").decode()
    table = re.search(r"<w:tbl>.*</w:tbl>", document, re.DOTALL).group(0)
    assert "<w:tblStyle" not in table and '<w:insideH w:val="single"' in table  # the style's borders, on the table
    assert table.count('<w:pStyle w:val="ShnorCellsTableGrid"/>') == 3  # every cell paragraph without a style of its own
    assert '<w:pStyle w:val="Caption"/>' in table
    assert "ShnorCells" not in document.replace(table, "")  # paragraphs outside the table keep theirs
    added = re.search(r'<w:style [^>]*w:styleId="ShnorCellsTableGrid">.*?</w:style>', styles).group(0)
    assert '<w:basedOn w:val="Normal"/>' in added and '<w:spacing w:after="0"' in added


def test_a_table_style_with_conditional_formatting_is_left_to_libreoffice(tmp_path):
    data = _styled_docx("Light Shading")
    pdf._for_layout(data, tmp_path / "same.docx")
    assert _document_xml((tmp_path / "same.docx").read_bytes()) == _document_xml(data)


@needs_libreoffice
def test_the_pdf_of_a_styled_table_keeps_its_text():
    import pdfplumber

    with pdfplumber.open(BytesIO(pdf.from_docx(_styled_docx("Table Grid")))) as document:
        text = document.pages[0].extract_text()
    assert "До таблицы" in text and "Школа" in text and "Подпись" in text


def test_the_version_is_read_from_the_installations_own_configuration(tmp_path):
    (tmp_path / "program").mkdir()
    (tmp_path / "share" / "registry").mkdir(parents=True)
    binary = str(tmp_path / "program" / "soffice.bin")
    assert pdf._office_version(binary) is None  # no configuration: the profile is left to LibreOffice
    pdf._new_profile(tmp_path / "none", binary)
    assert not (tmp_path / "none").exists()
    (tmp_path / "share" / "registry" / "main.xcd").write_text(
        '<prop oor:name="ooSetupVersion" oor:type="xs:string"><value/></prop>'
        '<prop oor:name="ooSetupVersion">\n  <value>24.8</value>\n</prop>', encoding="utf-8")
    pdf._office_version.cache_clear()
    assert pdf._office_version(binary) == "24.8"
    pdf._new_profile(tmp_path / "profile", binary)
    written = (tmp_path / "profile" / "user" / "registrymodifications.xcu").read_text(encoding="utf-8")
    assert 'oor:name="ooSetupLastVersion"' in written and "<value>24.8</value>" in written
    pdf._office_version.cache_clear()


@needs_libreoffice
def test_a_conversion_skips_the_graphics_self_tests_of_a_first_start(monkeypatch):
    seen = []
    run = pdf._run

    def watched(command, env, folder, deadline, limit):
        result = run(command, env, folder, deadline, limit)
        seen.append(sorted(p.name for p in (folder / "profile" / "user").iterdir()))
        return result

    monkeypatch.setattr(pdf, "_run", watched)
    assert pdf.from_docx(_table_docx(3))[:5] == b"%PDF-"
    assert "registrymodifications.xcu" in seen[-1] and "GraphicsRenderTests.log" not in seen[-1]
    monkeypatch.setattr(pdf, "_office_version", lambda binary: None)  # the profile LibreOffice makes itself runs them
    assert pdf.from_docx(_table_docx(3))[:5] == b"%PDF-"
    assert "GraphicsRenderTests.log" in seen[-1]
