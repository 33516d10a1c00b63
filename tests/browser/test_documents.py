"""In Chromium: the municipal coordinator issues the municipal справка and downloads the plan-vs-actual report of one
of their schools; a head downloads their school's analytical note."""

from __future__ import annotations

import pytest
from docx import Document

from ..conftest import PASSWORD
from .conftest import login


def _text(path) -> str:
    doc = Document(str(path))
    return "\n".join([p.text for p in doc.paragraphs] + [c.text for t in doc.tables for r in t.rows for c in r.cells])


@pytest.mark.browser
def test_the_municipal_coordinator_issues_the_spravka_and_a_head_downloads_the_note(page, transactional_db, world, tmp_path):
    from shnor.analysis.models import IssuedReport
    from shnor.monitoring import workflow

    workflow.open_report(world.campaign, world.a1)
    login(page, world.users["municipal"].username, PASSWORD)
    page.goto(f"/campaigns/{world.campaign.code}/")
    page.click("text=Документы: справки и отчёты о реализации дорожных карт")
    row = page.locator(f"tr[data-scope='mun-{world.m1.pk}']")
    row.locator("button[data-issue=spravka]").click()
    page.wait_for_selector(".messages")
    assert "версия 1" in page.inner_text(".messages")
    issued = IssuedReport.objects.get(kind="spravka", scope_key=f"mun-{world.m1.pk}")
    assert issued.created_by == world.users["municipal"]
    with page.expect_download() as download:
        page.locator(f"tr[data-scope='mun-{world.m1.pk}']").get_by_role("link", name="DOCX").last.click()
    path = tmp_path / "spravka.docx"
    download.value.save_as(path)
    assert "Аналитическая справка" in _text(path)

    school = page.locator(f"tr[data-scope='school-{world.a1.pk}']")
    with page.expect_download() as download:
        school.locator("td").nth(2).get_by_role("link", name="DOCX").click()  # columns: who, справка, plan-vs-actual, note
    path = tmp_path / "plan.docx"
    download.value.save_as(path)
    text = _text(path)
    assert "Отчёт о реализации дорожной карты" in text and "Курсы повышения квалификации учителей математики" in text

    login(page, world.users["head"].username, PASSWORD)
    page.goto(f"/campaigns/{world.campaign.code}/documents/")
    assert page.locator(f"tr[data-scope='mun-{world.m1.pk}']").count() == 0
    note_link = page.locator(f"tr[data-scope='school-{world.a1.pk}'] td").nth(3).get_by_role("link", name="DOCX")
    with page.expect_download() as download:
        note_link.click()
    path = tmp_path / "note.docx"
    download.value.save_as(path)
    assert "Аналитическая записка" in _text(path)


@pytest.mark.browser
def test_the_municipal_coordinator_downloads_the_monitoring_report_and_the_zip_of_their_schools(page, transactional_db, world, tmp_path):
    import zipfile

    login(page, world.users["municipal"].username, PASSWORD)
    page.goto(f"/campaigns/{world.campaign.code}/documents/")
    row = page.locator(f"tr[data-scope='mun-{world.m1.pk}']")
    with page.expect_download() as download:
        row.locator("td").nth(4).get_by_role("link", name="DOCX").click()  # columns: who, справка, plan-vs-actual, note, monitoring
    path = tmp_path / "monitoring.docx"
    download.value.save_as(path)
    assert download.value.suggested_filename.startswith("monitoring-")
    text = _text(path)
    assert "Отчёт о мониторинге" in text and "Адресные рекомендации" in text
    assert page.locator(f"tr[data-scope='school-{world.a1.pk}'] td").nth(4).get_by_role("link").count() == 0

    page.locator(f"button[data-bundle='mun-{world.m1.pk}']").click()
    page.wait_for_selector(".messages")
    assert "собирается" in page.inner_text(".messages")
    link = page.locator("#bundles-table").get_by_role("link", name="Скачать ZIP")  # the tests' queue made it at once
    with page.expect_download() as download:
        link.click()
    path = tmp_path / "otchety.zip"
    download.value.save_as(path)
    with zipfile.ZipFile(path) as archive:
        assert len(archive.namelist()) == 2 and all(n.startswith("otchet-") for n in archive.namelist())
