"""Issue 12, part 1 (storage): indicator changes and levels with their previous value, causes read from a row's cell
linked to that row's entry, a risk profile's measures with the status their wording reports and linked to their
risk — each stored where it belongs, shown, and taken back exactly by undo."""

from __future__ import annotations

import io
from decimal import Decimal

from django.urls import reverse

from shnor.diagnosis.models import Need
from shnor.intake import services
from shnor.intake.models import ImportItem
from shnor.monitoring.models import IndicatorChange, IndicatorValue, ReportEntry, SchoolReport

from .test_commit_kinds import read

TITLE = "Отчёт МБОУ «Альфа СОШ» о реализации программы перехода в эффективный режим работы за I полугодие 2021/2022 учебного года"
SIGNATURE = "Директор МБОУ «Альфа СОШ»\tМ. Директорова"


def docx(parts: list[tuple]) -> bytes:
    import docx as python_docx

    document = python_docx.Document()
    for kind, content in parts:
        if kind == "table":
            table = document.add_table(rows=0, cols=len(content[0]))
            for row in content:
                for cell, text in zip(table.add_row().cells, row, strict=True):
                    first, *rest = text.split("\n")
                    cell.text = first
                    for line in rest:
                        cell.add_paragraph(line)
        elif kind == "li":
            document.add_paragraph(content, style="List Bullet")
        else:
            document.add_paragraph(content)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def state(world) -> dict:
    return {
        "entries": sorted(ReportEntry.objects.filter(report__campaign=world.campaign).values_list("pk", "title", "status", "quantities")),
        "values": sorted(IndicatorValue.objects.values_list("pk", "indicator__code", "value", "previous")),
        "changes": sorted(IndicatorChange.objects.values_list("pk", "indicator__code", "amount", "unit")),
        "needs": sorted(Need.objects.values_list("pk", "text", "entry")),
        "measures": sorted(Need.measure_entries.through.objects.values_list("need_id", "reportentry_id")),
    }


def report_page(world) -> str:
    return world.client("coordinator").get(reverse("report_detail", args=[world.campaign.code, world.a1.pk])).content.decode()


# ---------------------------------------------------------------- indicator changes and levels with their previous value

RESULTS = f"""{TITLE}

Результаты работы за полугодие.
Качество знаний повысилось на 1,1 %, успеваемость снизилась на 3 п.п.
Количество обучающихся, занимающихся по ИОМ, увеличилось на 5 человек.
Количество неуспевающих учащихся уменьшилось на 0,76 % (с 28 до 10 человек).

{SIGNATURE}
"""


def test_a_change_is_kept_as_a_change_and_a_level_keeps_its_previous_value_until_undo(world):
    from shnor.monitoring.workflow import open_report

    open_report(world.campaign, world.a1)
    before = state(world)
    batch = read(world, RESULTS.encode("cp1251"))
    review = world.client("coordinator").get(reverse("intake_batch", args=[batch.pk])).content.decode()
    assert "+1,1\u00a0%" in review and "−3\u00a0п.п." in review and "10\u00a0чел. (было 28)" in review
    assert not ImportItem.objects.filter(file__batch=batch, kind="indicator", include=False).exists()  # changes are stored too

    counts = services.commit_batch(batch, world.users["coordinator"])
    assert counts["changes"] == 4 and counts["indicators"] == 1
    changes = {c.indicator.code: (c.amount, c.unit) for c in IndicatorChange.objects.filter(school=world.a1, campaign=world.campaign)}
    assert changes == {"quality": (Decimal("1.1"), "%"), "success_rate": (Decimal("-3"), "п.п."), "iom_pupils": (Decimal("5"), "чел."),
                       "failing": (Decimal("-0.76"), "%")}
    # A change gives no level: no value is invented for the quality, the success rate or the pupils on ИОМ.
    failing = IndicatorValue.objects.get(school=world.a1, campaign=world.campaign)
    assert (failing.indicator.code, failing.value, failing.previous) == ("failing", 10, 28)
    page = report_page(world)
    assert "10\u00a0чел. (было 28\u00a0чел.)" in page and "+1,1\u00a0%" in page and "−3\u00a0п.п." in page and "+5\u00a0чел." in page
    assert "−0,76\u00a0%" in page

    services.undo_batch(batch, world.users["coordinator"])
    assert state(world) == before


def test_a_later_import_of_a_change_is_undone_back_to_the_earlier_one(world):
    first = read(world, RESULTS)
    services.commit_batch(first, world.users["coordinator"])
    second = read(world, RESULTS.replace("повысилось на 1,1 %", "повысилось на 2,5 %").replace("с 28 до 10", "с 12 до 9"), name="second.txt")
    services.commit_batch(second, world.users["coordinator"])
    quality = IndicatorChange.objects.get(indicator__code="quality", school=world.a1)
    assert quality.amount == Decimal("2.5") and IndicatorChange.objects.filter(school=world.a1).count() == 4
    assert IndicatorValue.objects.get(indicator__code="failing", school=world.a1).previous == 12
    services.undo_batch(second, world.users["coordinator"])
    assert IndicatorChange.objects.get(pk=quality.pk).amount == Decimal("1.1")
    assert IndicatorValue.objects.get(indicator__code="failing", school=world.a1).previous == 28


