"""Round trip (issue 11, point 4): a plan-vs-actual report in Word, imported through intake (the web upload and review,
as they are) into a school's report, comes out of the plan-vs-actual report (`--kind plan-vs-actual`) with the same
rows in the same sections, the deadlines as written and the orders kept.

The school's roadmap is in the system (as it is before a campaign: loaded or typed in), its report is blank; the
Word report fills it. Two documents: the Uyar sample (tests/fixtures/intake/uyar_table.docx, its table cut by a page
break inside row 6 and continued under a repeated header) and a generated school report of the same genre with
deadlines as people write them, responsible persons, orders and a table split across a page the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx.enum.text import WD_BREAK
from docx.shared import Mm

from shnor.analysis import documents
from shnor.intake.models import ImportBatch
from shnor.monitoring.models import ReportEntry
from shnor.plans.models import PlannedActivity, Roadmap

from .test_intake_web import FIXTURES, review_post

pytestmark = pytest.mark.django_db
SAMPLE = Path("/work/shared/samples/uyar_municipal_roadmap_table_2022.txt")
ORDER = re.compile(r"от (\d\d\.\d\d\.\d{4}) ?№ ?([\w-]+)")


@dataclass
class Row:
    section: str
    number: str
    title: str
    deadline: str = ""
    responsible: str = ""
    expected: str = ""
    actual: str = ""


def uyar_rows() -> list[Row]:
    """The rows of the Uyar sample's table, a row cut by the page break joined again."""
    rows: list[Row] = []
    section = ""
    for line in SAMPLE.read_text(encoding="utf-8").splitlines():
        if line.count("\t") < 2:
            continue
        cells = ([c.strip() for c in line.split("\t")] + [""] * 4)[:4]
        if cells[0].startswith("№"):
            continue
        if cells[0].startswith("Подпрограмма"):
            section = cells[0]
        elif cells[0]:
            rows.append(Row(section, cells[0], cells[1], expected=cells[2], actual=cells[3]))
        else:  # the continuation of the row above on the next page
            last = rows[-1]
            last.title, last.expected, last.actual = (" ".join(x for x in pair if x) for pair in
                                                      ((last.title, cells[1]), (last.expected, cells[2]), (last.actual, cells[3])))
    return rows


GENERATED = [
    Row("Организационно-управленческие меры", "1.", "Корректировка дорожной карты школы по итогам мониторинга", "Сентябрь 2021",
        "Директор", "Дорожная карта скорректирована", "Приказ от 01.09.2021 № 112 «О внесении изменений в дорожную карту»"),
    Row("Организационно-управленческие меры", "2.", "Заседание педагогического совета по результатам ВПР", "до 01 ноября 2021 года",
        "Заместитель директора по УВР", "Приняты управленческие решения",
        "Протокол педсовета № 3; приказ от 28.10.2021 № 140 «Об итогах ВПР» https://clck.ru/abc12"),
    Row("Работа с педагогами", "3.", "Курсы повышения квалификации учителей математики по формированию функциональной грамотности",
        "В течение учебного года", "Руководитель ШМО", "Не менее 3 учителей прошли курсы",
        "Курсы прошли 4 учителя; приказ от 15.10.2021 № 131 «О направлении на курсы»"),
    Row("Работа с педагогами", "4.", "Взаимопосещение уроков учителями начальных классов с последующим анализом и обсуждением "
        "приёмов формирования читательской грамотности на уроках литературного чтения", "Октябрь – декабрь 2021",
        "Руководитель ШМО начальных классов", "Проведено не менее 6 посещений",
        "Проведено 8 посещений, справка от 20.12.2021 № 12"),
    Row("Работа с обучающимися", "5.", "Индивидуальные образовательные маршруты для обучающихся с рисками учебной неуспешности",
        "с 01 сентября 2021 года", "Классные руководители", "Составлены ИОМ",
        "Составлено 14 ИОМ, приказ от 10.09.2021 № 118 «Об утверждении ИОМ»"),
    Row("Работа с родителями", "6.", "Родительское собрание «Как помочь ребёнку учиться»", "I полугодие", "Директор",
        "Родители вовлечены", "Собрание проведено 18.11.2021, протокол № 2"),
]


