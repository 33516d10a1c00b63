"""A document's indicators through the API: a level with the level before it (`indicator-values`, `previous`), and a
change stated without a level (`indicator-changes`), each only for the schools the caller sees."""

from __future__ import annotations

from decimal import Decimal

from shnor.monitoring import workflow

from .conftest import open_report


def test_a_stated_change_and_a_level_with_its_previous_come_through_the_api(world, api):
    quality, failing = (world.campaign.indicators.get(code=code) for code in ("quality", "failing"))
    report = open_report(world)
    workflow.import_into_report(
        report, world.users["head"], [], [workflow.ImportedValue(failing, "", Decimal("10"), previous=Decimal("28"))], source="otchet.docx",
        changes=[workflow.ImportedChange(quality, "", Decimal("-3"), "п.п.", "снизилось на 3 п.п.")])

    changes = api.get("curator", "/api/v1/indicator-changes/", {"campaign": world.campaign.code}).json()
    assert changes["count"] == 1
    change = changes["results"][0]
    assert {k: change[k] for k in ("indicator", "indicator_name", "school", "campaign", "amount", "unit", "text")} == {
        "indicator": "quality", "indicator_name": quality.name, "school": world.a1.pk, "campaign": world.campaign.code,
        "amount": -3.0, "unit": "п.п.", "text": "снизилось на 3 п.п."}
    assert api.get("curator", f"/api/v1/indicator-changes/{change['id']}/").json() == change
    assert api.get("curator", "/api/v1/indicator-changes/", {"indicator": "failing"}).json()["count"] == 0

    values = api.get("curator", "/api/v1/indicator-values/", {"indicator": "failing", "school": world.a1.pk}).json()["results"]
    assert [(v["value"], v["previous"]) for v in values] == [(10.0, 28.0)]

    # Another municipality's head sees neither; a filter naming the school does not widen the scope.
    assert api.get("head_b1", "/api/v1/indicator-changes/", {"school": world.a1.pk}).json()["count"] == 0
    response = api.get("head_b1", f"/api/v1/indicator-changes/{change['id']}/")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