# ---------------------------------------------------------------- causes listed in a row's cell

CAUSES_IN_A_CELL = [
    ("p", TITLE),
    ("table", [
        ["№ п/п", "Мероприятие", "Срок", "Информация о выполнении"],
        ["1.", "Проведение ВПР и анализ их результатов", "октябрь 2021",
         "ВПР проведены в 5–8 классах. По итогам анализа выявлены причины низких результатов:\n"
         "– низкая учебная мотивация обучающихся;\n"
         "– пробелы в знаниях по математике за курс начальной школы."],
        ["2.", "Конкурс чтецов для учащихся 5-7 классов", "ноябрь 2021",
         "Проведён; число участников выросло с 12 до 34 человек"],
    ]),
    ("p", SIGNATURE.replace("\t", " ")),
]


def test_causes_read_from_a_rows_cell_are_linked_to_that_rows_entry_until_undo(world):
    from shnor.monitoring.workflow import open_report

    open_report(world.campaign, world.a1)
    before = state(world)
    batch = read(world, docx(CAUSES_IN_A_CELL), name="report.docx")
    counts = services.commit_batch(batch, world.users["coordinator"])
    assert counts["causes"] == 2
    report = SchoolReport.objects.get(campaign=world.campaign, school=world.a1)
    vpr = report.entries.get(title__startswith="Проведение ВПР")
    causes = Need.objects.filter(school=world.a1, kind=Need.Kind.CAUSE)
    assert sorted(c.text for c in causes) == ["низкая учебная мотивация обучающихся", "пробелы в знаниях по математике за курс начальной школы"]
    assert {c.entry_id for c in causes} == {vpr.pk}
    # The entry's quantity keeps both numbers of the change.
    contest = report.entries.get(title__startswith="Конкурс чтецов")
    [quantity] = contest.quantities
    assert (Decimal(str(quantity["value"])), Decimal(str(quantity["previous"]))) == (34, 12) and "с 12 до 34" in quantity["label"]
    page = report_page(world)
    assert "Выявлено: причина низких результатов — низкая учебная мотивация обучающихся" in page and "с 12 до 34 человек" in page
    school_page = world.client("coordinator").get(reverse("school_detail", args=[world.a1.pk])).content.decode()
    assert "в отчёте о мероприятии «Проведение ВПР и анализ их результатов»" in school_page

    services.undo_batch(batch, world.users["coordinator"])
    assert state(world) == before


# ---------------------------------------------------------------- a risk profile's measures

RISK_PROFILE = [
    ("p", "Рисковый профиль МБОУ «Альфа СОШ» по результатам самодиагностики"),
    ("p", "1. Дефицит педагогических кадров"),
    ("li", "Проведена переподготовка двух педагогов по второму предмету."),
    ("li", "Планируется привлечение выпускников педагогических вузов."),
    ("p", "2. Низкая мотивация обучающихся к учебе"),
    ("li", "Неделя математики перенесена на март 2022 года."),
]


def test_a_risk_profiles_unplanned_measures_keep_their_status_and_are_the_risks_measures_until_undo(world):
    from shnor.monitoring.workflow import open_report

    open_report(world.campaign, world.a1)
    before = state(world)
    batch = read(world, docx(RISK_PROFILE), name="profile.docx", school=world.a1)
    counts = services.commit_batch(batch, world.users["coordinator"])
    assert counts["risks"] == 2 and counts["entries"] == 3
    report = SchoolReport.objects.get(campaign=world.campaign, school=world.a1)
    statuses = dict(report.entries.filter(planned_activity=None).values_list("title", "status"))
    assert statuses == {"Проведена переподготовка двух педагогов по второму предмету": "done",
                        "Планируется привлечение выпускников педагогических вузов": "",  # a plan, not done: «не отмечено»
                        "Неделя математики перенесена на март 2022 года": "postponed"}
    staff, motivation = Need.objects.get(school=world.a1, code="R2"), Need.objects.get(school=world.a1, code="R9")
    assert sorted(e.title[:20] for e in staff.measure_entries.all()) == ["Планируется привлече", "Проведена переподгот"]
    assert [e.title[:20] for e in motivation.measure_entries.all()] == ["Неделя математики пе"]
    assert "Мера по риску: Дефицит педагогических кадров" in report_page(world)
    school_page = world.client("coordinator").get(reverse("school_detail", args=[world.a1.pk])).content.decode()
    assert "Неделя математики перенесена на март 2022 года <span class=\"badge\">не было в плане</span>" in school_page

    services.undo_batch(batch, world.users["coordinator"])
    assert state(world) == before
