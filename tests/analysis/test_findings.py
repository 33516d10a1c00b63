"""Each finding rule on small hand-made cases: it fires, it does not fire, its text; Russian agreement; and the demo
region's rules reproducing the conclusions of the Bryansk sample (no database)."""

from __future__ import annotations

from datetime import date

import pytest

from shnor.core.analysis import analyse
from shnor.core.findings import RULES, Context, count_in, generate, lower_first, next_report_due, verb
from shnor.core.russian import normalize_spaces

from . import bryansk_data
from .cases import campaign, done, many, not_done, value


def run(rule: str, data, previous=None, context=None):
    _kind, _fires, fn = RULES[rule]
    return [normalize_spaces(f.text) for f in fn(analyse(data, previous), context or Context())]


def found(rule: str, data, previous=None, context=None):
    _kind, _fires, fn = RULES[rule]
    return fn(analyse(data, previous), context or Context())


# --- Russian ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("n, case, expected", [
    (1, "loct", "1 школе"), (2, "loct", "2 школах"), (5, "loct", "5 школах"), (21, "loct", "21 школе"), (11, "loct", "11 школах"),
    (16, "gent", "16 школ"), (1, "gent", "1 школы"), (3, "datv", "3 школам"), (2, "nomn", "2 школы"),
])
def test_it_puts_the_counted_noun_in_the_right_case_and_number(n, case, expected):
    assert normalize_spaces(count_in(n, "школа", case)) == expected


def test_it_agrees_the_verb_with_the_number():
    assert [verb(n, "отстаёт", "отстают") for n in (1, 2, 5, 11, 21)] == ["отстаёт", "отстают", "отстают", "отстают", "отстаёт"]


def test_it_lowers_only_ordinary_capitals():
    assert lower_first("Курсы повышения квалификации") == "курсы повышения квалификации"
    assert lower_first("ВСОКО") == "ВСОКО"


# --- conclusions -----------------------------------------------------------------------------------------


def test_reports_and_completion_states_the_counts_of_reports_plans_and_evidence():
    data = campaign([done(1, "pk_courses"), done(2, "pk_courses", has_evidence=False), not_done(2, "mentoring"),
                     done(3, "open_lessons", planned=False)], reported={1, 2, 3})
    [text] = run("reports_and_completion", data)
    assert text.startswith("отчёты, заверенные руководителем ОО и куратором, представили 3 из 4 школ (75 %)")
    assert "выполнено 2 из 3 запланированных мероприятий (66,7 %)" in text
    assert "сверх плана проведено ещё 1 мероприятие" in text
    assert "по 2 из 3 выполненных мероприятий (66,7 %)" in text
    assert "в основном" not in text  # 66,7 % is below the 90 % of «в основном в установленные сроки»


def test_reports_and_completion_says_all_when_every_school_reported_and_did_its_plan():
    [text] = run("reports_and_completion", campaign([done(n, "pk_courses") for n in (1, 2, 3, 4)]))
    assert "представили все школы: 4 (100 %)" in text and "в полном объёме" in text


def test_active_direction_fires_with_two_types_done_by_three_quarters_of_schools():
    data = campaign([done(n, "pk_courses") for n in (1, 2, 3, 4)] + [done(n, "open_lessons") for n in (1, 2, 3)])
    [text] = run("active_direction", data)
    assert text == ("активно ведётся работа по направлению «совершенствование компетенций учителей»: "
                    "курсы повышения квалификации педагогов — 4 (100 %), мастер-классы, открытые уроки — 3 (75 %)")


def test_active_direction_does_not_fire_with_one_strong_type():
    assert run("active_direction", campaign([done(n, "pk_courses") for n in (1, 2, 3, 4)] + [done(1, "open_lessons")])) == []


def test_individual_approach_names_pupils_or_parents_by_what_reached_half_of_schools():
    [text] = run("individual_approach", campaign([done(1, "individual_work"), done(2, "individual_work")]))
    assert text == "большое внимание уделяется индивидуальному подходу в работе с обучающимися: индивидуальная работа с обучающимися — 2 (50 %)"
    assert run("individual_approach", campaign([done(1, "individual_work")])) == []


