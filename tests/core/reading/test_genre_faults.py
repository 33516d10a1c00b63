"""The reading faults found on real reports (issue 12, part 3), each on a small document of the genre written here,
in the forms people send: DOCX with Word numbering and with typed dashes, TXT in UTF-8 and Windows-1251, PDF."""

from datetime import date
from decimal import Decimal

import pytest

from shnor.core.reading import SchoolRef
from shnor.core.reading.evidence import find_evidence
from shnor.core.reading.quantities import find_quantities

from .genre import FORMS, TEXT_FORMS, read

HEADER = ["№ п/п", "Мероприятие", "Срок", "Информация о выполнении"]

# ---------------------------------------------------------------- lists inside a table cell

CELL_WITH_CAUSES = [
    ("p", "Отчёт о выполнении плана мероприятий дорожной карты МБОУ СОШ № 2 за 2021 год"),
    ("table", [
        HEADER,
        ["1.", "Проведение ВПР и анализ их результатов", "апрель 2021",
         "ВПР проведены в 5–8 классах. По итогам анализа выявлены причины низких результатов:\n"
         "– низкая учебная мотивация обучающихся;\n"
         "– пробелы в знаниях по математике за курс начальной школы;\n"
         "– недостаточная работа учителей с заданиями повышенного уровня."],
        ["2.", "Педагогический совет по итогам ВПР", "май 2021", "Проведён, протокол № 5 от 20.05.2021"],
    ]),
]


@pytest.mark.parametrize("form", FORMS)
def test_it_reads_a_dash_list_of_causes_inside_a_result_cell(form):
    extraction = read(CELL_WITH_CAUSES, form)
    first = extraction.activities[0]
    causes = [f for f in extraction.findings if f.kind == "cause"]
    assert [c.text for c in causes] == [
        "низкая учебная мотивация обучающихся", "пробелы в знаниях по математике за курс начальной школы",
        "недостаточная работа учителей с заданиями повышенного уровня"]
    assert all(c.activity_where == first.where for c in causes)
    assert causes[0].code == "R9"  # low motivation is a risk of the «500+» profile
    assert first.status == "done" and len(extraction.activities) == 2


# ---------------------------------------------------------------- recommendations under addressee headings

RECOMMENDATIONS = [
    ("p", "Рекомендации по итогам мониторинга:"),
    ("p", "Органам местного самоуправления:"),
    ("li", "обеспечить участие управленческих команд в курсах повышения квалификации;"),
    ("li", "организовать стажировки на базе школ-лидеров до 01.12.2021."),
    ("p", "Образовательным организациям — ШНОР:"),
    ("li", "провести самодиагностику по профилям рисков;"),
    ("li", "внести изменения в программы антирисковых мер."),
    ("p", "Кураторам:"),
    ("li", "посещать школы не реже одного раза в четверть."),
    ("p", "ЦНППМ:"),
    ("li", "организовать адресные курсы для педагогов."),
    ("p", "МБОУ СОШ № 1 пгт Кавалерово, МБОУ СОШ № 3 пгт Кавалерово:"),
    ("li", "разработать индивидуальные образовательные маршруты для слабоуспевающих обучающихся."),
    ("p", "Справку подготовил методист Иванова И.И."),
]
KAVALEROVO = [SchoolRef(1, "МБОУ СОШ № 1 пгт Кавалерово"), SchoolRef(2, "МБОУ СОШ № 2 пгт Кавалерово"),
              SchoolRef(3, "МБОУ СОШ № 3 пгт Кавалерово"), SchoolRef(4, "МБОУ СОШ пгт Хрустальный")]


@pytest.mark.parametrize("form", FORMS)
def test_each_dash_bullet_is_a_recommendation_for_the_heading_above_it(form):
    findings = read(RECOMMENDATIONS, form, schools=KAVALEROVO, reference_date=date(2021, 9, 1)).findings
    got = [(f.kind, f.addressee_kind, f.text[:20]) for f in findings]
    assert got == [
        ("recommendation", "municipality", "обеспечить участие у"), ("recommendation", "municipality", "организовать стажиро"),
        ("recommendation", "all_schools", "провести самодиагнос"), ("recommendation", "all_schools", "внести изменения в п"),
        ("recommendation", "curators", "посещать школы не ре"), ("recommendation", "cnppm", "организовать адресны"),
        ("recommendation", "schools", "разработать индивиду")]
    assert findings[0].addressee == "Органам местного самоуправления"
    assert findings[5].addressee == "ЦНППМ"
    assert [s.school_id for s in findings[6].schools] == [1, 3]
    assert findings[1].deadline.end == date(2021, 12, 1)


