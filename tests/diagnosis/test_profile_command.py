import json
from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from shnor.diagnosis import door
from shnor.diagnosis.door import NeedInput
from shnor.monitoring.models import Indicator, IndicatorValue


def _profile(school: str) -> dict:
    out = StringIO()
    call_command("profile", school=school, as_json=True, stdout=out)
    return json.loads(out.getvalue())


def test_it_prints_the_schools_needs_and_outcomes_as_one_json_object(world):
    door.add_need(world.a1, world.users["curator"], NeedInput("deficit", "Дефицит оценочных компетенций", period_text="2021/2022 учебный год",
                                                              source_name="Справка ЦНППМ", source_place="таблица 3"))
    door.add_need(world.a1, world.users["curator"], NeedInput("risk", "Дефицит педагогических кадров"))
    IndicatorValue.objects.create(indicator=Indicator.objects.get(code="quality"), school=world.a1, campaign=world.campaign,
                                  period_start=date(2021, 9, 1), period_end=date(2021, 12, 31), value=41.5)
    profile = _profile("Альфа СОШ")
    assert set(profile) == {"school", "causes", "deficits", "risks", "recommendations", "decisions", "outcomes"}
    assert profile["school"]["id"] == world.a1.pk
    deficit = profile["deficits"][0]
    assert (deficit["text"], deficit["group"], deficit["period"]) == ("Дефицит оценочных компетенций", "оценочные компетенции", "2021/2022 учебный год")
    assert deficit["source"] == "визит куратора; «Справка ЦНППМ», таблица 3"
    assert profile["risks"][0]["code"] == "R2"
    assert profile["outcomes"][0]["indicator"] == "quality" and profile["outcomes"][0]["values"][0]["value"] == "41.5"


def test_it_finds_a_school_by_id_and_refuses_an_ambiguous_or_unknown_name(world):
    assert _profile(str(world.b1.pk))["school"]["short_name"] == "МБОУ СОШ № 2"
    with pytest.raises(CommandError, match="несколько школ"):
        _profile("МБОУ")
    with pytest.raises(CommandError, match="не найдена"):
        _profile("Гимназия № 99")


def test_it_includes_the_recommendations_addressed_to_the_school(world):
    from shnor.actions import door as actions_door

    actions_door.create(world.users["coordinator"], kind="recommendation", region=world.region, campaign=world.campaign,
                        text="провести мероприятия по направлению", addressee_text="Образовательным организациям: МБОУ «Альфа СОШ»",
                        school_ids=[world.a1.pk], deadline_text="до 01.12.2021")
    profile = _profile(str(world.a1.pk))
    assert [r["text"] for r in profile["recommendations"]] == ["провести мероприятия по направлению"]
    assert profile["recommendations"][0]["deadline_text"] == "до 01.12.2021" and profile["decisions"] == []
    assert _profile(str(world.b1.pk))["recommendations"] == []
