"""The pure analysis core on small hand-made campaigns (no database)."""

from __future__ import annotations

from decimal import Decimal

from shnor.core.analysis import analyse, check_shares, infer_total

from .cases import campaign, done, not_done, value


def test_it_lists_each_schools_empty_directions_among_the_analysed_ones():
    a = analyse(campaign([done(1, "pk_courses"), done(1, "individual_work"), done(2, "pedagogical_council"), done(3, "pk_courses")]))
    assert [d.code for d in a.analysed] == ["teachers", "motivation", "failure"]
    assert [d.code for d in a.not_analysed] == ["management"]  # nobody planned or did anything there
    empty = {p.school.id: p.empty_directions for p in a.profiles}
    assert empty == {1: ["motivation"], 2: ["teachers", "failure"], 3: ["motivation", "failure"], 4: ["teachers", "motivation", "failure"]}


def test_it_counts_planned_not_done_unplanned_and_unevidenced_entries():
    a = analyse(campaign([done(1, "pk_courses"), not_done(1, "mentoring", "postponed"), done(1, "open_lessons", planned=False, has_evidence=False),
                          done(1, "individual_work", status="partial")]))
    p = a.profiles[0]
    assert (p.planned, p.planned_done, p.unplanned_done, p.without_evidence) == (3, 2, 1, 1)
    assert p.completion == Decimal("66.7")
    assert [e.activity_type for e in p.not_done] == ["mentoring"]


def test_it_finds_systemic_work_only_when_every_group_of_the_rule_is_done():
    a = analyse(campaign([
        done(1, "pedagogical_council"), done(1, "quality_monitoring"),  # decisions on monitoring data
        done(2, "pedagogical_council"),  # a council alone is not systemic
        done(3, "teacher_psych_support"), done(3, "student_psych_support"),  # support of both
        done(4, "student_psych_support"),
    ]))
    assert a.systemic == {"monitoring_decisions": [1], "psych_support": [3]}


def test_it_calls_a_school_lagging_when_most_directions_are_empty_or_little_is_done():
    entries = [done(1, "pk_courses"), done(1, "pedagogical_council"), done(1, "individual_work"),
               done(2, "pk_courses"),  # 2 of 3 directions empty: more than half → lagging
               done(3, "pk_courses"), done(3, "student_projects"), not_done(3, "mentoring"), not_done(3, "individual_work", "postponed"),
               not_done(3, "quality_monitoring")]  # 2 of 5 planned done: 40 % < 50 % → lagging
    a = analyse(campaign(entries, reported={1, 2, 3}))
    reasons = {lag.profile.school.id: lag.reasons for lag in a.lagging}
    assert reasons == {2: ["empty_directions"], 3: ["low_completion"], 4: ["no_report"]}


def test_it_does_not_call_a_school_lagging_with_half_of_the_directions_covered():
    a = analyse(campaign([done(1, "pk_courses"), done(1, "pedagogical_council"), done(2, "individual_work"), done(2, "pk_courses")],
                         schools=(1, 2)))
    assert a.lagging == []  # 1 of 3 directions empty each


def test_it_measures_forms_of_work_by_done_entries():
    a = analyse(campaign([done(1, "pk_courses"), done(2, "pk_courses"), done(3, "open_lessons"), done(1, "mentoring"),
                          not_done(4, "student_projects")]))
    assert a.forms.counts == {"traditional": 3, "interactive": 1, "other": 0}
    assert a.forms.traditional_share == Decimal(75)
    assert a.forms.traditional_dominate and a.forms.schools_interactive == 1


def test_it_does_not_call_forms_dominant_below_the_threshold():
    a = analyse(campaign([done(1, "pk_courses"), done(2, "mentoring"), done(3, "student_projects")]))
    assert a.forms.traditional_share == Decimal("33.3") and not a.forms.traditional_dominate