def test_systemic_work_names_the_schools_in_the_prepositional_case():
    data = campaign([done(1, "pedagogical_council"), done(1, "quality_monitoring"), done(3, "pedagogical_council"), done(3, "quality_monitoring"),
                     done(4, "teacher_psych_support"), done(4, "student_psych_support"), done(2, "pedagogical_council")])
    texts = run("systemic_work", data)
    assert texts == [
        "принятие управленческих решений на основе результатов мониторинга в системе ведётся в 2 школах: МБОУ «Альфа СОШ», МБОУ СОШ № 3",
        "системная работа по обеспечению психолого-педагогического сопровождения учителей и обучающихся ведётся в МКОУ «Гамма ООШ»",
    ]
    assert run("systemic_work", campaign([done(2, "pedagogical_council"), done(4, "student_psych_support")])) == []


def test_forms_of_work_says_traditional_forms_dominate_with_their_share():
    [text] = run("forms_of_work", campaign([done(1, "pk_courses"), done(2, "pk_courses"), done(3, "open_lessons"), done(1, "mentoring")]))
    assert text.startswith("в работе школ преобладают традиционные (репродуктивные) формы")
    assert "формы: традиционные" not in text
    assert "— 3 из 4 мероприятий (75 %)" in text and "— 1 мероприятие (25 %), их применяет 1 из 4 школ (25 %)" in text


def test_forms_of_work_does_not_claim_dominance_when_balanced_and_is_silent_without_entries():
    [text] = run("forms_of_work", campaign([done(1, "pk_courses"), done(2, "mentoring")]))
    assert text.startswith("традиционные и интерактивные формы работы представлены соразмерно")
    assert run("forms_of_work", campaign([done(1, "individual_work")])) == []


def test_coverage_dynamics_lists_types_that_changed_by_two_schools_or_more():
    before = campaign([done(1, "mentoring"), done(2, "mentoring"), done(1, "pk_courses")], code="c1")
    after = campaign([done(n, "pk_courses") for n in (1, 2, 3)] + [done(1, "mentoring"), done(1, "open_lessons")])
    [text] = run("coverage_dynamics", after, before)
    assert "по 4 школам, представившим отчёты в оба периода" in text
    assert "выросло число школ, в которых проводятся: курсы повышения квалификации педагогов (с 1 до 3)" in text
    assert "мастер-классы" not in text  # one school more is below the threshold
    assert run("coverage_dynamics", after) == []  # no previous campaign


def test_indicator_dynamics_gives_means_of_percentages_and_sums_of_counts():
    before = campaign([done(1, "pk_courses")], code="c1", indicators=[value(1, "quality", 35.2), value(2, "quality", 35.8),
                                                                   value(1, "failing", 28, "чел.", False, 0), value(2, "failing", 3, "чел.", False, 0)])
    after = campaign([done(1, "pk_courses")], indicators=[value(1, "quality", 36.5), value(2, "quality", 36.7),
                                                          value(1, "failing", 10, "чел.", False, 0), value(2, "failing", 4, "чел.", False, 0)])
    [text] = run("indicator_dynamics", after, before)
    assert "качество знаний (в среднем по школам) — 35,5 % → 36,6 % (+1,1 п.п.)" in text
    assert "количество неуспевающих обучающихся (всего) — 31 → 14 чел. (−17)" in text
    # school 2: quality up, failing up — one each way, so neither improved nor worsened overall
    assert text.endswith("в целом улучшила показатели 1 школа")


# --- remarks ---------------------------------------------------------------------------------------------


def test_missing_reports_names_the_schools_with_agreement():
    [text] = run("missing_reports", campaign([done(1, "pk_courses")], reported={1, 2, 3}))
    assert text == "не представила заверенные отчёты 1 школа из 4: МКОУ «Гамма ООШ»"
    assert run("missing_reports", campaign([done(1, "pk_courses")])) == []


