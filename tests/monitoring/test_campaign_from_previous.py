"""«Создать кампанию на основе предыдущей»: the form comes filled from the previous campaign, the code is proposed."""

from __future__ import annotations

import re

from django.urls import reverse

from shnor.monitoring.models import Campaign


def test_the_form_is_filled_from_the_previous_campaign_with_the_period_and_due_date_shifted(world):
    url = reverse("campaign_create") + f"?from={world.campaign.code}"
    body = world.client("coordinator").get(url).content.decode()
    assert "на основе «Тестовый мониторинг" in body
    # September – December 2021 (four months) is followed by January – April 2022; the due date moves alike.
    assert 'name="period_start" value="2022-01-01"' in body and 'name="period_end" value="2022-04-30"' in body
    assert 'name="due_date" value="2022-05-20"' in body
    for school in (world.a1, world.a2, world.b1):
        assert re.search(rf'<input type="checkbox" name="schools" value="{school.pk}" class="check" id="id_schools_\d+" checked>', body)
    assert f'<option value="{world.campaign.pk}" selected>' in body  # previous


def test_an_empty_code_is_proposed_from_the_title_and_period(world):
    client = world.client("coordinator")
    data = {"code": "", "title": "Мониторинг ШНОР, I полугодие 2022 года", "region": world.region.pk, "period_start": "2022-01-01",
            "period_end": "2022-06-30", "framework": world.framework.pk, "due_date": "2022-07-20",
            "schools": [world.a1.pk, world.a2.pk], "previous": world.campaign.pk}
    assert client.post(reverse("campaign_create"), data).status_code == 302
    first = Campaign.objects.get(code="monitoring-shnor-i-polugodie-2022-goda-2022-01")
    assert first.previous == world.campaign and set(first.schools.all()) == {world.a1, world.a2}
    assert client.post(reverse("campaign_create"), data).status_code == 302
    assert Campaign.objects.filter(code="monitoring-shnor-i-polugodie-2022-goda-2022-01-2").exists()


def test_only_the_coordinator_of_the_previous_campaign_copies_it(world):
    url = reverse("campaign_create") + f"?from={world.campaign.code}"
    assert world.client("far_coordinator").get(url).status_code in (403, 404)
    assert world.client("head").get(url).status_code == 403