@pytest.mark.parametrize("form", ["docx-numbered", "txt-cp1251"])
def test_lead_ins_worded_otherwise_and_an_addressee_written_before_a_colon(form):
    parts = [("p", "По итогам мониторинга рекомендуется:"), ("li", "Руководителям ОО: обеспечить участие педагогов в КПК;"),
             ("li", "Кураторам: посещать уроки."), ("p", "Предлагаемые управленческие решения:"),
             ("li", "ЦНППМ организовать курсы до 01.12.2021."), ("p", "Профессиональные затруднения педагогов:"),
             ("li", "оценочные: критериальное оценивание;"), ("li", "предметные: решение задач с параметром."),
             ("p", "Факторы, повлиявшие на низкие результаты:"), ("li", "низкий уровень мотивации;"),
             ("li", "нехватка учителей математики.")]
    findings = read(parts, form, reference_date=date(2021, 9, 1)).findings
    assert [(f.kind, f.addressee_kind or f.group or f.code, f.text) for f in findings] == [
        ("recommendation", "all_schools", "обеспечить участие педагогов в КПК"), ("recommendation", "curators", "посещать уроки"),
        ("decision", "cnppm", "ЦНППМ организовать курсы до 01.12.2021"), ("deficit", "оценочные", "критериальное оценивание"),
        ("deficit", "предметные", "решение задач с параметром"), ("cause", "R9", "низкий уровень мотивации"),
        ("cause", "R2", "нехватка учителей математики")]


def test_dashes_typed_without_a_space_are_bullets_too():
    parts = [(kind, text) for kind, text in RECOMMENDATIONS[:4]]
    glued = [("p", text) if kind == "p" else ("p", "–" + text) for kind, text in parts]
    findings = read(glued, "txt-cp1251").findings
    assert [(f.addressee, f.text[:12]) for f in findings] == [
        ("Органам местного самоуправления", "обеспечить у"), ("Органам местного самоуправления", "организовать")]


# ---------------------------------------------------------------- competence groups

DEFICITS = [
    ("p", "По результатам диагностики выявлены следующие профессиональные дефициты педагогов:"),
    ("p", "Группа 1 «Управленческие компетенции»"),
    ("li", "планирование работы по результатам оценочных процедур;"),
    ("p", "Группа 2. Предметные компетенции"),
    ("li", "решение заданий повышенного уровня сложности;"),
    ("p", "Группа 3. Компетенции в области оценивания"),
    ("li", "применение критериального оценивания;"),
    ("li", "разработка контрольно-измерительных материалов;"),
    ("p", "Группа 4. Психолого-педагогические компетенции"),
    ("li", "работа с обучающимися с ОВЗ;"),
    ("li", "Курсы повышения квалификации по ликвидации выявленных дефицитов прошли 12 педагогов."),
]


@pytest.mark.parametrize("form", FORMS)
def test_it_keeps_four_competence_groups_apart_and_a_training_sentence_is_no_deficit(form):
    findings = [f for f in read(DEFICITS, form).findings if f.kind == "deficit"]
    assert [(f.group, f.text[:20]) for f in findings] == [
        ("управленческие", "планирование работы "), ("предметные", "решение заданий повы"),
        ("оценочные", "применение критериал"), ("оценочные", "разработка контрольн"),
        ("психолого-педагогические", "работа с обучающимис")]


def test_a_deficit_without_a_group_heading_gets_its_group_from_its_wording():
    parts = [("p", "Выявленные профессиональные дефициты:"),
             ("li", "недостаточное владение технологией критериального оценивания образовательных результатов;"),
             ("li", "затруднения в управлении мотивацией и поведением обучающихся на уроке;")]
    findings = read(parts, "docx-dashes").findings
    assert [f.group for f in findings] == ["оценочные", "психолого-педагогические"]


# ---------------------------------------------------------------- not activities; intentions are not done

NOT_ACTIVITIES = [
    ("p", "Анализ работы школ с низкими образовательными результатами за I полугодие 2021 года"),
    ("p", "МБОУ СОШ № 2 пгт Кавалерово"),
    ("p", "Были проведены следующие мероприятия:"),
    ("li", "педсовет «Пути преодоления неуспеваемости»;"),
    ("li", "семинар-практикум «Формирующее оценивание»."),
    ("p", "Планируется проведение родительского собрания «Роль семьи в обучении» в марте."),
]


@pytest.mark.parametrize("form", FORMS)
def test_a_school_name_and_a_lead_in_are_no_activities_and_a_plan_is_not_done(form):
    activities = read(NOT_ACTIVITIES, form, schools=KAVALEROVO).activities
    done = [(a.text, a.status) for a in activities if a.status == "done"]
    assert done == [("педсовет «Пути преодоления неуспеваемости»", "done"),
                    ("семинар-практикум «Формирующее оценивание»", "done")]
    assert not any(a.text.startswith(("МБОУ", "Были проведены")) for a in activities)
    planned = [a for a in activities if "родительского собрания" in a.text]
    assert all(a.status != "done" and a.intended for a in planned)


