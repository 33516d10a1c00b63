"""Daily work in the browser: a forgiving report form, the leave-page warning, a remark per entry, bulk accept."""

from __future__ import annotations

import pytest
from django.utils import timezone

from shnor.monitoring.models import SchoolReport
from tests.conftest import PASSWORD

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def pdf(name: str) -> dict:
    return {"name": name, "mimeType": "application/pdf", "buffer": b"%PDF-1.4 " + name.encode()}


def test_the_form_forgives_warns_shows_entry_remarks_and_reports_are_accepted_at_once(page, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    campaign, a1 = world.campaign, world.a1
    quality = campaign.indicators.get(code="quality")
    edit = f"/campaigns/{campaign.code}/schools/{a1.pk}/edit/"

    login(page, "t_head", PASSWORD)
    page.goto(edit)
    entries = page.locator("fieldset.entry[data-entry]")
    for i in range(entries.count()):
        entries.nth(i).locator("input[type=radio][value=done]").check()
        entries.nth(i).locator("textarea[name$='-result']").fill(f"Выполнено, участвовали {i + 3} педагога")
    entries.nth(0).locator("input[type=file]").set_input_files(pdf("prikaz.pdf"))
    entries.nth(1).locator("input[type=file]").set_input_files(pdf("protokol.pdf"))
    page.fill(f"input[name=ind{quality.pk}]", "120")
    page.click("button[name=save]")

    # The error is summarised at the top, the field has the focus, and both files are kept in the draft.
    assert "больше 100 %" in page.locator("#form-errors").inner_text()
    assert page.evaluate("document.activeElement.name") == f"ind{quality.pk}"
    saved = page.locator(".evidence-saved").all_inner_texts()
    assert any("prikaz.pdf" in s for s in saved) and any("protokol.pdf" in s for s in saved)
    page.fill(f"input[name=ind{quality.pk}]", "42")
    page.click("button[name=save]")
    assert "Изменения сохранены" in page.locator(".messages").inner_text()
    assert page.locator(".evidence-saved").count() == 2

    # Leaving a changed form asks first; staying keeps the typing.
    dialogs = []

    def stay(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", stay)
    entries.nth(2).locator("input[name$='-ev-number']").fill("77")
    page.click("text=← к отчёту")
    page.wait_for_timeout(500)
    assert dialogs == ["beforeunload"] and page.url.endswith(edit)
    page.remove_listener("dialog", stay)
    page.click("button[name=submit]")
    assert page.locator("#report-status").inner_text() == "отправлен, ждёт заверения куратором"

    # The curator returns the report with a remark on the first entry; the head sees it beside that entry.
    report = SchoolReport.objects.get(campaign=campaign, school=a1)
    first = report.entries.order_by("order", "pk").first()
    login(page, "t_curator", PASSWORD)
    page.goto(f"/campaigns/{campaign.code}/schools/{a1.pk}/")
    page.fill(f"textarea[name=remark-{first.pk}]", "Приложите приказ о КПК")
    page.click("summary:has-text('Вернуть на доработку')")
    page.click("button:has-text('Вернуть с замечаниями')")
    assert page.locator("#report-status").inner_text() == "возвращён на доработку"
    login(page, "t_head", PASSWORD)
    page.goto(edit)
    assert "Приложите приказ о КПК" in page.locator(f"fieldset[data-entry='{first.pk}'] .entry-remark").inner_text()

    # The coordinator accepts several certified reports at once from the home page.
    for school in (world.a2, world.b1):
        SchoolReport.objects.create(campaign=campaign, school=school, status="certified", certified_at=timezone.now())
    login(page, "t_coordinator", PASSWORD)
    page.goto("/")
    assert page.locator("#bulk-accept input[name=report]").count() == 2
    page.click("button:has-text('Принять отмеченные')")
    assert "Принято: 2 отчёта" in page.locator(".messages").inner_text().replace("\xa0", " ")
    assert set(SchoolReport.objects.filter(school__in=[world.a2, world.b1]).values_list("status", flat=True)) == {"accepted"}
