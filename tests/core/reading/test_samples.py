"""Reading the three sample documents, in the layouts people send them, gives the records a coordinator expects."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from shnor.core.documents import read_document
from shnor.core.reading import ReadingContext, SchoolRef, extract, extraction_to_dict

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "intake"


def stub_classify(text: str) -> tuple[str | None, float]:
    return ("pk_courses", 0.9) if "квалификац" in text.casefold() else (None, 0.0)


def read(name: str, **context):
    document = read_document((FIXTURES / name).read_bytes(), name)
    return extract(document, ReadingContext(classify=stub_classify, **context))


# ---------------------------------------------------------------- Uyar: a municipal table over two pages

UYAR = ["uyar_table.docx", "uyar_table.xlsx", "uyar_table.txt", "uyar_table.pdf"]


@pytest.mark.parametrize("name", UYAR)
def test_it_reads_all_21_uyar_rows_with_their_subprogramme(name):
    activities = read(name).activities
    assert [a.number for a in activities] == [f"{n}." for n in range(1, 22)]
    sections = [a.section.split("«")[0].strip() for a in activities]
    assert sections == ["Подпрограмма 1"] * 8 + ["Подпрограмма 2"] * 7 + ["Подпрограмма 3"] * 6
    assert all(a.expected_result and a.actual_result for a in activities)


SUBPROGRAMS3 = [("SP1", "Адресная поддержка школ с низкими образовательными результатами"),
                ("SP2", "Организация работы со школами, функционирующими в зоне риска снижения образовательных результатов"),
                ("SP3", "Профилактика учебной неуспешности")]


@pytest.mark.parametrize("name", UYAR)
def test_the_uyar_rows_keep_the_documents_subprogramme_and_two_are_not_done(name):
    activities = read(name, directions=SUBPROGRAMS3).activities
    assert [a.section_direction for a in activities] == ["SP1"] * 8 + ["SP2"] * 7 + ["SP3"] * 6
    assert [a.section_number for a in activities] == ["1"] * 8 + ["2"] * 7 + ["3"] * 6
    assert activities[0].section_title == "Адресная поддержка школ с низкими образовательными результатами в Уярском районе"
    # «Сформировать заявку …» in the result column is the plan repeated, not a result.
    assert [(a.number, a.intended) for a in activities if a.status == "not_done"] == [("9.", True), ("11.", True)]
    assert sum(a.status == "done" for a in activities) == 19


@pytest.mark.parametrize("name", UYAR)
def test_it_joins_rows_cut_by_a_page_break(name):
    activities = {a.number: a for a in read(name).activities}
    assert activities["2."].expected_result.endswith("снижения образовательных результатов")
    assert activities["6."].text == ("Анализ результатов оценочных процедур, поэлементный анализ "
                                     "контрольно-измерительных материалов, составление рекомендации ОО")
    assert activities["6."].expected_result == "Организована системная работа с результатами оценочных процедур"
    assert activities["9."].text.endswith("предметных, методических, психолого- педагогических")
    assert "Мониторинг школьного благополучия (школьного климата) 2022" in activities["16."].actual_result
    assert activities["20."].text.endswith("по вовлечению в профилактику учебной неуспешности;")


@pytest.mark.parametrize("name", UYAR)
def test_it_reads_orders_letters_and_links_of_uyar_as_evidence(name):
    activities = {a.number: a for a in read(name).activities}
    [order] = activities["4."].evidence
    assert (order.kind, order.number, order.date, order.url, order.issuer) == (
        "order", "52", date(2022, 3, 9), "https://clck.ru/34PaDg", "Отдела образования")
    kinds = [(e.kind, e.number) for e in activities["10."].evidence]
    assert ("order", "52") in kinds and ("letter", "501") in kinds
    institute = activities["13."].evidence[0]
    assert (institute.number, institute.date) == ("03-02-28", date(2022, 2, 7))
    assert institute.issuer.startswith("КГАУ ДПО «Красноярский краевой институт")
    assert institute.url == "https://cloud.mail.ru/public/FSxG/kG5LS9qcg"
    assert {e.url for e in activities["13."].evidence} >= {"https://clck.ru/rk4zE",
                                                          "https://cloud.mail.ru/public/W6Xh/LKcfNgCyc"}
    assert activities["3."].evidence[0].url == "https://clck.ru/rk4QS"
    assert activities["5."].evidence[0].kind == "minutes"


def test_it_infers_done_from_a_factual_result_and_says_so():
    activities = {a.number: a for a in read("uyar_table.docx").activities}
    assert (activities["1."].status, activities["1."].status_inferred) == ("done", True)
    # «В рамках работы было проведено совещание …» states it outright.
    assert (activities["10."].status, activities["10."].status_inferred) == ("done", False)


@pytest.mark.parametrize("name", UYAR)
def test_it_finds_the_uyar_report_period(name):
    period = read(name).period
    assert (period.start, period.end) == (date(2022, 1, 1), date(2022, 12, 31))


def test_it_locates_rows_by_table_and_row():
    docx_rows = read("uyar_table.docx").activities
    assert docx_rows[0].where == "таблица 1, строка 3"
    xlsx_rows = read("uyar_table.xlsx").activities
    assert xlsx_rows[0].where == "лист «Дорожная карта», таблица 1, строка 5"  # the row number Excel shows


# ---------------------------------------------------------------- Kavalerovo: half-year prose

KAVALEROVO_SCHOOLS = [
    "МБОУ СОШ № 1 пгт Кавалерово", "МБОУ СОШ № 2 пгт Кавалерово", "МБОУ СОШ № 3 пгт Кавалерово",
    "МБОУ СОШ пгт Хрустальный", "МБОУ СОШ с. Зеркальное", "МБОУ СОШ пос. Горнореченский",
    "МБОУ СОШ пос. Рудный", "МБОУ СОШ с. Устиновка",
]
KAVALEROVO = [SchoolRef(id=i, name=name, municipality="Кавалеровский район")
              for i, name in enumerate(KAVALEROVO_SCHOOLS, start=1)]


@pytest.mark.parametrize("name", ["kavalerovo_prose.docx", "kavalerovo_prose_cp1251.txt"])
def test_it_reads_kavalerovo_indicators(name):
    indicators = read(name).indicators
    quality = next(i for i in indicators if i.code == "quality")
    assert (quality.value, quality.unit, quality.change) == (Decimal("1.1"), "%", True)
    failing = next(i for i in indicators if i.code == "failing" and not i.change)
    assert (failing.name, failing.value, failing.previous, failing.unit) == ("неуспевающие", 10, 28, "чел.")
    failing_change = next(i for i in indicators if i.code == "failing" and i.change)
    assert failing_change.value == Decimal("-0.76")


@pytest.mark.parametrize("name", ["kavalerovo_prose.docx", "kavalerovo_prose_cp1251.txt"])
def test_it_reads_activities_mentioned_in_kavalerovo_sentences(name):
    extraction = read(name, schools=KAVALEROVO)
    by_text = {a.text: a for a in extraction.activities}
    seminar = by_text["семинар-практикум «Пути преодоления неуспешности среди учащихся»"]
    assert seminar.status == "done" and seminar.origin == "prose"
    council = by_text["педсовет «Пути преодоления неуспеваемости учащихся» (МБОУ СОШ с. Зеркальное)"]
    assert [s.school_id for s in council.schools] == [5]
    shared = next(a for a in extraction.activities if a.text.startswith("педсовет «Профессиональная компетентность"))
    assert [s.school_id for s in shared.schools] == [4, 2]
    last = next(a for a in extraction.activities if a.text.startswith("педсовет «Компетенция учителя"))
    assert [s.school_id for s in last.schools] == [3, 1]  # «МБОУ СОШ № 1» is school № 1, not № 2 or № 3
    assert "проведено анкетирование учащихся «Отношение к учению»" in by_text
    assert any(a.text.startswith("В ходе реализации мероприятий муниципального управленческого проекта проведены "
                                 "районные совещания") for a in extraction.activities)


def test_it_matches_every_school_kavalerovo_names_and_lists_each_once():
    extraction = read("kavalerovo_prose.docx", schools=KAVALEROVO)
    assert sorted(s.school_id for s in extraction.schools) == list(range(1, 9))


@pytest.mark.parametrize("name", ["kavalerovo_prose.docx", "kavalerovo_prose_cp1251.txt"])
def test_it_finds_the_half_year_kavalerovo_reports_on(name):
    period = read(name).period
    assert (period.start, period.end) == (date(2020, 9, 1), date(2020, 12, 31))


# ---------------------------------------------------------------- Bryansk: a regional справка

BRYANSK_SCHOOLS = [
    "МБОУ Колоднянская СОШ Жирятинского района", "МБОУ Леденевская ООШ Жуковского муниципального округа",
    "МБОУ \"Верещакская СОШ\" Новозыбковского района", "МБОУ Витемлянская СОШ Погарского района",
    "МБОУ Дроновская СОШ имени Героя Советского Союза И.К.Хахерина", "МБОУ Мирнинская СОШ Гордеевского района",
    "МБОУ \"Молотинская СОШ\" Брянского района", "МБОУ \"Краснорогская СОШ имени А.К.Толстого\" Почепского района",
    "МБОУ \"Гобикская СОШ Рогнединского района Брянской области\"",
    "МБОУ \"Пацынская СОШ Рогнединского района Брянской области\"", "МБОУ Карпиловская ООШ Злынковского района",
    "МОУ-СОШ с.Павловка", "МБОУ \"Халеевичская СОШ\" Новозыбковского района",
    "МБОУ \"Тюнинская СОШ имени Н.И.Рыленкова Рогнединского района Брянской области\"",
    "МБОУ \"Снопотская СОШ Рогнединского района Брянской области\"", "МБОУ Струговобудская ООШ Гордеевского района",
]
# The registry spells names its own way: short forms, no district, «им.» instead of «имени».
BRYANSK = [SchoolRef(id=100 + i, name=name) for i, name in enumerate([
    "МБОУ «Колоднянская средняя общеобразовательная школа»", "МБОУ Леденевская ООШ", "МБОУ «Верещакская СОШ»",
    "МБОУ Витемлянская СОШ", "МБОУ Дроновская СОШ им. И.К. Хахерина", "МБОУ Мирнинская СОШ",
    "МБОУ «Молотинская СОШ»", "МБОУ «Краснорогская СОШ им. А.К. Толстого»", "МБОУ «Гобикская СОШ»",
    "МБОУ «Пацынская СОШ»", "МБОУ Карпиловская основная общеобразовательная школа", "МОУ СОШ с. Павловка",
    "МБОУ «Халеевичская СОШ»", "МБОУ «Тюнинская СОШ им. Н.И. Рыленкова»", "МБОУ «Снопотская СОШ»",
    "МБОУ Струговобудская ООШ",
])]
BRYANSK_FILES = ["bryansk_spravka.docx", "bryansk_spravka.pdf"]


@pytest.mark.parametrize("name", BRYANSK_FILES)
def test_it_reads_the_27_results_lines_with_counts_and_clusters(name):
    activities = read(name).activities
    assert len(activities) == 27
    assert all(a.origin == "list" for a in activities)
    first = activities[0]
    assert (first.text, first.count, first.stated_percent) == ("диагностика профессиональных дефицитов", 2, 17)
    assert first.section == "реализация мероприятий по совершенствованию компетенций учителей"
    courses = next(a for a in activities if a.text == "курсы повышения квалификации")
    assert (courses.count, courses.stated_percent) == (16, 100)
    assert activities[-1].section == "реализация мероприятий по преодолению учебной неуспешности"
    assert [a.section for a in activities].count("реализация мероприятий по повышению мотивации обучающихся") == 6


@pytest.mark.parametrize("name", BRYANSK_FILES)
def test_it_warns_about_each_wrong_percentage_in_the_bryansk_spravka(name):
    warnings = [w.replace("\u00a0", " ") for w in read(name).warnings if w.startswith("Строка")]
    assert len(warnings) == 11
    assert warnings[0] == ("Строка «диагностика профессиональных дефицитов - 2 (17%)»: 2 из 16 — это 12,5 %, "
                           "а не 17 %.")
    assert any("4 из 16 — это 25 %, а не 24 %" in w for w in warnings)
    assert not any("13 (81%)" in w or "9 (56%)" in w or "18,75" in w for w in warnings)


@pytest.mark.parametrize("name", BRYANSK_FILES)
def test_it_reads_conclusions_remarks_and_decisions_of_the_bryansk_spravka(name):
    findings = read(name, reference_date=date(2021, 7, 1)).findings
    kinds = [f.kind for f in findings]
    assert kinds.count("conclusion") == 5 and kinds.count("remark") == 2 and kinds.count("decision") == 4
    assert kinds.count("task") == 3 and kinds.count("goal") == 1
    decisions = [f for f in findings if f.kind == "decision"]
    assert [d.responsible for d in decisions] == [
        "руководителям ОО совместно с куратором", "ЦНППМ", "региональному координатору О.Г.Викульевой",
        "образовательным организациям"]
    assert decisions[0].deadline.start == date(2021, 9, 1)
    assert decisions[1].deadline.start == date(2021, 10, 1)
    assert decisions[2].deadline.kind == "recurring"
    # «(постоянно)»: a standing obligation, not the school year the справка was about.
    assert (decisions[2].standing, decisions[2].deadline.start, decisions[2].deadline.end) == (True, None, None)
    assert [d.addressee_kind for d in decisions] == ["all_schools", "cnppm", "regional", "all_schools"]
    assert decisions[3].deadline.end == date(2021, 12, 1)
    assert findings[kinds.index("remark")].text == "необходимо выстроить ВСОКО в ОО"


@pytest.mark.parametrize("name", BRYANSK_FILES)
def test_it_matches_the_16_listed_bryansk_schools_to_the_registry(name):
    schools = read(name, schools=BRYANSK).schools
    assert [s.school_id for s in schools] == [100 + i for i in range(16)]


def test_it_matches_the_bryansk_schools_to_a_registry_of_the_same_names():
    registry = [SchoolRef(id=i, name=name) for i, name in enumerate(BRYANSK_SCHOOLS)]
    schools = read("bryansk_spravka.docx", schools=registry).schools
    assert [s.school_id for s in schools] == list(range(16))


@pytest.mark.parametrize("name", BRYANSK_FILES)
def test_it_finds_the_bryansk_period_in_the_object_of_analysis(name):
    period = read(name).period
    assert (period.start, period.end) == (date(2021, 1, 1), date(2021, 6, 30))


def test_it_keeps_the_percentage_check_quiet_when_a_registry_count_fits():
    # 13 of 16 is 81,25 %: «13 (81%)» is right at the decimals it shows.
    extraction = read("bryansk_spravka.docx", schools_total=16)
    assert not any("13 (81%)" in w for w in extraction.warnings)


# ---------------------------------------------------------------- JSON


def test_it_gives_the_json_shape_the_cli_and_review_screen_use():
    import json

    data = extraction_to_dict(read("school_report.docx"))
    json.dumps(data, ensure_ascii=False)
    assert {"source", "period", "schools", "activities", "indicators", "findings", "warnings"} <= set(data)
    assert set(data["period"]) >= {"text", "start", "end"}
    activity = data["activities"][0]
    assert {"text", "section", "activity_type", "direction", "confidence", "deadline", "expected_result",
            "actual_result", "status", "evidence", "quantities", "where", "count", "stated_percent"} <= set(activity)
    assert activity["deadline"] == {"text": "Сентябрь 2023", "start": "2023-09-01", "end": "2023-09-30",
                                    "kind": "range"}
    assert activity["evidence"][0] == {"kind": "order", "text": "Приказ ОО №15 от 12.01.2021 «О проведении диагностики»",
                                       "number": "15", "date": "2021-01-12",
                                       "url": "https://school5-nz.ru/docs/diag.pdf", "issuer": "ОО",
                                       "title": "О проведении диагностики"}
    indicator = data["indicators"][0]
    assert {"name", "value", "unit", "previous", "text", "where", "code"} <= set(indicator)
    finding_keys = {"kind", "text", "addressee", "group", "responsible", "deadline", "where"}
    assert all(finding_keys <= set(f) for f in extraction_to_dict(read("bryansk_spravka.docx"))["findings"])


@pytest.mark.slow
def test_it_classifies_uyar_rows_with_the_projects_model_and_maps_directions():
    document = read_document((FIXTURES / "uyar_table.docx").read_bytes(), "uyar_table.docx")
    extraction = extract(document, ReadingContext(type_directions={"pk_courses": "teachers"}))
    typed = [a for a in extraction.activities if a.activity_type]
    assert len(typed) == 21
    assert all(0 <= a.confidence <= 1 for a in typed)
    assert all(a.direction == "teachers" for a in typed if a.activity_type == "pk_courses")