def test_an_intention_in_a_result_cell_is_not_done():
    parts = [("table", [HEADER,
                        ["1.", "Формирование заказа на оценку профессиональных дефицитов", "март 2022",
                         "Сформировать заявку на корпоративный заказ на оценку дефицитов педагогов"],
                        ["2.", "Повышение квалификации управленческих команд", "в течение года",
                         "Планируется обучение управленческой команды в ноябре"],
                        ["3.", "Раздел 2. Работа с родителями", "", ""],
                        ["1.", "Родительское собрание «Учимся вместе»", "октябрь 2022", "Проведено 12.10.2022"]])]
    activities = read(parts, "docx-numbered").activities
    assert [(a.text[:22], a.status, a.intended) for a in activities] == [
        ("Формирование заказа на", "not_done", True), ("Повышение квалификации", "not_done", True),
        ("Родительское собрание ", "done", False)]
    assert activities[2].section == "Раздел 2. Работа с родителями"


# ---------------------------------------------------------------- the document's own sections


def test_a_row_numbered_in_roman_or_written_in_capitals_is_a_section():
    parts = [("table", [HEADER, ["I.", "Работа с педагогами", "", ""],
                        ["1.", "Семинар «Формирующее оценивание»", "март", "Проведён"],
                        ["", "РАБОТА С РОДИТЕЛЯМИ", "", ""],
                        ["2.", "Родительское собрание", "апрель", "Проведено"]])]
    activities = read(parts, "docx-dashes").activities
    assert [(a.section, a.text) for a in activities] == [
        ("I. Работа с педагогами", "Семинар «Формирующее оценивание»"), ("РАБОТА С РОДИТЕЛЯМИ", "Родительское собрание")]


def test_each_row_keeps_its_subprogramme_as_written_and_the_framework_direction_it_names():
    rows = [HEADER[:2] + HEADER[3:]]
    for n, name in ((1, "Адресная поддержка школ с низкими образовательными результатами"),
                    (2, "Организация работы со школами, функционирующими в зоне риска снижения образовательных результатов"),
                    (3, "Профилактика учебной неуспешности")):
        rows.append([f"Подпрограмма {n} «{name} в Уярском районе»", "", ""])
        rows.append([f"{n}.", "Проведение мониторинга школьного благополучия", "Проведён"])
    directions = [("SP1", "Адресная поддержка школ с низкими образовательными результатами"),
                  ("SP2", "Организация работы со школами, функционирующими в зоне риска снижения образовательных результатов"),
                  ("SP3", "Профилактика учебной неуспешности")]
    activities = read([("table", rows)], "docx-numbered", directions=directions).activities
    assert [(a.section_number, a.section_direction) for a in activities] == [("1", "SP1"), ("2", "SP2"), ("3", "SP3")]
    assert activities[2].section_title == "Профилактика учебной неуспешности в Уярском районе"


# ---------------------------------------------------------------- one activity, several schools


@pytest.mark.parametrize("form", ["docx-dashes", "txt-cp1251"])
def test_an_activity_names_each_school_in_its_bracket_even_in_short(form):
    parts = [("p", "Администрацией ОУ проводились следующие мероприятия: педсовет «Профессиональная компетентность "
                   "педагога» (пгт Хрустальный, СОШ № 2), семинар «Формирующее оценивание» (СОШ № 3).")]
    activities = read(parts, form, schools=KAVALEROVO).activities
    assert [[s.school_id for s in a.schools] for a in activities] == [[4, 2], [3]]


# ---------------------------------------------------------------- quantities


@pytest.mark.parametrize("form", TEXT_FORMS)
def test_a_change_of_an_indicator_is_read_with_its_sign_and_unit_people_included(form):
    parts = [("p", "Качество знаний повысилось на 1,1 %, успеваемость снизилась на 3 п.п."),
             ("p", "Количество обучающихся, занимающихся по ИОМ, увеличилось на 5 человек."),
             ("p", "Количество неуспевающих учащихся уменьшилось (с 28 до 10 человек).")]
    found = [(i.code, i.value, i.unit, i.change, i.previous) for i in read(parts, form).indicators]
    assert found == [("quality", Decimal("1.1"), "%", True, None), ("success_rate", Decimal("-3"), "п.п.", True, None),
                     ("iom_pupils", Decimal("5"), "чел.", True, None), ("failing", Decimal("10"), "чел.", False, Decimal("28"))]


@pytest.mark.parametrize(
    "text, value, unit, at_least, previous",
    [("проведено более 20 консультаций", 20, "консультация", True, None),
     ("не менее 3 семинаров для педагогов", 3, "семинар", True, None),
     ("свыше 10 педагогов прошли курсы", 10, "педагог", True, None),
     ("число неуспевающих снизилось с 28 до 10 человек", 10, "человек", False, 28),
     ("проведено 3 семинара", 3, "семинар", False, None)],
)
def test_it_keeps_lower_bounds_and_both_numbers_of_a_change(text, value, unit, at_least, previous):
    [quantity] = find_quantities(text)
    assert (quantity.value, quantity.unit, quantity.at_least, quantity.previous) == (value, unit, at_least, previous)