def test_lagging_schools_gives_the_reason_with_its_numbers():
    [text] = run("lagging_schools", campaign([done(1, "pk_courses"), done(1, "pedagogical_council"), done(1, "individual_work"),
                                              done(2, "pk_courses"), not_done(2, "mentoring")], schools=(1, 2)))
    assert text == ("отстаёт в реализации дорожных карт 1 школа: МБОУ Бета ООШ (не ведётся работа по 2 из 3 направлений; "
                    "выполнено 1 из 2 запланированных мероприятий)")


def test_key_practice_gap_fires_below_half_of_schools_and_says_what_to_build():
    texts = run("key_practice_gap", campaign([done(1, "quality_monitoring"), done(2, "teacher_psych_support"), done(2, "student_psych_support"),
                                              done(3, "student_psych_support")]))
    assert texts == [
        "необходимо выстроить ВСОКО в ОО: мониторинг качества образования (ВСОКО) — 1 (25 %)",
        "планировать работу по психолого-педагогическому сопровождению учителей и обучающихся: психолого-педагогическое сопровождение "
        "учителей — 1 (25 %), психолого-педагогическое сопровождение обучающихся — 2 (50 %), и то и другое — 1 (25 %)",
    ]
    half = campaign([done(1, "quality_monitoring"), done(2, "quality_monitoring")] + [done(n, t) for n in (1, 2) for t in ("teacher_psych_support", "student_psych_support")])
    assert run("key_practice_gap", half) == []


def test_planned_not_done_counts_entries_by_type():
    [text] = run("planned_not_done", campaign([not_done(1, "mentoring"), not_done(2, "mentoring", "postponed"), not_done(2, "student_projects"),
                                               done(3, "pk_courses")]))
    assert text == ("не выполнено или перенесено 3 запланированных мероприятия в 2 школах: МБОУ «Альфа СОШ», МБОУ Бета ООШ; "
                    "по видам: наставничество — 2, проектная деятельность обучающихся — 1")
    assert run("planned_not_done", campaign([done(1, "pk_courses")])) == []


def test_no_evidence_fires_for_done_entries_without_documents():
    [text] = run("no_evidence", campaign([done(1, "pk_courses", has_evidence=False), done(2, "pk_courses")]))
    assert text == "не подтверждено документами 1 выполненное мероприятие в МБОУ «Альфа СОШ»"
    assert run("no_evidence", campaign([done(1, "pk_courses")])) == []


# --- decisions -------------------------------------------------------------------------------------------


def test_decisions_carry_who_and_by_when():
    data = campaign([done(1, "pk_courses")])
    [correction] = found("roadmap_correction", data)
    assert (correction.responsible, normalize_spaces(correction.deadline_text), correction.deadline) == (
        "руководители ОО, кураторы", "с 1 сентября 2021 г.", date(2021, 9, 1))
    [training] = found("key_practice_training", data)
    assert normalize_spaces(training.text) == ("ЦНППМ запланировать практикумы с руководителями образовательных организаций по вопросам "
                                               "формирования ВСОКО и обеспечения психолого-педагогического сопровождения учителей и обучающихся")
    assert training.deadline == date(2021, 10, 1)
    [help_] = found("individual_help", data, context=Context(author="О. Г. Викульева"))
    assert help_.text.startswith("региональному координатору (О. Г. Викульева)") and help_.deadline_text == "постоянно"
    [report] = found("next_report", data, context=Context(next_due=date(2022, 1, 20)))
    assert normalize_spaces(report.deadline_text) == "до 20 января 2022 г."


def test_training_and_help_do_not_fire_when_practices_are_in_place_and_nobody_lags():
    entries = [done(n, t) for n in (1, 2) for t in ("pk_courses", "pedagogical_council", "quality_monitoring", "teacher_psych_support", "student_psych_support")]
    data = campaign(entries, schools=(1, 2))
    assert found("key_practice_training", data) == [] and found("individual_help", data) == []


def test_the_next_report_is_due_in_the_sixth_month_after_the_period_without_a_next_campaign():
    assert next_report_due(date(2021, 6, 30), None) == date(2021, 12, 1)
    assert next_report_due(date(2021, 12, 31), None) == date(2022, 6, 1)


