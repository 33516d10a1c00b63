"""Pieces read out of free text: evidence, quantities, statuses, indicators, school names, percentages."""

import re
from datetime import date
from decimal import Decimal

import pytest

from shnor.core.documents import Block, Document
from shnor.core.reading import ReadingContext, SchoolRef, extract
from shnor.core.reading.checks import percent_warnings
from shnor.core.reading.evidence import find_evidence
from shnor.core.reading.indicators import _NUMBER, _decimal, find_indicators
from shnor.core.reading.model import Draft
from shnor.core.reading.quantities import find_quantities
from shnor.core.reading.schools import find_school_names, match_school
from shnor.core.reading.status import read_status


@pytest.mark.parametrize(
    "text, kind, number, when, issuer",
    [
        ("Приказ Отдела образования от 09.03.2022 № 52 «О посещении семинара…»", "order", "52", date(2022, 3, 9),
         "Отдела образования"),
        ("приказ ОО №15 от 12.01.2021", "order", "15", date(2021, 1, 12), "ОО"),
        ("Приказ КГАУ ДПО «Красноярский краевой институт» от 07.02.2022 № 03-02-28 «Об утверждении кураторов»",
         "order", "03-02-28", date(2022, 2, 7), "КГАУ ДПО «Красноярский краевой институт»"),
        ("Информационное письмо от 27.07.2022 №500 «О проведении районного августовского педсовета 2022»", "letter",
         "500", date(2022, 7, 27), ""),
        ("протокол №3 от 25.03.2021", "minutes", "3", date(2021, 3, 25), ""),
        ("Протоколы РМО", "minutes", "", None, "РМО"),
        ("распоряжение управления образования от 1 сентября 2023 г. № 7-р", "order", "7-р", date(2023, 9, 1),
         "управления образования"),
    ],
)
def test_it_reads_documents_cited_as_evidence(text, kind, number, when, issuer):
    [evidence] = find_evidence(text)
    assert (evidence.kind, evidence.number, evidence.date, evidence.issuer) == (kind, number, when, issuer)


def test_it_attaches_a_link_written_after_a_document_and_keeps_other_links_apart():
    items = find_evidence("Приказ от 18.01.2022 № 9 «О реализации проекта» https://clck.ru/rk4QS; "
                          "фото на сайте school.ru/news/15 и clck.ru/34PaDg.")
    assert [(e.kind, e.url) for e in items] == [
        ("order", "https://clck.ru/rk4QS"), ("link", "school.ru/news/15"), ("link", "clck.ru/34PaDg")]


@pytest.mark.parametrize("url", ["https://cloud.mail.ru/public/W6Xh/LKcfNgCyc", "disk.yandex.ru/d/AbC12",
                                 "clck.ru/rk4QS", "http://sch5.edu.ru/svedeniya?id=3"])
def test_it_reads_links_with_and_without_a_scheme(url):
    assert [e.url for e in find_evidence(f"Материалы: {url}")] == [url]


def test_it_does_not_take_initials_for_a_link():
    assert find_evidence("МБОУ Дроновская СОШ имени И.К.Хахерина") == []


@pytest.mark.parametrize(
    "text, value, unit, of",
    [
        ("проведено 18 предметных недель", 18, "неделя", None),
        ("25 обучающихся занимаются по ИОМ", 25, "обучающийся", None),
        ("КПК прошли 12 педагогов", 12, "педагог", None),
        ("в 5 из 8 ОУ", 5, "ОУ", 8),
        ("проведено 3 семинара", 3, "семинар", None),
    ],
)
def test_it_reads_quantities(text, value, unit, of):
    [quantity] = find_quantities(text)
    assert (quantity.value, quantity.unit, quantity.of) == (value, unit, of)


@pytest.mark.parametrize("text", ["от 01 сентября 2021 года", "в 2020 году", "МБОУ СОШ № 2 пгт Кавалерово",
                                  "ВПР 2020 (все ОУ)", "5–9 классов"])
def test_it_does_not_count_dates_years_and_school_numbers(text):
    assert find_quantities(text) == []


@pytest.mark.parametrize(
    "text, status",
    [
        ("Выполнено", "done"), ("+", "done"), ("Проведено 18 предметных недель", "done"),
        ("частично", "partial"), ("выполнено частично", "partial"), ("в процессе", "partial"),
        ("не выполнено", "not_done"), ("Не проводилось", "not_done"), ("нет", "not_done"),
        ("Перенесено на январь 2024 г.", "postponed"), ("Не выполнено: перенесено на февраль", "postponed"),
        ("Организация и проведение семинара", None), ("Размещение приказа на сайте", None), ("", None),
    ],
)
def test_it_reads_statuses_from_their_wording(text, status):
    assert read_status(text) == status