# ---------------------------------------------------------------- risk profiles

RISK_PROFILE = [
    ("p", "Рисковый профиль МБОУ СОШ № 2 по результатам самодиагностики"),
    ("p", "Школа выявила у себя следующие риски:"),
    ("p", "1. Дефицит педагогических кадров"),
    ("li", "привлечение молодых специалистов по программе «Земский учитель»;"),
    ("li", "переподготовка педагогов по второму предмету."),
    ("p", "2. Низкая мотивация обучающихся к учебе"),
    ("li", "проведение недели математики;"),
    ("li", "вовлечение обучающихся в проектную деятельность."),
    ("p", "3. Слабая внутришкольная система повышения квалификации"),
    ("li", "разработка плана методической работы с учётом дефицитов педагогов."),
]


@pytest.mark.parametrize("form", FORMS)
def test_it_reads_the_risks_of_a_risk_profile_with_their_codes_and_measures(form):
    extraction = read(RISK_PROFILE, form)
    risks = [(f.code, f.text) for f in extraction.findings if f.kind == "risk"]
    assert risks == [("R2", "Дефицит педагогических кадров"), ("R9", "Низкая мотивация обучающихся к учебе"),
                     ("R5", "Слабая внутришкольная система повышения квалификации")]
    measures = [(a.risk, a.text[:20]) for a in extraction.activities]
    assert measures == [("R2", "привлечение молодых "), ("R2", "переподготовка педаг"), ("R9", "проведение недели ма"),
                        ("R9", "вовлечение обучающих"), ("R5", "разработка плана мет")]
    assert all(a.status is None for a in extraction.activities)


RISK_MEASURES_REPORTED = [
    ("p", "Рисковый профиль МБОУ СОШ № 2 по результатам самодиагностики"),
    ("p", "1. Дефицит педагогических кадров"),
    ("li", "Проведена переподготовка двух педагогов по второму предмету."),
    ("li", "Планируется привлечение выпускников педагогических вузов."),
    ("li", "Участие педагогов в работе районных методических объединений."),
    ("p", "2. Низкая мотивация обучающихся к учебе"),
    ("li", "Неделя математики перенесена на март 2022 года."),
    ("li", "Не проведено анкетирование обучающихся по учебной мотивации."),
]


@pytest.mark.parametrize("form", FORMS)
def test_measures_under_a_risk_take_the_status_their_own_wording_reports(form):
    measures = read(RISK_MEASURES_REPORTED, form).activities
    assert [(a.risk, a.status, a.intended) for a in measures] == [
        ("R2", "done", False), ("R2", None, True),  # an intention is not done: no status («не указано»)
        ("R2", None, False),  # «в работе» here names the work, it does not report it under way
        ("R9", "postponed", False), ("R9", "not_done", False)]


RISK_HEADINGS = [
    ("h", "Рисковый профиль школы"),
    ("h", "Риск 1. Кадровый дефицит"),
    ("p", "1. Участие в программе «Земский учитель»."),
    ("p", "2. Переподготовка учителя начальных классов по математике."),
    ("h", "Высокая доля обучающихся с рисками учебной неуспешности"),
    ("p", "1. Организация дополнительных занятий для слабоуспевающих обучающихся."),
]


@pytest.mark.parametrize("form", ["docx-numbered", "txt-utf8"])
def test_risks_written_as_headings_over_numbered_measures(form):
    extraction = read(RISK_HEADINGS, form)
    assert [(f.kind, f.code, f.text) for f in extraction.findings] == [
        ("risk", "R2", "Кадровый дефицит"), ("risk", "R10", "Высокая доля обучающихся с рисками учебной неуспешности")]
    assert [(a.risk, a.text[:12]) for a in extraction.activities] == [
        ("R2", "Участие в пр"), ("R2", "Переподготов"), ("R10", "Организация ")]


def test_a_risk_profile_table_gives_each_risk_once_and_its_measures():
    rows = [["Риск", "Меры по минимизации риска", "Сроки", "Ответственный"],
            ["Дефицит педагогических кадров", "Привлечение молодых специалистов", "2022", "Директор"],
            ["", "Переподготовка педагогов по второму предмету", "2022–2023", "Заместитель директора"],
            ["Низкая учебная мотивация обучающихся", "Неделя математики\nПроектная деятельность", "в течение года",
             "Классные руководители"]]
    extraction = read([("p", "Программа антирисковых мер МБОУ СОШ № 2"), ("table", rows)], "docx-numbered")
    assert [(f.kind, f.code) for f in extraction.findings] == [("risk", "R2"), ("risk", "R9")]
    assert [(a.risk, a.text) for a in extraction.activities] == [
        ("R2", "Привлечение молодых специалистов"), ("R2", "Переподготовка педагогов по второму предмету"),
        ("R9", "Неделя математики"), ("R9", "Проектная деятельность")]


# ---------------------------------------------------------------- deadlines and evidence


