"""End to end in headless Chromium: a coordinator opens the campaign, previews the справка, issues it and downloads it."""

from __future__ import annotations

from io import BytesIO

import pytest

from ..conftest import PASSWORD


@pytest.mark.browser
def test_a_coordinator_generates_and_downloads_the_spravka_from_the_campaign_page(page, transactional_db, world):
    from docx import Document

    from shnor.actions.models import Action
    from shnor.analysis.models import IssuedReport
    from tests.analysis.test_views import report

    report(world.campaign, world.a1, "pk_courses", "pedagogical_council", "quality_monitoring", "individual_work")
    report(world.campaign, world.b1, "pk_courses", "open_lessons")
    page.set_default_timeout(30000)

    page.goto("/login/")
    page.fill("input[name=username]", world.users["coordinator"].username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login/" not in url)

    page.goto(f"/campaigns/{world.campaign.code}/")
    page.click("text=Аналитическая справка")
    page.wait_for_selector("#spravka-preview")
    preview = page.inner_text("#spravka-preview")
    assert "Аналитическая справка" in preview and "Управленческие решения" in preview

    with page.expect_download() as draft:
        page.click("#download-draft-docx")
    assert draft.value.suggested_filename.endswith(".docx")

    page.fill("input[name=author_name]", "О. Координатова")
    page.fill("input[name=author_position]", "начальник отдела мониторинга")
    page.click("#issue-button")
    page.wait_for_selector("#issued-table a.issued-docx")
    assert "Справка выпущена (версия 1)" in page.inner_text(".messages")

    with page.expect_download() as issued:
        page.click("#issued-table a.issued-docx")
    data = open(issued.value.path(), "rb").read()
    text = "\n".join(p.text for p in Document(BytesIO(data)).paragraphs)
    assert "Аналитическая справка" in text and "О. Координатова, начальник отдела мониторинга" in text
    assert IssuedReport.objects.filter(campaign=world.campaign).count() == 1
    assert Action.objects.filter(campaign=world.campaign).exists()
