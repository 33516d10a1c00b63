"""The demo's municipal roadmap in the browser: the municipal coordinator fills in and submits Рогнединский район's
own report, the regional coordinator certifies and accepts it; every new page fits 390 px and 1366 px."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from shnor.demo.bryansk import DEMO_PASSWORD

from .conftest import login
from .test_every_page import check_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
CAMPAIGN = "bryansk-2021-h2"


def checked(page, axe, path: str) -> list[str]:
    page.goto(path)
    problems = []
    for width in (390, 1366):
        page.set_viewport_size({"width": width, "height": 900})
        problems += check_page(page, axe, path, width)
    page.set_viewport_size({"width": 1366, "height": 900})
    return problems


def test_the_municipal_report_from_the_campaign_page_to_acceptance(page, live_server):
    from shnor.demo.load import load_demo
    from shnor.registry.models import Municipality

    load_demo()  # a transactional test before this one may have flushed the session's demo data
    page.set_default_timeout(60000)
    axe, problems = Axe(), []
    muni = Municipality.objects.get(name="Рогнединский район")
    detail = f"/campaigns/{CAMPAIGN}/municipalities/{muni.pk}/"

    login(page, "municipal", DEMO_PASSWORD)
    problems += checked(page, axe, f"/campaigns/{CAMPAIGN}/")
    assert "не начат" in page.locator("#municipal-coverage").inner_text()
    page.click("#municipal-coverage a")
    problems += checked(page, axe, detail)
    problems += checked(page, axe, f"/municipalities/{muni.pk}/roadmap/")
    page.goto(detail)
    page.click("text=Заполнить отчёт")
    problems += checked(page, axe, page.url.replace(live_server.url, ""))
    entries = page.locator("fieldset.entry[data-entry]")
    assert entries.count() == 2
    entries.nth(0).locator("input[type=radio][value=done]").check()
    entries.nth(0).locator("textarea").first.fill("Вебинар проведён 18.11.2021, участвовали заместители директоров 4 школ")
    entries.nth(1).locator("input[type=radio][value=postponed]").check()
    entries.nth(1).locator("textarea[name$='-reason']").fill("Карантин по ОРВИ, фестиваль перенесён на февраль 2022 года")
    page.click("text=Сохранить и отправить региональному координатору")
    assert "ждёт заверения региональным координатором" in page.locator("#report-status").inner_text()

    login(page, "coordinator", DEMO_PASSWORD)
    page.goto(detail)
    page.click("button:has-text('Заверить отчёт')")
    page.click("button:has-text('Принять отчёт')")
    assert page.locator("#report-status").inner_text() == "принят"
    problems += checked(page, axe, f"/campaigns/{CAMPAIGN}/")
    row = page.locator("#municipal-coverage tr").nth(1).inner_text().replace("\xa0", " ")
    assert "принят" in row and "1 (50 %)" in row

    login(page, "observer", DEMO_PASSWORD)
    problems += checked(page, axe, detail)
    assert page.locator("text=Принять отчёт").count() == 0
    problems += checked(page, axe, f"/campaigns/{CAMPAIGN}/documents/")
    assert not problems, "\n".join(problems)