def test_a_standing_decision_has_no_end_date():
    parts = [("p", "Управленческие решения:"),
             ("li", "региональному координатору организовать индивидуальную помощь школам (постоянно);"),
             ("li", "ЦНППМ провести практикумы до 01.12.2021.")]
    standing, dated = read(parts, "txt-utf8", reference_date=date(2021, 7, 1)).findings
    assert (standing.standing, standing.deadline.kind, standing.deadline.start, standing.deadline.end) == (
        True, "recurring", None, None)
    assert (dated.standing, dated.deadline.end) == (False, date(2021, 12, 1))


def test_an_evidence_title_is_the_quoted_title_only():
    [bare] = find_evidence("приказ № 45-ОД от 10.09.2021")
    assert (bare.number, bare.date, bare.title) == ("45-ОД", date(2021, 9, 10), "")
    [titled] = find_evidence("Приказ от 10.09.2021 № 45-ОД «О создании рабочей группы»")
    assert titled.title == "О создании рабочей группы"



@pytest.mark.parametrize("form", ["docx-numbered", "txt-cp1251", "pdf"])
def test_recommendations_as_a_table_with_an_addressee_column_merged_down(form):
    rows = [["№", "Адресат", "Рекомендация", "Срок"],
            ["1.", "Органам местного самоуправления", "Организовать стажировки на базе школ-лидеров", "до 01.12.2021"],
            ["2.", "", "Обеспечить участие управленческих команд в КПК", "постоянно"],
            ["3.", "Кураторам", "Посещать уроки педагогов ШНОР", "ежемесячно"]]
    findings = read([("p", "Адресные рекомендации по итогам мониторинга"), ("table", rows)], form,
                    reference_date=date(2021, 9, 1)).findings
    assert [(f.kind, f.addressee_kind, f.text[:20]) for f in findings] == [
        ("recommendation", "municipality", "Организовать стажиро"), ("recommendation", "municipality", "Обеспечить участие у"),
        ("recommendation", "curators", "Посещать уроки педаг")]
    assert (findings[0].deadline.end, findings[1].standing, findings[2].standing) == (date(2021, 12, 1), True, True)


@pytest.mark.parametrize("form", ["docx-numbered", "docx-dashes", "txt-utf8"])
def test_a_school_named_over_items_of_work_done_is_their_school_not_an_activity(form):
    parts = [("p", "В I полугодии были проведены следующие мероприятия:"), ("p", "МБОУ СОШ № 1 пгт Кавалерово:"),
             ("li", "педсовет «Пути преодоления неуспеваемости»;"), ("p", "МБОУ СОШ № 3 пгт Кавалерово:"),
             ("li", "семинар-практикум «Формирующее оценивание».")]
    activities = read(parts, form, schools=KAVALEROVO).activities
    assert [(a.text[:8], [s.school_id for s in a.schools], a.status) for a in activities] == [
        ("педсовет", [1], "done"), ("семинар-", [3], "done")]


# ---------------------------------------------------------------- the signature block

SIGNED_TABLE = [
    ("p", "Отчёт о выполнении плана мероприятий дорожной карты за I полугодие 2021 года"),
    ("table", [HEADER, ["1.", "Педагогический совет по итогам ВПР", "октябрь 2021", "Проведён, протокол № 2"],
               ["2.", "Семинар «Формирующее оценивание»", "ноябрь 2021", "Проведён"]]),
    ("p", "Директор МБОУ СОШ № 2 пгт Кавалерово ____________ И.И. Иванов"),
    ("p", "Исполнитель: Петрова А.А., заместитель директора по УВР, тел. 8(423)55-1-23"),
    # Signatures laid out in a borderless table (in TXT: tab-separated lines right under the activity table).
    ("table", [["Руководитель ШМО", "/подпись/", "О.В. Сидорова"], ["Зам. директора по УВР", "____________", "А.А. Петрова"]]),
]


@pytest.mark.parametrize("form", FORMS)
def test_signature_lines_are_no_activities_and_still_name_the_school(form):
    extraction = read(SIGNED_TABLE, form, schools=KAVALEROVO)
    assert [a.text for a in extraction.activities] == ["Педагогический совет по итогам ВПР", "Семинар «Формирующее оценивание»"]
    assert not any("нет названия мероприятия" in w or "заголовки столбцов" in w for w in extraction.warnings)
    assert [s.school_id for s in extraction.schools] == [2]  # the signature names the school whose report it is


SIGNED_PROSE = [
    ("p", "Анализ работы за I полугодие 2021 года"),
    ("p", "В I полугодии проведён педагогический совет «Пути преодоления неуспеваемости»."),
    ("p", "Отчёт подготовлен заместителем директора по УВР Петровой А.А."),
    ("p", "Руководитель ШМО /подпись/"),
    ("p", "Директор школы: Иванов И.И."),
]


