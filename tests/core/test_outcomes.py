from decimal import Decimal as D

from shnor.core import outcomes
from shnor.core.outcomes import Value


def v(school, code, value, unit="%", muni="Первый район", subject=""):
    return Value(school, muni, code, code, unit, D(str(value)), subject)


def test_a_share_is_weighted_by_pupils_when_every_school_has_them():
    values = [v(1, "quality", 50), v(2, "quality", 20), v(1, "pupils", 300, "чел."), v(2, "pupils", 100, "чел.")]
    row = outcomes.totals(values)[0]
    assert row.region.value == D(" 42.5") and row.region.weighted  # (50·300 + 20·100) / 400


def test_a_share_is_an_unweighted_mean_when_a_pupil_count_is_missing():
    values = [v(1, "quality", 50), v(2, "quality", 20), v(1, "pupils", 300, "чел.")]
    row = outcomes.totals(values)[0]
    assert row.region.value == D(35) and not row.region.weighted


def test_a_count_adds_up_and_municipalities_get_their_own_totals():
    values = [v(1, "failing", 3, "чел."), v(2, "failing", 2, "чел."), v(3, "failing", 4, "чел.", muni="Второй район")]
    row = outcomes.totals(values)[0]
    assert row.region.value == 9 and row.municipalities["Первый район"].value == 5 and row.municipalities["Второй район"].value == 4


def test_changes_compare_schools_present_in_both_periods_by_subject():
    before = [v(1, "vpr_avg", 3.2, "балл", subject="математика"), v(2, "vpr_avg", 3.0, "балл", subject="математика"),
              v(1, "vpr_avg", 3.5, "балл", subject="русский язык")]
    after = [v(1, "vpr_avg", 3.4, "балл", subject="математика"), v(3, "vpr_avg", 4.0, "балл", subject="математика"),
             v(1, "vpr_avg", 3.4, "балл", subject="русский язык")]
    found = {c.subject: c for c in outcomes.changes(after, before)}
    assert found["математика"].delta == D("0.2") and found["математика"].after.schools == 1
    assert found["русский язык"].delta == D("-0.1")


def test_a_school_leaves_the_list_when_its_next_status_is_another_one():
    assert outcomes.left_shnor({1: "shnor", 2: "shnor", 3: "shnor", 4: "risk"}, {1: "risk", 2: "shnor", 4: "leader"}) == [1]


def _deltas(n_did, n_not):
    changes = {i: D(2) for i in range(n_did)} | {100 + i: D(0) for i in range(n_not)}
    return {("quality", ""): changes}


def test_what_worked_compares_the_mean_change_of_both_groups():
    row = outcomes.what_worked([("Наставничество", True, range(5))], _deltas(5, 6), {("quality", ""): ("Качество знаний", "%")})[0]
    assert (row.did, row.did_not, row.did_mean, row.did_not_mean, row.difference) == (5, 6, 2, 0, 2)
    assert not row.suppressed


def test_what_worked_is_suppressed_when_a_group_has_fewer_than_five_schools():
    names = {("quality", ""): ("Качество знаний", "%")}
    assert outcomes.what_worked([("Наставничество", True, range(4))], _deltas(4, 6), names)[0].suppressed
    row = outcomes.what_worked([("Наставничество", True, range(5))], _deltas(5, 4), names)[0]
    assert row.suppressed and row.difference is None