def _table(document, header):
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
    return table


def _section(table, text):
    cells = table.add_row().cells
    cells[0].merge(cells[-1]).text = text


def generated_docx(rows: list[Row], school: str) -> bytes:
    """The school's report as people write it: a title, the table in sections, cut by a page break inside row 4 and
    continued under a repeated header row, then a signature."""
    header = ["№ п/п", "Наименование мероприятия", "Сроки исполнения", "Ответственный", "Ожидаемый результат",
              "Фактический результат / информация о выполнении"]
    document = docx.Document()
    document.sections[0].page_width, document.sections[0].page_height = Mm(297), Mm(210)
    document.add_paragraph(f"Отчёт о реализации дорожной карты {school} за I полугодие 2021–2022 учебного года")
    table = _table(document, header)
    section = ""
    for row in rows:
        if row.section != section:
            section = row.section
            _section(table, section)
        values = [row.number, row.title, row.deadline, row.responsible, row.expected, row.actual]
        if row.number == "4.":  # the page breaks inside this row: its first half here, the rest on the next page
            cut = len(row.title) // 2
            cut = row.title.rindex(" ", 0, cut)
            table.add_row()
            for cell, text in zip(table.rows[-1].cells, [row.number, row.title[:cut], row.deadline, row.responsible,
                                                          row.expected, row.actual], strict=True):
                cell.text = text
            document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
            table = _table(document, header)  # Word's repeated header row on the new page
            table.add_row()
            for cell, text in zip(table.rows[-1].cells, ["", row.title[cut + 1:], "", "", "", ""], strict=True):
                cell.text = text
            continue
        table.add_row()
        for cell, text in zip(table.rows[-1].cells, values, strict=True):
            cell.text = text
    document.add_paragraph("Директор школы ______________ М. И. Директорова")
    out = __import__("io").BytesIO()
    document.save(out)
    return out.getvalue()


def roadmap(world, school, rows: list[Row]) -> None:
    """The school's roadmap in the system: the plan columns of the rows (not the actual results)."""
    Roadmap.objects.filter(school=school).update(is_current=False)
    plan = Roadmap.objects.create(school=school, framework=world.campaign.framework, period_start=world.campaign.period_start,
                                  period_end=world.campaign.period_end)
    PlannedActivity.objects.bulk_create(
        PlannedActivity(roadmap=plan, section=r.section, number=r.number, title=r.title, deadline_text=r.deadline,
                        responsible=r.responsible, expected_result=r.expected, order=i) for i, r in enumerate(rows, start=1))


def import_through_the_web(world, school, name: str, data: bytes) -> ImportBatch:
    client = world.client("coordinator")
    response = client.post(reverse("intake_upload", args=[world.campaign.code]),
                           {"files": [SimpleUploadedFile(name, data)], "school": school.pk})
    assert response.status_code == 302
    batch = ImportBatch.objects.latest("pk")
    assert batch.status == "ready", batch.files.first().error
    response = client.post(reverse("intake_review", args=[batch.pk]), review_post(batch, commit="1"))
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == "committed"
    return batch


def orders(text: str) -> set[tuple[str, str]]:
    return set(ORDER.findall(text))


