"""The review of a batch of several schools' reports — files with their schools, rows with their planned match,
causes and recommendations — on a phone and a laptop: no sideways scrolling, every field labelled (axe), Russian."""

from __future__ import annotations

import pytest

from tests.conftest import PASSWORD

from .conftest import login
from .test_every_page import check_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_review_of_a_batch_works_at_390_and_1366_px(page, world):
    from axe_playwright_python.sync_playwright import Axe

    from shnor.intake import services
    from tests.intake.test_commit_kinds import REPORT

    batch, _ = services.create_batch(world.campaign, None, [services.Upload("alfa.txt", REPORT.encode()),
                                                            services.Upload("beta.txt", REPORT.replace("МБОУ «Альфа СОШ»", "МБОУ Бета ООШ").encode())],
                                     world.users["coordinator"])
    services.start_reading(batch)
    login(page, "t_coordinator", PASSWORD)
    axe, problems = Axe(), []
    for width in (390, 1366):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"/intake/{batch.pk}/")
        assert "нет в плане" in page.content() and "Причины, дефициты, риски" in page.content()
        problems += check_page(page, axe, f"/intake/{batch.pk}/", width)
        for select in page.locator("#files select").all():  # each file's school is on the screen, not in a sideways scroll
            box = select.bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= width, f"{width} px: {box}"
    assert not problems, "\n".join(problems)
    page.check("input[name=certified]")
    page.click("button[name=commit]")
    assert "Заверено по документу: 2" in page.locator(".messages").inner_text()