# --- recommendations -------------------------------------------------------------------------------------


def test_recommendations_address_municipalities_schools_and_curators_by_name():
    data = campaign([done(1, "pk_courses"), done(1, "pedagogical_council"), done(1, "quality_monitoring"), done(1, "individual_work", has_evidence=False),
                     done(2, "pk_courses"), done(3, "pedagogical_council"), done(3, "individual_work"), done(3, "pk_courses")], reported={1, 2, 3})
    [muni1, muni2] = found("municipal_control", data)
    assert muni1.addressee == "Органу местного самоуправления в сфере образования (Второй район)"
    assert muni1.text == "взять на контроль реализацию дорожной карты МКОУ «Гамма ООШ»; обеспечить представление заверенных отчётов"
    assert muni2.text.startswith("взять на контроль реализацию дорожной карты МБОУ Бета ООШ; оказать помощь")
    empty = found("school_empty_direction", data)
    assert [(f.key, f.addressee) for f in empty] == [("motivation", "Образовательным организациям: МБОУ Бета ООШ"),
                                                     ("failure", "Образовательным организациям: МБОУ Бета ООШ")]
    [share] = found("school_share_practice", data)
    assert share.addressee == "Образовательным организациям: МБОУ «Альфа СОШ»"
    [curators] = found("curator_support", data)
    assert curators.addressee == "Кураторам МБОУ Бета ООШ"
    [evidence] = found("curator_evidence", data)
    assert evidence.addressee == "Кураторам МБОУ «Альфа СОШ»"


def test_nothing_is_generated_without_reports():
    assert generate(analyse(campaign([], reported=set()))) == []


def test_every_rule_declares_its_kind_and_when_it_fires():
    assert all(kind in ("conclusion", "remark", "decision", "recommendation") and fires for kind, fires, _ in RULES.values())


# --- the demo region reproduces the sample's conclusions ---------------------------------------------------


@pytest.fixture(scope="module")
def bryansk():
    a = analyse(bryansk_data.current(), bryansk_data.previous())
    return a, generate(a, Context(author="О. Г. Викульева"))


def texts(findings, kind):
    return [normalize_spaces(f.text) for f in findings if f.kind == kind]


def test_the_demo_names_dronovskaya_and_karpilovskaya_for_decisions_on_monitoring_data(bryansk):
    a, findings = bryansk
    assert a.names(a.systemic["monitoring_decisions"]) == ["МБОУ Дроновская СОШ имени Героя Советского Союза И.К.Хахерина", "МБОУ Карпиловская ООШ"]
    assert any(t.startswith("принятие управленческих решений на основе результатов мониторинга в системе ведётся в 2 школах: МБОУ Дроновская")
               for t in texts(findings, "conclusion"))


def test_the_demo_names_only_patsynskaya_for_systemic_psychological_support(bryansk):
    a, findings = bryansk
    assert a.names(a.systemic["psych_support"]) == ["МБОУ «Пацынская СОШ»"]
    assert ("системная работа по обеспечению психолого-педагогического сопровождения учителей и обучающихся ведётся в МБОУ «Пацынская СОШ»"
            in texts(findings, "conclusion"))


def test_the_demo_remarks_that_vsoko_must_be_built_and_psychological_support_planned(bryansk):
    _, findings = bryansk
    remarks = texts(findings, "remark")
    assert "необходимо выстроить ВСОКО в ОО: мониторинг качества образования (ВСОКО) — 3 (18,8 %)" in remarks
    assert any(r.startswith("планировать работу по психолого-педагогическому сопровождению учителей и обучающихся") for r in remarks)


def test_the_demo_has_the_samples_conclusions_on_teachers_and_individual_work(bryansk):
    _, findings = bryansk
    conclusions = texts(findings, "conclusion")
    assert any(c.startswith("активно ведётся работа по направлению «реализация мероприятий по совершенствованию компетенций учителей»: "
                            "курсы повышения квалификации педагогов — 16 (100 %)") for c in conclusions)
    assert any(c.startswith("большое внимание уделяется индивидуальному подходу в работе с обучающимися и родителями") for c in conclusions)