@pytest.mark.parametrize("form", TEXT_FORMS)
def test_a_signature_worded_as_work_done_is_no_activity(form):
    activities = read(SIGNED_PROSE, form).activities
    assert [a.text[:30] for a in activities] == ["В I полугодии проведён педагог"]


# ---------------------------------------------------------------- an item with its status after a dash

STATUS_ITEMS = [
    ("p", "Отчёт о реализации дорожной карты за I полугодие 2021 года"),
    ("p", "Организационно-управленческие меры"),
    ("li", "Педагогический совет по итогам ВПР — выполнено;"),
    ("li", "Методический семинар «Формирующее оценивание» – проведён;"),
    ("p", "Работа с педагогами"),
    ("li", "Курсы повышения квалификации — в процессе;"),
    ("li", "Родительское собрание «Роль семьи в обучении» — не проведено (карантин)."),
]


@pytest.mark.parametrize("form", FORMS)
def test_a_noun_phrase_with_its_status_after_a_dash_is_an_activity_with_that_status(form):
    activities = read(STATUS_ITEMS, form).activities
    assert [(a.text, a.status) for a in activities] == [
        ("Педагогический совет по итогам ВПР", "done"), ("Методический семинар «Формирующее оценивание»", "done"),
        ("Курсы повышения квалификации", "partial"), ("Родительское собрание «Роль семьи в обучении»", "not_done")]
    assert not any(a.status_inferred or a.intended for a in activities)
    if form in TEXT_FORMS:  # a PDF joins a short title line to its neighbours
        assert [a.section for a in activities] == ["Организационно-управленческие меры"] * 2 + ["Работа с педагогами"] * 2


NUMBERED_STATUS_LINES = [
    ("p", "Отчёт о выполнении дорожной карты за I полугодие 2021–2022 учебного года"),
    ("p", "1. Педагогический совет «Пути повышения качества образования» (октябрь 2021) — проведён."),
    ("p", "2. Семинар-практикум для учителей «Работа со слабоуспевающими» — перенесён на январь."),
    ("p", "3. Родительское собрание «Подготовка к ОГЭ» (ноябрь 2021) — выполнено."),
]


@pytest.mark.parametrize("form", FORMS)
def test_a_numbered_status_line_keeps_its_number_and_the_deadline_in_its_brackets(form):
    activities = read(NUMBERED_STATUS_LINES, form).activities
    assert [(a.number, a.text[:22], a.status, a.deadline and a.deadline.text) for a in activities] == [
        ("1.", "Педагогический совет «", "done", "октябрь 2021"), ("2.", "Семинар-практикум для ", "postponed", None),
        ("3.", "Родительское собрание ", "done", "ноябрь 2021")]


# ---------------------------------------------------------------- sections of a prose report

PROSE_SECTIONS = [
    ("p", "Анализ реализации программы перехода в эффективный режим работы за I полугодие"),
    ("p", "1. Организационно-управленческая работа."),
    ("p", "В сентябре проведён педагогический совет «Анализ результатов ВПР». Планируется обучение управленческой команды."),
    ("p", "2. Работа с педагогами."),
    ("p", "Проведены методические семинары «Формирующее оценивание» и «Функциональная грамотность»."),
    ("p", "Были проведены следующие мероприятия:"),
    ("li", "открытые уроки учителей начальных классов;"),
    ("li", "предметная неделя математики."),
]


@pytest.mark.parametrize("form", FORMS)
def test_a_prose_reports_activities_keep_the_numbered_title_they_are_under(form):
    activities = read(PROSE_SECTIONS, form).activities
    assert [(a.section, a.text[:20]) for a in activities] == [
        ("Организационно-управленческая работа", "В сентябре проведён "), ("Работа с педагогами", "Проведены методическ"),
        ("Работа с педагогами", "открытые уроки учите"), ("Работа с педагогами", "предметная неделя ма")]


def test_a_standing_deadline_of_an_activity_has_no_end_date():
    rows = [["Мероприятие", "Ответственный", "Срок", "Отметка о выполнении"],
            ["Мониторинг качества знаний", "Заместитель директора по УВР", "постоянно", "выполняется"],
            ["Курсы повышения квалификации", "Директор", "в течение учебного года", "выполнено"]]
    standing, yearly = read([("table", rows)], "docx-numbered", reference_date=date(2021, 9, 1)).activities
    assert (standing.deadline.kind, standing.deadline.start, standing.deadline.end) == ("recurring", None, None)
    assert (yearly.deadline.start, yearly.deadline.end) == (date(2021, 9, 1), date(2022, 8, 31))


