"""The pure rules of recommendations and decisions: addressees, deadlines, the справка's execution section."""

from datetime import date

import pytest

from shnor.core import actions as core
from shnor.core.actions import Item, addressee_kind, execution, read_deadline

ON = date(2022, 1, 25)


@pytest.mark.parametrize("text, kind", [
    ("Органу местного самоуправления в сфере образования (Рогнединский район)", core.MUNICIPALITY),
    ("Муниципальным органам управления образованием", core.MUNICIPALITY),
    ("Образовательным организациям: МБОУ «Альфа СОШ»", core.SCHOOLS),
    ("руководители ОО, кураторы", core.SCHOOLS),
    ("Кураторам школ: МБОУ «Альфа СОШ»", core.CURATORS),
    ("ЦНППМ", core.CNPPM),
    ("региональному координатору (О. Г. Викульева)", core.REGIONAL),
    ("О. Г. Викульева", core.REGIONAL),
])
def test_it_reads_the_addressee_named_first(text, kind):
    assert addressee_kind(text) == kind


def test_a_deadline_is_a_date_a_start_or_a_standing_obligation():
    assert read_deadline("до 01.12.2021").deadline == date(2021, 12, 1)
    assert read_deadline("до 01 декабря 2021 года").deadline == date(2021, 12, 1)
    start = read_deadline("с 1 сентября 2021 г.")
    assert start.starts_on == date(2021, 9, 1) and start.deadline is None and not start.standing
    for text in ("постоянно", "в течение года", "в течение учебного года"):
        standing = read_deadline(text, date(2021, 6, 30))
        assert standing.standing and standing.deadline is None, text
    assert read_deadline("") == core.Deadline("")


def test_a_standing_obligation_or_a_start_date_never_runs_out():
    assert core.is_overdue(core.IN_PROGRESS, date(2021, 12, 1), False, ON)
    assert not core.is_overdue(core.IN_PROGRESS, None, True, ON)
    assert not core.is_overdue(core.DONE, date(2021, 12, 1), False, ON)
    assert not core.is_overdue(core.NOT_STARTED, date(2022, 2, 1), False, ON)
    assert core.status_label(core.NOT_STARTED, date(2021, 12, 1), False, ON) == "не начато, срок истёк"
    assert core.status_label(core.IN_PROGRESS, None, True, ON) == "в работе"


def test_the_section_counts_by_status_and_lists_the_overdue_by_addressee():
    muni = "Органу местного самоуправления (Рогнединский район)"
    items = [
        Item("recommendation", "взять на контроль", muni, "до 01.12.2021", core.DONE, date(2021, 12, 1)),
        Item("recommendation", "обеспечить отчёты", muni, "до 01.12.2021", core.IN_PROGRESS, date(2021, 12, 1)),
        Item("recommendation", "провести семинар", "ЦНППМ", "до 01.12.2021", core.NOT_STARTED, date(2021, 12, 1)),
        Item("decision", "оказывать помощь", "региональный координатор", "постоянно", core.IN_PROGRESS, None, True),
        Item("decision", "подготовить отчёт", "руководители ОО", "до 01.02.2022", core.NOT_DONE, date(2022, 2, 1)),
        Item("decision", "отменённое", "ЦНППМ", "до 01.12.2021", core.CANCELLED, date(2021, 12, 1)),
    ]
    section = execution(items, ON)
    assert section.counts == [{"status": "выполнено", "number": 1}, {"status": "в работе", "number": 2},
                              {"status": "не начато", "number": 1}, {"status": "не выполнено", "number": 1}]
    assert section.overdue == [
        core.Overdue(muni, [{"text": "обеспечить отчёты", "deadline": "до 01.12.2021", "kind": "recommendation"}]),
        core.Overdue("ЦНППМ", [{"text": "провести семинар", "deadline": "до 01.12.2021", "kind": "recommendation"}]),
    ]
    lead = section.lead.replace("\u00a0", " ")
    assert lead == "По итогам предыдущего периода — 3 рекомендации и 2 управленческих решения; на 25 января 2022 г. выполнено 1 из 5, срок истёк у 2."
    assert [row["status"] for row in section.items][:3] == ["выполнено", "в работе, срок истёк", "не начато, срок истёк"]
    assert section.items[3]["status"] == "в работе"  # «постоянно»: never «срок истёк»


def test_no_items_no_section():
    assert execution([], ON).lead == ""
    assert execution([Item("decision", "x", "", "", core.CANCELLED)], ON).counts == []
