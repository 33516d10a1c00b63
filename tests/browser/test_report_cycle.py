"""A school head fills in and submits a report, the curator certifies it, the coordinator sees coverage change."""

from __future__ import annotations

import pytest

from tests.conftest import PASSWORD

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def coverage_cell(page, type_code: str) -> str:
    return page.locator(f"#coverage-table tr[data-type='{type_code}'] td.num").first.inner_text().replace("\xa0", " ")


def test_head_submits_curator_certifies_coordinator_sees_coverage(page, world):
    campaign, a1 = world.campaign, world.a1

    login(page, "t_coordinator", PASSWORD)
    page.goto(f"/campaigns/{campaign.code}/")
    assert coverage_cell(page, "pk_courses") == "0 (0 %)"

    login(page, "t_head", PASSWORD)
    page.goto("/")
    page.click(f"a[href='/campaigns/{campaign.code}/schools/{a1.pk}/']")
    page.click("text=Заполнить отчёт")
    entries = page.locator("fieldset.entry[data-entry]")
    assert entries.count() == 3
    for i in range(entries.count()):
        entry = entries.nth(i)
        entry.locator("input[type=radio][value=done]").check()
        entry.locator("textarea").first.fill(f"Выполнено, участвовали {i + 3} педагога")
    first = entries.nth(0)
    first.locator("select[name$='-ev-kind']").select_option("order")
    first.locator("input[name$='-ev-number']").fill("52")
    first.locator("input[name$='-ev-title']").fill("О направлении на курсы")
    page.fill("input[name^='ind']", "41,5")
    page.click("button[name=save]")
    assert "Изменения сохранены" in page.content()
    page.click("button[name=submit]")
    assert "отправлен куратору" in page.locator(".messages").inner_text()
    assert page.locator("#report-status").inner_text() == "отправлен, ждёт заверения куратором"

    login(page, "t_curator", PASSWORD)
    page.goto("/queue/")
    page.click("text=Проверить и заверить")
    assert "Приказ № 52 «О направлении на курсы»" in page.content()
    page.click("button:has-text('Заверить отчёт')")
    assert page.locator("#report-status").inner_text() == "заверен куратором"

    login(page, "t_coordinator", PASSWORD)
    page.goto(f"/campaigns/{campaign.code}/")
    assert coverage_cell(page, "pk_courses") == "1 (33,3 %)"
    assert coverage_cell(page, "parent_education") == "1 (33,3 %)"
    page.click("#coverage-table tr[data-type='pk_courses'] a")
    assert "Курсы повышения квалификации учителей математики" in page.content()