def test_it_compares_coverage_and_indicators_on_the_schools_reported_in_both_campaigns():
    before = campaign([done(1, "pk_courses"), done(2, "pk_courses"), done(3, "mentoring")], reported={1, 2, 3}, code="c1",
                      indicators=[value(1, "quality", 30), value(2, "quality", 40), value(3, "quality", 50),
                                  value(1, "failing", 10, "чел.", False, 0), value(2, "failing", 8, "чел.", False, 0)])
    after = campaign([done(1, "pk_courses"), done(2, "pk_courses"), done(3, "pk_courses"), done(4, "pk_courses")], reported={1, 2, 3, 4},
                     indicators=[value(1, "quality", 31.5), value(2, "quality", 39.95), value(3, "quality", 48), value(4, "quality", 70),
                                 value(1, "failing", 7, "чел.", False, 0), value(2, "failing", 8, "чел.", False, 0)])
    d = analyse(after, before).dynamics
    assert d.school_ids == [1, 2, 3]  # school 4 has no report in the first campaign
    pk = next(t for t in d.types if t.activity_type == "pk_courses")
    assert (pk.before, pk.after, pk.gained, pk.lost) == (2, 3, [3], [])
    mentoring = next(t for t in d.types if t.activity_type == "mentoring")
    assert (mentoring.before, mentoring.after, mentoring.lost) == (1, 0, [3])
    quality = next(ch for ch in d.indicators if ch.code == "quality")
    assert quality.before == Decimal(40) and quality.after == Decimal("39.816666666666666666666666667").quantize(quality.after)
    assert quality.improved == [1] and quality.worsened == [3]  # 39,95 vs 40 is below the shown precision
    failing = next(ch for ch in d.indicators if ch.code == "failing")
    assert (failing.before, failing.after, failing.improved) == (18, 15, [1])
    assert d.improved == [1] and d.worsened == [3]


def test_it_has_no_dynamics_without_a_previous_campaign():
    a = analyse(campaign([done(1, "pk_courses")]))
    assert a.dynamics is None and a.previous_missing


def test_it_survives_a_campaign_without_reports_or_schools():
    empty = analyse(campaign([], reported=set()))
    assert empty.reported == [] and empty.analysed == [] and all(lag.reasons == ["no_report"] for lag in empty.lagging)
    nobody = analyse(campaign([], schools=()))
    assert nobody.schools_total == 0 and nobody.coverage.rows[0].label == "0 (—)"


def test_it_reports_the_samples_hand_made_percentages_that_do_not_match():
    text = ("диагностика профессиональных дефицитов - 2 (17%); проведение мастер-классов - 13 (81%); курсы - 16 (100%); "
            "диагностика причин низкой мотивации - 3 (18,75%); сопровождение обучающихся -4(24%); медиатека - 1(6,3%)")
    checked = check_shares(text)
    assert all(s.total == 16 for s in checked)
    wrong = [(s.text, str(s.expected)) for s in checked if not s.ok]
    assert wrong == [("2 (17%)", "12.5"), ("4(24%)", "25.0")]


def test_it_infers_the_total_without_a_hundred_percent_statement():
    found = check_shares("2 (12,5 %), 13 (81,3 %) и 9 (56,25 %)")
    assert infer_total([(s.text, s.start, s.count, s.stated, s.decimals) for s in found]) == 16
    assert all(s.ok for s in found)


def test_it_checks_shares_against_a_given_total():
    assert [s.ok for s in check_shares("3 (18,8 %) и 3 (20 %)", total=16)] == [True, False]
    assert check_shares("без долей", total=16) == []


def test_it_finds_every_wrong_share_of_the_real_bryansk_spravka():
    from pathlib import Path

    from shnor.core.documents import read_document

    path = Path(__file__).parent.parent / "fixtures" / "intake" / "bryansk_spravka.docx"
    checked = check_shares(read_document(path.read_bytes(), path.name).text())
    assert len(checked) == 27 and {s.total for s in checked} == {16}  # every activity line of the sample
    wrong = sorted({(s.count, str(s.stated).replace(".", ",")) for s in checked if not s.ok})
    # «2 (17%)» is 12,5 %; «4 (24%)» is 25 %; «13 (81%)», «9 (56%)», «3 (18,75%)» are right to their precision.
    assert wrong == [(2, "17"), (4, "24")]