@pytest.mark.parametrize("form", ["docx-numbered", "txt-cp1251", "pdf"])
def test_a_reason_column_gives_the_reason_for_non_fulfilment(form):
    rows = [["Содержание работы", "Сроки", "Ответственные", "Результат (выполнено/не выполнено)", "Причины невыполнения"],
            ["Задача 1. Повышение профессиональной компетентности педагогов", "", "", "", ""],
            ["Участие педагогов в вебинарах ИРО", "в течение года", "Руководители ШМО", "выполнено", ""],
            ["Курсы повышения квалификации учителей математики", "сентябрь", "Заместитель директора", "не выполнено",
             "нет финансирования"]]
    activities = read([("table", rows)], form).activities
    assert [(a.status, a.reason, a.section) for a in activities] == [
        ("done", "", "Задача 1. Повышение профессиональной компетентности педагогов"),
        ("not_done", "нет финансирования", "Задача 1. Повышение профессиональной компетентности педагогов")]


# ---------------------------------------------------------------- prose: lead-ins, intentions, work not done

PROSE_PLANS = [
    ("p", "Информация о работе с низкими образовательными результатами за I полугодие 2021–2022 учебного года"),
    ("p", "В рамках реализации дорожной карты в I полугодии проведены следующие мероприятия"),
    ("li", "педагогический совет «Качество образования: проблемы и пути решения»;"),
    ("li", "семинар для учителей «Смысловое чтение»."),
    ("p", "Во II полугодии будет проведён семинар для учителей математики."),
    ("p", "Планируется, что будут проведены открытые уроки в начальной школе."),
    ("p", "Не проведены курсы повышения квалификации из-за отсутствия финансирования."),
    ("p", "Анализ проведённых мероприятий показал, что работа ведётся системно."),
    ("p", "В дальнейшем планируется продолжить работу по повышению мотивации, проведены беседы с родителями."),
]


@pytest.mark.parametrize("form", FORMS)
def test_in_prose_a_lead_in_is_no_activity_a_plan_is_not_done_and_not_done_is_not_done(form):
    activities = read(PROSE_PLANS, form).activities
    assert [(a.text[:30], a.status) for a in activities] == [
        ("педагогический совет «Качество", "done"), ("семинар для учителей «Смыслово", "done"),
        ("Не проведены курсы повышения к", "not_done"), ("проведены беседы с родителями", "done")]


@pytest.mark.parametrize("form", FORMS)
def test_a_status_in_brackets_and_a_title_with_a_colon_over_its_list(form):
    parts = [("p", "Отчёт о выполнении дорожной карты"), ("p", "Работа с педагогами:"),
             ("li", "Педсовет «Качество образования» (выполнено);"), ("li", "Курсы повышения квалификации (не выполнено)."),
             ("p", "Работа с родителями:"), ("li", "Родительское собрание «Роль семьи» — проведено 20.10.2021.")]
    activities = read(parts, form).activities
    assert [(a.section, a.text, a.status) for a in activities] == [
        ("Работа с педагогами", "Педсовет «Качество образования»", "done"),
        ("Работа с педагогами", "Курсы повышения квалификации", "not_done"),
        ("Работа с родителями", "Родительское собрание «Роль семьи»", "done")]


@pytest.mark.parametrize("form", FORMS)
def test_a_numbered_row_naming_a_direction_of_work_is_a_section_not_an_activity(form):
    rows = [["№", "Мероприятие", "Срок", "Ответственный", "Результат"],
            ["1.", "Организационно-управленческие меры", "", "", ""],
            ["2.", "Педсовет по итогам ВПР", "октябрь 2021", "Директор", "Проведён"],
            ["3.", "Работа с педагогами", "", "", ""],
            ["4.", "Семинар «Смысловое чтение»", "ноябрь 2021", "Заместитель директора", "Проведён"],
            ["5.", "Открытые уроки", "декабрь 2021", "Учителя", ""]]
    activities = read([("p", "Отчёт о выполнении дорожной карты"), ("table", rows)], form).activities
    assert [(a.number, a.section_title) for a in activities] == [
        ("2.", "Организационно-управленческие меры"), ("4.", "Работа с педагогами"), ("5.", "Работа с педагогами")]


# ---------------------------------------------------------------- decisions, causes and values written in sentences

DECISIONS_IN_PROSE = [
    ("p", "Итоги работы за I полугодие обсуждены на заседании педагогического совета."),
    ("p", "Решение педагогического совета: утвердить план мероприятий по повышению качества образования, "
          "срок – до 15.12.2026, ответственный — заместитель директора по УВР Петрова А.А."),
    ("p", "Решили: провести методический семинар «Смысловое чтение», срок — до 20.12.2026."),
    ("p", "Постановили: организовать работу с неуспевающими обучающимися; ответственный — социальный педагог Иванова И.И."),
    ("p", "Решение: разработать ИОМ для слабоуспевающих обучающихся, срок — январь 2027 года."),
]


@pytest.mark.parametrize("form", ["docx-dashes", "txt-utf8", "txt-cp1251"])
def test_a_decision_in_a_sentence_keeps_its_deadline_and_responsible(form):
    findings = read(DECISIONS_IN_PROSE, form, reference_date=date(2026, 9, 1)).findings
    assert [(f.kind, f.text, f.deadline and f.deadline.end, f.responsible) for f in findings] == [
        ("decision", "утвердить план мероприятий по повышению качества образования", date(2026, 12, 15),
         "заместитель директора по УВР Петрова А.А."),
        ("decision", "провести методический семинар «Смысловое чтение»", date(2026, 12, 20), ""),
        ("decision", "организовать работу с неуспевающими обучающимися", None, "социальный педагог Иванова И.И."),
        ("decision", "разработать ИОМ для слабоуспевающих обучающихся", date(2027, 1, 31), "")]