def test_the_demo_decisions_follow_the_sample(bryansk):
    _, findings = bryansk
    decisions = {f.rule: f for f in findings if f.kind == "decision"}
    assert list(decisions) == ["roadmap_correction", "key_practice_training", "individual_help", "next_report"]
    assert decisions["roadmap_correction"].deadline == date(2021, 9, 1)
    assert decisions["key_practice_training"].deadline == date(2021, 10, 1)
    assert decisions["next_report"].deadline == date(2021, 12, 1)  # no next campaign in these records


# --- long lists of schools: the first ones in the text, all of them in the appendix ------------------------


def test_a_list_of_more_than_fifteen_schools_names_five_and_refers_to_the_appendix():
    [f] = found("missing_reports", many(40, reported=10))
    assert normalize_spaces(f.text) == ("не представили заверенные отчёты 30 школ из 40: МБОУ СОШ № 11, МБОУ СОШ № 12, МБОУ СОШ № 13, "
                                        "МБОУ СОШ № 14, МБОУ СОШ № 15 и ещё 25 школ — см. приложение")
    assert f.school_ids == list(range(11, 41)) and f.data["appendix"] == "не представлен заверенный отчёт"


def test_fifteen_schools_are_still_named_in_the_text():
    [f] = found("missing_reports", many(25, reported=10))
    assert "МБОУ СОШ № 25" in f.text and "приложение" not in f.text and "appendix" not in f.data


def test_the_count_of_the_other_schools_agrees_in_the_case_the_sentence_needs():
    # 26 schools: the text names 5 and counts the other 21 (one, not many: «21 школа»).
    entries = [e for i in range(1, 27) for e in (done(i, "pk_courses", has_evidence=False), not_done(i, "mentoring"), not_done(i, "student_projects"))]
    data = many(26, reported=26, entries=entries)
    [no_evidence] = run("no_evidence", data)
    assert no_evidence.endswith("в 26 школах: МБОУ СОШ № 1, МБОУ СОШ № 2, МБОУ СОШ № 3, МБОУ СОШ № 4, МБОУ СОШ № 5 и ещё в 21 школе — см. приложение")
    [curators] = found("curator_evidence", data)
    assert normalize_spaces(curators.addressee).endswith("МБОУ СОШ № 5 и ещё 21 школы (см. приложение)")
    lagging = found("lagging_schools", data)[0]
    assert normalize_spaces(lagging.text).startswith("отстают в реализации дорожных карт 26 школ: МБОУ СОШ № 1 (выполнено 1 из 3 запланированных")
    assert normalize_spaces(lagging.text).endswith("и ещё 21 школа — см. приложение")
    [empty] = found("school_empty_direction", data)
    assert normalize_spaces(empty.addressee).endswith("МБОУ СОШ № 5 и ещё 21 школе (см. приложение)")
    assert all(f.data.get("appendix") for f in (curators, lagging, empty))


def test_the_appendix_says_what_each_finding_says_of_each_school():
    from shnor.core.findings import appendix_notes

    entries = [e for i in range(1, 21) for e in (done(i, "pk_courses", has_evidence=False), not_done(i, "mentoring"), not_done(i, "student_projects"))]
    a = analyse(many(20, reported=20, entries=entries))
    [lagging] = RULES["lagging_schools"][2](a, Context())
    notes = dict(appendix_notes(a, lagging))
    assert set(notes) == set(range(1, 21))
    assert normalize_spaces(notes[7]) == "отстаёт в реализации дорожной карты: выполнено 1 из 3 запланированных мероприятий"
    [no_evidence] = RULES["no_evidence"][2](a, Context())
    assert dict(appendix_notes(a, no_evidence))[3] == "не подтверждены документами выполненные мероприятия: 1"
    [completion] = RULES["reports_and_completion"][2](a, Context())
    assert list(appendix_notes(a, completion)) == []  # names no school