@pytest.mark.parametrize(
    "text, code, value, extra",
    [
        ("успеваемость – 97,5 %", "success_rate", Decimal("97.5"), {"unit": "%"}),
        ("средний балл ОГЭ по математике 3,4", "oge_avg", Decimal("3.4"), {"subject": "математика"}),
        ("Доля отметок, подтверждённых ВПР, – 62 %", "vpr_confirmed", 62, {"unit": "%"}),
        ("КПК прошли 12 педагогов", "kpk_teachers", 12, {}),
        ("3 педагога повысили квалификационную категорию", "category_raised", 3, {}),
        ("проведено 4 вебинара", "webinars", 4, {}),
        ("на ИОМ обучаются 25 обучающихся", "iom_pupils", 25, {}),
        ("вовлечённость родителей составила 64 %", "parents_involved", 64, {"unit": "%"}),
        ("участников муниципального этапа ВсОШ 25", "olympiad_participants", 25, {"stage": "муниципальный"}),
    ],
)
def test_it_reads_indicators_in_sentences(text, code, value, extra):
    [indicator] = [i for i in find_indicators(text, "абзац 1") if i.code == code]
    assert indicator.value == value
    for key, expected in extra.items():
        assert getattr(indicator, key) == expected


def test_it_does_not_take_a_year_for_an_indicator_value():
    assert find_indicators("мониторинг успеваемости и качества знаний за I полугодие 2020-2021 учебного года",
                           "абзац 1") == []


def test_it_finds_school_names_in_running_text():
    names = [name for _, _, name in find_school_names(
        "педсовет (МБОУ СОШ пгт Хрустальный, МБОУ СОШ № 2 пгт Кавалерово), ведется вМБОУ \"Пацынская СОШ "
        "Рогнединского района Брянской области\". Договор: МБОУ «Толстихинская СОШ» - МБОУ «Сушиновская СОШ»")]
    assert names == ["МБОУ СОШ пгт Хрустальный", "МБОУ СОШ № 2 пгт Кавалерово",
                     "МБОУ \"Пацынская СОШ Рогнединского района Брянской области\"",
                     "МБОУ «Толстихинская СОШ»", "МБОУ «Сушиновская СОШ»"]


REGISTRY = [SchoolRef(1, "МБОУ СОШ № 1 пгт Кавалерово"), SchoolRef(2, "МБОУ СОШ № 2 пгт Кавалерово"),
            SchoolRef(3, "МБОУ «Дроновская СОШ»", short_name="Дроновская СОШ"), SchoolRef(4, "МБОУ Дроновская ООШ")]


@pytest.mark.parametrize(
    "name, school_id",
    [
        ("МБОУ СОШ № 2 пгт Кавалерово", 2), ("МБОУ СОШ №1", 1), ("СОШ № 2", 2), ("МБОУ СОШ № 3 пгт Кавалерово", None),
        ("МБОУ Дроновская СОШ имени Героя Советского Союза И.К.Хахерина", 3), ("Дроновской ООШ", 4),
        ("МБОУ Колоднянская СОШ", None),
    ],
)
def test_it_matches_school_names_with_numbers_compared_exactly(name, school_id):
    assert match_school(name, REGISTRY) == school_id


@pytest.mark.parametrize(
    "count, stated, wrong",
    [(13, "81", False), (4, "24", True), (9, "56", False), (3, "18.75", False), (2, "17", True), (2, "12.5", False),
     (1, "6.3", False), (14, "87.5", False), (16, "100", False)],
)
def test_it_checks_a_stated_percentage_at_the_decimals_it_shows(count, stated, wrong):
    draft = Draft(text="x", where="абзац 1", count=count, stated_percent=Decimal(stated), line=f"x - {count}")
    assert bool(percent_warnings([draft], 16)) == wrong


def test_it_reads_causes_and_deficits_by_group():
    lines = [
        ("paragraph", "Среди причин низких образовательных результатов выявлены следующие:"),
        ("list_item", "низкая учебная мотивация обучающихся;"),
        ("list_item", "профессиональные дефициты педагогов."),
        ("heading", "Профессиональные дефициты"),
        ("paragraph", "Группа 1 «Управленческие компетенции»"),
        ("list_item", "планирование работы по результатам ВПР;"),
        ("paragraph", "Группа 2 «Предметные компетенции»"),
        ("list_item", "решение заданий повышенного уровня;"),
        ("paragraph", "Группа 4 «Психолого-педагогические компетенции»"),
        ("list_item", "работа с детьми с ОВЗ."),
        ("paragraph", "Рекомендации"),
        ("paragraph", "Муниципальным органам управления образованием:"),
        ("list_item", "организовать стажировки на базе школ-лидеров до 01 декабря 2021 года;"),
        ("paragraph", "Образовательным организациям:"),
        ("list_item", "рекомендовать руководителям ОО провести самодиагностику в течение учебного года."),
    ]
    blocks = [Block(kind=kind, text=text, index=i, where=f"абзац {i + 1}") for i, (kind, text) in enumerate(lines)]
    findings = extract(Document(source="s.docx", format="docx", blocks=blocks),
                       ReadingContext(classify=lambda t: (None, 0.0), reference_date=date(2021, 9, 1))).findings
    assert [(f.kind, f.group) for f in findings[:5]] == [
        ("cause", ""), ("cause", ""), ("deficit", "управленческие"), ("deficit", "предметные"),
        ("deficit", "психолого-педагогические")]
    first, second = findings[5:]
    assert (first.kind, first.addressee, first.deadline.end) == (
        "recommendation", "Муниципальным органам управления образованием", date(2021, 12, 1))
    assert (second.addressee, second.responsible) == ("Образовательным организациям", "руководителям ОО")