CAUSES_IN_PROSE = [
    ("p", "Причинами недостаточной динамики являются низкая мотивация обучающихся, дефицит педагогических кадров, "
          "слабая материально-техническая база."),
    ("p", "Причины низких результатов: пробелы в знаниях за курс начальной школы; недостаточная работа с родителями."),
    ("p", "Основная причина — низкая учебная мотивация обучающихся, в том числе в 8–9 классах."),
    ("p", "Проведены консультации для родителей."),
]


@pytest.mark.parametrize("form", ["docx-dashes", "txt-utf8", "txt-cp1251"])
def test_causes_stated_in_a_sentence_are_each_a_cause(form):
    extraction = read(CAUSES_IN_PROSE, form)
    assert [(f.kind, f.text) for f in extraction.findings] == [
        ("cause", "низкая мотивация обучающихся"), ("cause", "дефицит педагогических кадров"),
        ("cause", "слабая материально-техническая база"), ("cause", "пробелы в знаниях за курс начальной школы"),
        ("cause", "недостаточная работа с родителями"),
        ("cause", "низкая учебная мотивация обучающихся, в том числе в 8–9 классах")]
    assert [a.text for a in extraction.activities] == ["Проведены консультации для родителей"]


@pytest.mark.parametrize("form", ["docx-dashes", "txt-utf8", "txt-cp1251"])
def test_values_stated_in_long_sentences_and_indicators_the_document_names(form):
    parts = [("p", "За полугодие доля обучающихся, имеющих неудовлетворительные отметки по итогам четверти, "
                   "снизилась с 12,5 % до 9,0 %."),
             ("p", "Качество знаний обучающихся 5–9 классов по итогам I полугодия 2026–2027 учебного года составило 38,4 %."),
             ("p", "По итогам года составило 41,2 % качество знаний по русскому языку."),
             ("p", "Количество обучающихся, не освоивших программу, сократилось с 28 до 10 человек."),
             ("p", "Число педагогов наставников с 2024 до 2026 года выросло на 5 человек.")]
    found = [(i.code, i.name, i.value, i.previous, i.unit, i.change) for i in read(parts, form).indicators]
    assert found == [
        (None, "доля обучающихся, имеющих неудовлетворительные отметки по итогам четверти", Decimal("9.0"),
         Decimal("12.5"), "%", False),
        ("quality", "качество знаний", Decimal("38.4"), None, "%", False),
        ("quality", "качество знаний", Decimal("41.2"), None, "%", False),
        (None, "Количество обучающихся, не освоивших программу", Decimal("10"), Decimal("28"), "чел.", False),
        (None, "Число педагогов наставников с 2024 до 2026 года", Decimal("5"), None, "чел.", True)]


# ---------------------------------------------------------------- fragments that are no activities, headings no risks


@pytest.mark.parametrize("form", ["docx-dashes", "txt-utf8", "txt-cp1251"])
def test_a_count_after_a_colon_and_a_relative_clause_stay_in_their_activity(form):
    parts = [("p", "Педагоги прошли обучение по программам ДПО: 4 человека, курсы «Формирующее оценивание»."),
             ("p", "Проведены методические семинары «Смысловое чтение» и «Функциональная грамотность», "
                   "в которых приняли участие 8 педагогов."),
             ("p", "Организован лекторий для родителей, по итогам которого составлен план работы.")]
    activities = read(parts, form).activities
    assert [a.text for a in activities] == [
        "Педагоги прошли обучение по программам ДПО: 4 человека, курсы «Формирующее оценивание»",
        "Проведены методические семинары «Смысловое чтение» и «Функциональная грамотность», в которых приняли "
        "участие 8 педагогов",
        "Организован лекторий для родителей, по итогам которого составлен план работы"]


@pytest.mark.parametrize("form", TEXT_FORMS)
def test_a_heading_naming_risks_in_general_is_no_risk(form):
    parts = [("p", "Рисковый профиль МБОУ СОШ № 2 по результатам самодиагностики"),
             ("p", "Актуальные риски школы и меры по их снижению"),
             ("p", "1. Дефицит педагогических кадров"),
             ("li", "привлечение молодых специалистов по программе «Земский учитель»."),
             ("p", "2. Низкая мотивация обучающихся к учебе"),
             ("li", "проведение недели математики.")]
    extraction = read(parts, form)
    assert [(f.kind, f.code) for f in extraction.findings] == [("risk", "R2"), ("risk", "R9")]
    assert [a.risk for a in extraction.activities] == ["R2", "R9"]
