"""In headless Chromium, on a phone and a laptop: a form sent with a mistake comes back as it was typed, with the
error beside the field and that field focused — the справка's issue form, its new point, a recommendation's mark."""

from __future__ import annotations

from pathlib import Path

import pytest

from ..conftest import PASSWORD
from .conftest import login
from .test_every_page import check_page


def _fits_and_passes(page, axe, path: str) -> list[str]:
    problems = []
    for width in (390, 1366):
        page.set_viewport_size({"width": width, "height": 900})
        problems += check_page(page, axe, path, width)
    return problems


@pytest.mark.browser
def test_failed_forms_keep_what_was_typed_and_point_at_the_error(page, transactional_db, world):
    from axe_playwright_python.sync_playwright import Axe

    from shnor.actions import door
    from tests.analysis.test_views import report

    report(world.campaign, world.a1, "pk_courses", "pedagogical_council")
    item = door.create(world.users["coordinator"], kind="recommendation", region=world.region, campaign=world.campaign,
                       text="Взять на контроль проведение курсов", addressee_text="Органу местного самоуправления (Первый район)")
    page.set_default_timeout(30000)
    axe, problems = Axe(), []
    Path("/tmp/shnor-pages").mkdir(exist_ok=True)
    login(page, world.users["coordinator"].username, PASSWORD)

    spravka = f"/campaigns/{world.campaign.code}/spravka/"
    page.goto(spravka)
    page.fill("input[name=date]", "2026-12-05")
    page.fill("input[name=author_name]", " ")
    page.fill("input[name=author_position]", "начальник отдела мониторинга")
    page.click("#issue-button")
    assert "Справка не выпущена: Автор (подпись) — обязательное поле." in page.inner_text(".messages")
    assert page.input_value("input[name=date]") == "2026-12-05"
    assert page.input_value("input[name=author_position]") == "начальник отдела мониторинга"
    assert page.evaluate("document.activeElement.name") == "author_name"
    problems += _fits_and_passes(page, axe, "справка: выпуск с ошибкой")

    page.goto(spravka)
    add = page.locator("form[action$='/findings/add/']")
    add.locator("select[name=kind]").select_option("recommendation")
    add.locator("textarea[name=text]").fill("Семинары провели 1 (17 %) школа")
    add.locator("input[name=addressee]").fill("Отделу образования Первого района")
    add.locator("button[type=submit]").click()
    assert "Пункт не добавлен" in page.inner_text(".messages")
    assert page.input_value("form[action$='/findings/add/'] textarea[name=text]") == "Семинары провели 1 (17 %) школа"
    assert page.input_value("form[action$='/findings/add/'] input[name=addressee]") == "Отделу образования Первого района"
    assert page.evaluate("document.activeElement.name") == "text"
    problems += _fits_and_passes(page, axe, "справка: новый пункт с ошибкой")

    page.goto(spravka)
    point = page.locator("div.finding").first
    point.locator("summary").click()
    point.locator("textarea[name=text]").fill("Курсы прошли 1 (17 %) школа, уточнено вручную")
    point.locator("details button[type=submit]").click()
    assert "Пункт не сохранён" in page.inner_text(".messages")
    point = page.locator("div.finding:has(details[open])")
    assert point.locator("textarea[name=text]").input_value() == "Курсы прошли 1 (17 %) школа, уточнено вручную"
    assert page.evaluate("document.activeElement.name") == "text"
    problems += _fits_and_passes(page, axe, "справка: правка пункта с ошибкой")
    page.set_viewport_size({"width": 390, "height": 900})
    page.screenshot(path="/tmp/shnor-pages/failed-point-390.png")

    page.goto("/tasks/")
    row = page.locator(f"#task-{item.pk}")
    row.locator("summary").click()
    row.locator("textarea[name=note]").fill("Совещание назначено")
    row.locator("input[name=order_number]").fill("77-ОД")
    row.locator("input[name=order_date]").fill("31.02.2021")
    row.locator("button[type=submit]").click()
    assert "Дату приказа напишите так: 01.09.2021." in page.inner_text(".messages")
    row = page.locator(f"#task-{item.pk}")
    assert row.locator("textarea[name=note]").input_value() == "Совещание назначено"
    assert row.locator("input[name=order_number]").input_value() == "77-ОД"
    assert page.evaluate("document.activeElement.name") == "order_date"
    problems += _fits_and_passes(page, axe, "поручения: отметка с ошибкой")
    page.set_viewport_size({"width": 390, "height": 900})
    page.screenshot(path="/tmp/shnor-pages/failed-task-390.png")
    assert not problems, "\n".join(problems)
