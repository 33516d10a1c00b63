from shnor.core import needs
from shnor.core.findings import count_in
from shnor.core.needs import ActivityText, NeedRecord


def test_it_classifies_typical_wordings_into_the_catalogue():
    assert needs.classify("дефицит педагогических кадров", "cause").code == "staff_shortage"
    assert needs.classify("Высокая доля обучающихся с рисками учебной неуспешности", "cause").code == "failure_risk_pupils"
    assert needs.classify("Группа 3 «Оценочные компетенции»: затруднения в объективном оценивании", "deficit").code == "assessment_deficit"
    assert needs.classify("Недостаточная предметная и методическая компетентность", "risk").code == "R3"


def test_it_leaves_an_unrelated_text_without_a_code_but_with_alternatives():
    match = needs.classify("погода плохая", "cause")
    assert match.code is None and match.confidence < needs.MATCH_MIN


def test_the_catalogue_has_four_competence_groups_and_the_risk500_profiles():
    groups = {i.group for i in needs.items_of("deficit")}
    assert groups == set(needs.GROUPS)
    assert needs.catalogue()["R2"].name == "Дефицит педагогических кадров"
    assert "pk_courses" in needs.catalogue()["R3"].activity_types


def test_it_suggests_activities_by_type_first_and_then_by_shared_words():
    activities = [ActivityText(1, "Родительское собрание", "parent_education"),
                  ActivityText(2, "Семинар по объективному оцениванию", "methodical_events"),
                  ActivityText(3, "Анализ результатов ВПР", "results_analysis")]
    found = needs.suggest("assessment_deficit", "затруднения в объективном оценивании", activities)
    assert [s.activity_id for s in found] == [3, 2]


def _needs():
    return [
        NeedRecord(1, "deficit", "assessment_deficit", "Дефицит оценочных компетенций", "assessment", frozenset({10}), frozenset({10})),
        NeedRecord(2, "deficit", "assessment_deficit", "Дефицит оценочных компетенций", "assessment", frozenset({20}), frozenset()),
        NeedRecord(3, "deficit", "assessment_deficit", "Дефицит оценочных компетенций", "assessment"),
        NeedRecord(3, "deficit", "assessment_deficit", "Дефицит оценочных компетенций", "assessment"),  # recorded twice
        NeedRecord(1, "cause", "low_motivation", "Низкая учебная мотивация обучающихся", "", frozenset({11}), frozenset({11})),
    ]


def test_needs_coverage_counts_schools_with_planned_and_done_measures():
    rows = needs.coverage(_needs())
    assert [(r.kind, r.code) for r in rows] == [("cause", "low_motivation"), ("deficit", "assessment_deficit")]
    deficit = rows[1]
    assert (deficit.schools, deficit.planned, deficit.done, deficit.unplanned) == ([1, 2, 3], [1, 2], [1], [3])


def test_a_school_is_fully_addressed_only_when_every_need_has_a_done_measure():
    assert needs.fully_addressed(_needs()) == [1]


def test_the_sentence_agrees_with_the_need_and_the_numbers():
    rows = needs.coverage(_needs())
    assert needs.describe(rows[1], count_in).replace("\xa0", " ") == ("дефицит оценочных компетенций выявлен в 3 школах, мероприятия по нему "
                                                 "запланированы в 2, проведены в 1")
    assert needs.describe(rows[0], count_in).replace("\xa0", " ").startswith("низкая учебная мотивация обучающихся выявлена в 1 школе, мероприятия по ней")


def test_a_risk_profile_named_like_a_cause_is_said_as_a_profile_and_zero_measures_are_said_in_words():
    said = [needs.describe(row, count_in).replace("\xa0", " ") for row in needs.coverage([
        NeedRecord(1, "cause", "low_motivation", "Низкая учебная мотивация обучающихся", "", frozenset({11}), frozenset({11})),
        NeedRecord(2, "risk", "low_motivation_risk", "Низкая учебная мотивация обучающихся", ""),
        NeedRecord(3, "risk", "low_motivation_risk", "Низкая учебная мотивация обучающихся", "", frozenset({30})),
        NeedRecord(1, "deficit", "assessment_deficit", "Дефицит оценочных компетенций", "assessment", frozenset(), frozenset({12})),
    ])]
    assert said == [
        "низкая учебная мотивация обучающихся выявлена в 1 школе, мероприятия по ней запланированы в 1, проведены в 1",
        "дефицит оценочных компетенций выявлен в 1 школе, мероприятия по нему не запланированы, проведены в 1",
        "рисковый профиль «низкая учебная мотивация обучающихся» выявлен в 2 школах, мероприятия по нему запланированы в 1, "
        "ещё не проведены",
    ]
    untouched = needs.coverage([NeedRecord(4, "deficit", "subject_deficit", "Дефицит предметных компетенций", "subject")])[0]
    assert needs.describe(untouched, count_in).replace("\xa0", " ") == "дефицит предметных компетенций выявлен в 1 школе, мероприятий по нему нет"