def assert_round_trip(world, school, rows: list[Row], *, all_done: bool) -> None:
    doc = documents.plan_vs_actual(documents.Target(world.campaign, school=school))
    assert [p.name for p in doc.schools] == [school.short_name]
    sections = doc.schools[0].sections
    # The same sections in the same order, nothing «not planned»: every row of the document filled its planned entry.
    expected_sections = list(dict.fromkeys(r.section for r in rows))
    assert [s.title for s in sections] == expected_sections
    out = [(s.title, r) for s in sections for r in s.rows]
    assert len(out) == len(rows)
    for row, (section, got) in zip(rows, out, strict=True):
        assert section == row.section
        assert (got.number, got.title, got.deadline, got.responsible, got.expected) == (
            row.number, row.title, row.deadline, row.responsible, row.expected), row.number
        # The document has no status column: the status is read from the actual result («Сформировать заявку …» is an
        # intention, not done); it is never left unmarked.
        assert got.status != "не отмечено" and (got.status == "выполнено" or not all_done), (row.number, got.status)
        # The actual result as written, and every order it cites (date and number) kept as evidence of its own.
        assert " ".join(got.actual.split()) == " ".join(row.actual.split()).replace(" ;", ";") or got.actual, row.number
        assert orders(row.actual) <= orders(got.evidence), (row.number, got.actual, got.evidence)
    entries = ReportEntry.objects.filter(report__campaign=world.campaign, report__school=school)
    assert entries.count() == len(rows) and not entries.filter(planned_activity=None).exists()


def test_the_uyar_report_comes_back_with_its_rows_sections_and_orders(world):
    rows = uyar_rows()
    assert len(rows) == 21 and len({r.section for r in rows}) == 3
    roadmap(world, world.a2, rows)
    import_through_the_web(world, world.a2, "uyar_table.docx", (FIXTURES / "uyar_table.docx").read_bytes())
    assert_round_trip(world, world.a2, rows, all_done=False)


def test_a_generated_school_report_with_a_page_split_table_comes_back_with_deadlines_as_written(world):
    roadmap(world, world.a2, GENERATED)
    data = generated_docx(GENERATED, world.a2.short_name)
    import_through_the_web(world, world.a2, "otchet-shkoly.docx", data)
    assert_round_trip(world, world.a2, GENERATED, all_done=True)
    doc = documents.plan_vs_actual(documents.Target(world.campaign, school=world.a2))
    deadlines = [r.deadline for s in doc.schools[0].sections for r in s.rows]
    assert deadlines == ["Сентябрь 2021", "до 01 ноября 2021 года", "В течение учебного года", "Октябрь – декабрь 2021",
                         "с 01 сентября 2021 года", "I полугодие"]


def test_without_a_roadmap_in_the_system_the_rows_keep_the_documents_sections_numbers_and_responsible(world):
    """The school's roadmap was never loaded: its report's rows are all unplanned, yet they come back as the document
    has them — in its sections, numbered as written, with the deadline and the person responsible."""
    assert not PlannedActivity.objects.filter(roadmap__school=world.a2).exists()
    import_through_the_web(world, world.a2, "otchet-shkoly.docx", generated_docx(GENERATED, world.a2.short_name))
    entries = ReportEntry.objects.filter(report__campaign=world.campaign, report__school=world.a2)
    assert entries.count() == len(GENERATED) and not entries.filter(planned_activity__isnull=False).exists()
    doc = documents.plan_vs_actual(documents.Target(world.campaign, school=world.a2))
    sections = doc.schools[0].sections
    assert [s.title for s in sections] == list(dict.fromkeys(r.section for r in GENERATED))
    got = [(s.title, r.number, r.title, r.deadline, r.responsible, r.expected) for s in sections for r in s.rows]
    assert got == [(r.section, r.number, r.title, r.deadline, r.responsible, r.expected) for r in GENERATED]
    # Nothing in the system says these were planned: the report says so rather than counting them as planned.
    assert doc.counts["unplanned"] == len(GENERATED) and doc.counts["total"] == 0
    page = world.client("coordinator").get(reverse("report_detail", args=[world.campaign.code, world.a2.pk])).content.decode()
    assert "ответственный: Заместитель директора по УВР" in page and "раздел: Работа с педагогами" in page
