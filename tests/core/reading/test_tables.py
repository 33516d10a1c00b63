"""Tables of any layout: columns found by meaning, section rows, cut rows, statuses, a table without headers."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shnor.core.documents import Block, Document, read_document
from shnor.core.reading import ReadingContext, extract
from shnor.core.reading.columns import assign, find_header
from shnor.core.reading.tables import read_table

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "intake"


def no_type(text: str) -> tuple[str | None, float]:
    return None, 0.0


def read(name: str, **context):
    document = read_document((FIXTURES / name).read_bytes(), name)
    return extract(document, ReadingContext(classify=no_type, **context))


def table(rows: list[list[str]]) -> Block:
    return Block(kind="table", text="", index=0, where="таблица 1", rows=rows)


@pytest.mark.parametrize(
    "headers, expected",
    [
        (["№ п/п", "Наименование мероприятия", "Сроки", "Ответственный"], {"number": 0, "title": 1, "deadline": 2, "responsible": 3}),
        (["№", "Мероприятие", "Срок", "Ответсвенный", "Отметка о\nвыполнении", "Подтверждение"],
         {"number": 0, "title": 1, "deadline": 2, "responsible": 3, "status": 4, "actual": 4, "evidence": 5}),
        (["Содержание работы", "Сроки исполнения", "Исполнитель", "Планируемый результат", "Информация о выполнении"],
         {"title": 0, "deadline": 1, "responsible": 2, "expected": 3, "actual": 4}),
        (["Мероприятие", "Дата проведения", "Ожидае-\nмый результат", "Фактический результат", "Статус"],
         {"title": 0, "deadline": 1, "expected": 2, "actual": 3, "status": 4}),
        (["Мероприятия", "Ответственные", "Результат", "Ссылка на подтверждающие документы"],
         {"title": 0, "responsible": 1, "actual": 2, "evidence": 3}),
        (["Наименование мероприятия (форма проведения)", "Срок исполнения", "Показатель", "Выполнено"],
         {"title": 0, "deadline": 1, "indicator": 2, "actual": 3}),
    ],
)
def test_it_maps_columns_by_meaning(headers, expected):
    roles = assign(headers)
    assert {role: roles[role] for role in expected} == expected


def test_it_reads_a_header_spread_over_two_rows():
    columns = find_header([
        ["№ п/п", "Наименование мероприятия", "Сроки проведения", "Результат", "", "Статус"],
        ["", "", "", "ожидаемый", "фактический", ""],
        ["1.", "Семинар", "Март 2022", "Освоены приёмы", "Проведён", "выполнено"],
    ])
    assert columns.header_rows == 2
    assert columns.roles["expected"] == 3 and columns.roles["actual"] == 4 and columns.roles["status"] == 5


def test_it_finds_the_header_under_a_title_row_and_skips_the_column_numbers_row():
    result = read_table(table([
        ["Отчёт о выполнении плана", "", "", ""],
        ["№", "Мероприятие", "Срок", "Результат"],
        ["1", "2", "3", "4"],
        ["1.", "Заседание ШМО", "Октябрь 2023", "Проведено"],
    ]))
    assert [a.text for a in result.activities] == ["Заседание ШМО"]
    assert result.activities[0].where == "таблица 1, строка 4"


def test_it_reads_the_school_report_with_its_own_layout():
    activities = read("school_report.docx").activities
    assert [a.status for a in activities] == ["done", "done", "partial", "not_done", "done", "done", "postponed", "done"]
    assert activities[0].section == "1. Работа с педагогами"
    assert activities[3].section == "2. Работа с обучающимися"
    assert activities[0].responsible == "Зам. директора по УВР"
    assert activities[4].status_inferred and not activities[0].status_inferred
    assert (activities[4].deadline.kind, activities[4].deadline.end) == ("until", date(2023, 12, 1))
    assert activities[5].quantities[0].value == 18 and activities[5].quantities[0].unit == "неделя"
    assert activities[2].evidence[0].kind == "minutes" and activities[2].evidence[0].number == "3"
    assert activities[1].evidence[-1].url == "disk.yandex.ru/d/AbC123xyz"


def test_it_warns_about_a_row_without_a_title():
    warnings = read("school_report.docx").warnings
    assert "Таблица 1, строка 13: нет названия мероприятия; строка пропущена." in warnings


def test_it_reads_an_indicator_table():
    indicators = {i.code: i for i in read("school_report.docx").indicators if i.where.startswith("таблица 2")}
    assert (indicators["quality"].value, indicators["quality"].previous, indicators["quality"].unit) == (
        Decimal("41.2"), Decimal("38.0"), "%")
    assert (indicators["failing"].value, indicators["failing"].previous, indicators["failing"].unit) == (3, 6, "чел.")


def test_it_reads_the_two_row_header_table_with_its_status_column():
    activities = read("two_row_header.docx").activities
    assert [a.status for a in activities] == ["done", "partial", "postponed"]
    assert activities[0].expected_result == "Педагоги освоили приёмы формирующего оценивания"
    assert activities[0].actual_result == "Проведён семинар, участвовали 14 педагогов"
    assert activities[2].actual_result == ""


def test_it_reads_the_excel_plan_with_headers_on_row_3():
    extraction = read("municipal_plan.xlsx")
    first, second, third, fourth = extraction.activities
    assert first.where == "лист «Отчёт», таблица 1, строка 5"
    assert first.section == "Направление 1. Повышение профессиональных компетенций педагогов"
    assert (first.deadline.start, first.deadline.end) == (date(2023, 3, 15), date(2023, 3, 15))
    assert first.responsible == "МОЦ" and first.expected_result == "Проведён семинар"
    assert first.evidence[0].number == "41" and first.evidence[0].issuer == "УО"
    assert second.deadline.start == date(2023, 4, 1)
    assert third.status == "postponed"
    assert fourth.quantities[0].of == 8
    assert extraction.period.start == date(2023, 1, 1)


def test_it_reads_findings_with_addressees_from_a_prose_sheet():
    findings = read("municipal_plan.xlsx").findings
    recommendations = [f for f in findings if f.kind == "recommendation"]
    assert [f.addressee for f in recommendations] == ["Образовательным организациям", "Кураторам"]
    assert recommendations[1].deadline.end == date(2024, 3, 1)
    assert [f.kind for f in findings].count("conclusion") == 2


def test_it_warns_about_a_table_without_recognisable_columns_and_takes_titles_from_the_first_column():
    result = read_table(table([
        ["Проведение педсовета по неуспеваемости", "октябрь", "да"],
        ["Семинар для учителей математики", "ноябрь", "нет"],
        ["Родительское собрание в 9 классе", "декабрь", "да"],
    ]))
    assert "не удалось распознать заголовки столбцов" in result.warnings[0]
    assert [a.text for a in result.activities][:2] == ["Проведение педсовета по неуспеваемости",
                                                       "Семинар для учителей математики"]


def test_it_warns_about_a_deadline_it_cannot_read():
    document = Document(source="r.docx", format="docx", blocks=[table([
        ["№", "Мероприятие", "Срок"],
        ["1", "Педсовет", "31.02.2023"],
    ])])
    warnings = extract(document, ReadingContext(classify=no_type)).warnings
    assert warnings == ["Таблица 1, строка 2: не удалось распознать срок «31.02.2023»."]


def test_it_uses_the_classifier_and_maps_types_to_directions():
    document = Document(source="r.docx", format="docx", blocks=[table([
        ["№", "Мероприятие", "Результат"],
        ["1", "Курсы повышения квалификации", "Прошли 5 педагогов"],
    ])])
    context = ReadingContext(classify=lambda text: ("pk_courses", 0.8), type_directions={"pk_courses": "teachers"})
    [activity] = extract(document, context).activities
    assert (activity.activity_type, activity.direction, activity.confidence) == ("pk_courses", "teachers", 0.8)


cells = st.text(alphabet=st.sampled_from(list("№ 1.2абвМероприятиеСрокРезультатвыполнено\n«»-:,;()%")), max_size=30)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(st.lists(cells, min_size=1, max_size=6), max_size=12))
def test_it_never_crashes_on_any_table(rows):
    width = max((len(row) for row in rows), default=0)
    rows = [row + [""] * (width - len(row)) for row in rows]
    document = Document(source="t.docx", format="docx", blocks=[table(rows)])
    extraction = extract(document, ReadingContext(classify=no_type))
    assert all(a.where.startswith("таблица 1") for a in extraction.activities)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts=st.lists(st.text(max_size=120), max_size=10),
       kinds=st.lists(st.sampled_from(["heading", "paragraph", "list_item"]), min_size=10, max_size=10))
def test_it_never_crashes_on_any_prose(texts, kinds):
    blocks = [Block(kind=kind, text=text, index=i, where=f"абзац {i + 1}") for i, (text, kind) in
              enumerate(zip(texts, kinds, strict=False))]
    extract(Document(source="p.txt", format="txt", blocks=blocks), ReadingContext(classify=no_type))


def test_it_takes_a_numbered_row_over_sub_numbered_rows_for_a_section():
    result = read_table(table([
        ["№", "Мероприятие", "Срок", "Отметка о выполнении"],
        ["1.", "Работа с педагогами", "", ""],
        ["1.1", "Методический семинар", "Октябрь 2023", "выполнено"],
        ["1.2", "Открытые уроки", "Ноябрь 2023", "частично"],
        ["№", "Мероприятие", "Срок", "Отметка о выполнении"],
        ["2", "Родительское собрание", "Декабрь 2023", ""],
    ]))
    assert [(a.number, a.section, a.text) for a in result.activities] == [
        ("1.1", "1. Работа с педагогами", "Методический семинар"),
        ("1.2", "1. Работа с педагогами", "Открытые уроки"),
        ("2", "", "Родительское собрание"),
    ]


def test_it_carries_a_direction_merged_down_its_column_to_the_rows_below():
    result = read_table(table([
        ["Направление", "Мероприятие", "Результат"],
        ["Работа с родителями", "Родительское собрание", "Проведено"],
        ["", "Анкетирование родителей", "Проведено"],
        ["Работа с педагогами", "Семинар", "Проведён"],
    ]))
    assert [a.section for a in result.activities] == ["Работа с родителями", "Работа с родителями", "Работа с педагогами"]