def test_it_reads_done_items_under_a_results_lead_in_as_activities():
    lines = [("paragraph", "Результаты:"), ("list_item", "Проведён педсовет «Пути преодоления неуспеваемости»."),
             ("list_item", "Организованы консультации для родителей (МБОУ СОШ № 2).")]
    blocks = [Block(kind=kind, text=text, index=i, where=f"абзац {i + 1}") for i, (kind, text) in enumerate(lines)]
    activities = extract(Document(source="s.docx", format="docx", blocks=blocks),
                         ReadingContext(classify=lambda t: (None, 0.0))).activities
    assert [(a.text, a.status) for a in activities] == [
        ("Проведён педсовет «Пути преодоления неуспеваемости»", "done"),
        ("Организованы консультации для родителей (МБОУ СОШ № 2)", "done")]


@pytest.mark.parametrize(
    "text, responsible",
    [
        ("руководителям ОО совместно с куратором внести корректировки в дорожную карту", "руководителям ОО совместно с куратором"),
        ("Рекомендовать руководителям ОО обеспечить участие педагогов в КПК", "руководителям ОО"),
        ("ЦНППМ запланировать практикумы", "ЦНППМ"),
        ("Организовать методическую помощь школам", ""),
    ],
)
def test_it_reads_who_a_decision_is_for(text, responsible):
    from shnor.core.reading.prose import responsible_of

    assert responsible_of(text) == responsible


def test_it_reads_a_deficit_group_heading_as_the_start_of_deficits():
    lines = [("heading", "Группа 1 «Управленческие компетенции»"), ("list_item", "планирование по итогам ВПР;"),
             ("heading", "Группа 3 «Оценочные компетенции»"), ("list_item", "критериальное оценивание.")]
    blocks = [Block(kind=kind, text=text, index=i, where=f"абзац {i + 1}") for i, (kind, text) in enumerate(lines)]
    findings = extract(Document(source="s.docx", format="docx", blocks=blocks),
                       ReadingContext(classify=lambda t: (None, 0.0))).findings
    assert [(f.kind, f.group, f.text) for f in findings] == [
        ("deficit", "управленческие", "планирование по итогам ВПР"), ("deficit", "оценочные", "критериальное оценивание")]


def test_it_tells_namesake_schools_apart_by_the_municipality_the_text_names():
    registry = [SchoolRef(1, "МБОУ СОШ № 1", municipality="Кавалеровский муниципальный район"),
                SchoolRef(2, "МБОУ СОШ № 1", municipality="Ольгинский муниципальный район")]
    assert match_school("МБОУ СОШ № 1 Кавалеровского района", registry) == 1
    assert match_school("МБОУ СОШ № 1", registry) is None


@pytest.mark.parametrize(
    "line, count, of, wrong",
    [("мастер-классы – 2 школы (12,5 %)", 2, None, False), ("мастер-классы – 2 школы (20 %)", 2, None, True),
     ("мастер-классы – 2 из 10 школ (20 %)", 2, 10, False), ("мастер-классы – 2 из 16 школ (20 %)", 2, 16, True),
     ("мастер-классы - 2 (17%);", 2, None, True)],
)
def test_it_reads_and_checks_stated_shares_with_a_noun_or_their_own_total(line, count, of, wrong):
    from shnor.core.reading.prose import COUNT_LINE, _count_draft

    match = COUNT_LINE.match(line)
    assert match, line
    draft = _count_draft(match, Block(kind="paragraph", text=line, index=0, where="абзац 1"), "")
    assert (draft.count, draft.stated_of) == (count, of)
    assert bool(percent_warnings([draft], 16)) == wrong


def test_a_numbers_sign_is_one_of_four_characters_not_any_letter():
    """The sign class was a character range («+» to «−») that took any letter glued to a number as its sign."""
    assert [_decimal(n) for n in ("−1,5", "–2", "+3", "-0,7")] == [Decimal("-1.5"), Decimal("-2"), Decimal("3"), Decimal("-0.7")]
    assert all(re.fullmatch(_NUMBER, text) is None for text in ("а28", "х5", "№5", "Z10"))
