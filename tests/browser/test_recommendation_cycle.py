"""In Chromium: the regional coordinator's справка addresses a recommendation to a municipality; that municipality's
coordinator marks it done with an order as evidence; the next campaign's справка reports it done."""

from __future__ import annotations

from datetime import date

import pytest

from ..conftest import PASSWORD
from .conftest import login


@pytest.mark.browser
def test_a_municipality_marks_its_recommendation_done_and_the_next_spravka_shows_it(page, transactional_db, world, tmp_path):
    from shnor.actions import door
    from shnor.monitoring.models import Campaign

    text = "взять на контроль реализацию дорожной карты МБОУ «Альфа СОШ»"
    item = door.create(world.users["coordinator"], kind="recommendation", region=world.region, campaign=world.campaign, text=text,
                       addressee_text="Органу местного самоуправления в сфере образования (Первый район)", deadline_text="до 01.12.2021",
                       source="аналитическая справка «Тестовый мониторинг», версия 1")
    following = Campaign.objects.create(code="test-2022-h1", title="Тестовый мониторинг, II полугодие 2021/2022", region=world.region,
                                        period_start=date(2022, 1, 1), period_end=date(2022, 5, 31), framework=world.framework,
                                        due_date=date(2022, 6, 10), previous=world.campaign)
    following.schools.set([world.a1, world.a2, world.b1])
    order = tmp_path / "prikaz-125.pdf"
    order.write_bytes(b"%PDF-1.4 order")

    # The observer sees the item but no button; the other municipality does not see it.
    login(page, world.users["observer"].username, PASSWORD)
    page.goto("/tasks/")
    assert text in page.inner_text(f"#task-{item.pk}") and page.locator(f"#task-{item.pk} summary").count() == 0
    login(page, world.users["municipal2"].username, PASSWORD)
    page.goto("/tasks/")
    assert page.locator(f"#task-{item.pk}").count() == 0

    login(page, world.users["municipal"].username, PASSWORD)
    page.goto("/")
    page.click(f"text={text}")
    row = page.locator(f"#task-{item.pk}")
    row.locator("summary").click()
    row.locator("select[name=status]").select_option("done")
    row.locator("textarea[name=note]").fill("Проведено совещание с руководителем школы")
    row.locator("input[name=order_number]").fill("125")
    row.locator("input[name=order_date]").fill("15.11.2021")
    row.locator("input[name=evidence_file]").set_input_files(str(order))
    row.locator("button[type=submit]").click()
    page.wait_for_selector(".messages")
    assert "Отмечено: «выполнено»" in page.inner_text(".messages")
    assert "приказ от 15.11.2021 № 125" in page.inner_text(f"#task-{item.pk}")
    assert "выполнено" in page.inner_text(f"#task-{item.pk} .badge")

    login(page, world.users["coordinator"].username, PASSWORD)
    page.goto(f"/campaigns/{following.code}/spravka/")
    page.wait_for_selector("#spravka-preview")
    preview = page.inner_text("#spravka-preview")
    assert "Исполнение рекомендаций и управленческих решений предыдущего периода" in preview
    assert "выполнено 1 из 1" in preview.replace("\u00a0", " ")
    assert "приказ от 15.11.2021 № 125" in preview and text in preview
