"""No technical text where people read: every export of the demo (XLSX, CSV, DOCX), the audit log, the report
page's indicator values, the stale-edit message."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from shnor.monitoring import workflow
from shnor.monitoring.models import Campaign, Indicator, ReportEntry

pytestmark = pytest.mark.django_db

# Python reprs, snake_case codes (rule ids, field names, activity-type codes), command names, tracebacks.
TECHNICAL = re.compile(r"<bound method|object at 0x|\{'|\[None|Traceback|\bshnor [a-z]+\b|\b[a-z]+_[a-z_]+\b|\bNone\b")
# An internal code on its own in a cell: «teachers», «pk_courses», «report.edit».
CODE_CELL = re.compile(r"^[a-z][a-z0-9_.]*$")


def leaks(cells: list[str]) -> list[str]:
    found = [m.group() for cell in cells for m in TECHNICAL.finditer(cell)]
    return found + [cell for cell in cells if CODE_CELL.match(cell) and cell not in ("xlsx", "csv")]


SCHOOL_CODE = re.compile(r"^\d+$")


def readable(rows) -> list[str]:
    """The cells people read, every column included. A column headed «Код …» may hold a school's number (kept for
    importing the file back, named as such); anything else in it is scanned like every other cell — an internal code
    such as a catalogue's «staff_shortage» is a leak there too."""
    cells, codes = [], set()
    for row in rows:
        values = ["" if v is None else str(v) for v in row]
        if any(v.startswith("Код") for v in values):
            codes = {i for i, v in enumerate(values) if v.startswith("Код")}
        cells += [v for i, v in enumerate(values) if v and not (i in codes and SCHOOL_CODE.match(v))]
    return cells


def test_a_code_column_is_scanned_except_for_school_numbers():
    cells = readable([("Код школы", "Школа", "Код по каталогу"), (12, "МБОУ «Альфа СОШ»", "staff_shortage")])
    assert leaks(cells) == ["staff_shortage", "staff_shortage"]  # as snake_case text and as a code alone in its cell
    assert "12" not in cells


def xlsx_cells(data: bytes) -> list[str]:
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    return [cell for sheet in book.worksheets for cell in readable(sheet.iter_rows(values_only=True))]


def csv_cells(data: bytes) -> list[str]:
    text = data.decode("utf-8-sig")
    return readable(csv.reader(io.StringIO(text), delimiter=";" if text.count(";") > text.count(",") else ","))


def docx_text(data: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    return [re.sub(r"<[^>]+>", "", paragraph) for paragraph in re.findall(r"<w:p[ >].*?</w:p>", xml)]


@pytest.fixture
def coordinator():
    from django.contrib.auth import get_user_model

    client = Client()
    client.force_login(get_user_model().objects.get(username="coordinator"))
    return client


def demo_exports() -> list[str]:
    from shnor.exchange.tables import TABLES

    urls = []
    for campaign in Campaign.objects.filter(code__startswith="bryansk"):
        for table in ("coverage", "completeness"):
            urls += [reverse("export_table", args=[campaign.code, table, fmt]) for fmt in ("xlsx", "csv")]
        urls += [reverse("exchange_campaign_export", args=[campaign.code, name, fmt]) for name in TABLES for fmt in ("xlsx", "csv")]
    urls += [reverse("exchange_export", args=[name, fmt]) for name, spec in TABLES.items() if spec.campaign != "required"
             for fmt in ("xlsx", "csv")]
    # the blanks to fill in, with their reference sheets, filled with a school's roadmap and a campaign's schools
    from shnor.registry.models import School

    school = School.objects.get(short_name="МБОУ «Гобикская СОШ»")
    urls += [reverse("exchange_roadmap_template") + f"?school={school.pk}", reverse("exchange_indicator_template") + "?campaign=bryansk-2021-h2",
             reverse("exchange_roadmap_template"), reverse("exchange_indicator_template")]
    return urls


def test_no_export_of_the_demo_carries_technical_text(coordinator):
    problems, seen = [], 0
    for url in demo_exports():
        response = coordinator.get(url)
        if response.status_code == 404:  # a table not offered for a campaign
            continue
        assert response.status_code == 200, url
        data = b"".join(response.streaming_content) if response.streaming else response.content
        cells = csv_cells(data) if url.endswith(".csv") else xlsx_cells(data)
        problems += [f"{url}: {leak!r}" for leak in leaks(cells)]
        seen += 1
    assert seen >= 20
    spravka = coordinator.get(reverse("spravka_download", args=["bryansk-2021-h1", "docx"]))
    assert spravka.status_code == 200
    problems += [f"справка: {leak!r}" for leak in leaks(docx_text(spravka.content))]
    assert not problems, "\n".join(problems)


def test_the_completeness_export_names_the_period_not_a_method(coordinator):
    campaign = Campaign.objects.get(code="bryansk-2021-h1")
    cells = xlsx_cells(coordinator.get(reverse("export_table", args=[campaign.code, "completeness", "xlsx"])).content)
    assert any(campaign.period_label() in c for c in cells)
    assert not any("bound method" in c for c in cells)


def named_head(world):
    head = world.users["head"]
    head.first_name, head.last_name = "Марина Ивановна", "Кузнецова"
    head.save()
    return head


def test_the_audit_log_speaks_russian_and_names_people(world):
    head = named_head(world)
    report = workflow.open_report(world.campaign, world.a1, head)
    entry = report.entries.first() or ReportEntry.objects.create(report=report, title="Курсы повышения квалификации", order=1)
    change = workflow.EntryChange(pk=entry.pk, title=entry.title, status="done", actual_result="Прошли курсы")
    workflow.save_report(report, head, report.version, [change])
    page = world.client("coordinator").get(reverse("audit_log")).content.decode()
    assert "Марина Ивановна Кузнецова" in page and "отчёт изменён" in page
    assert "статус: — → выполнено" in page
    table = page.split('id="audit"')[1]
    assert "report.edit" not in table and "{&#x27;" not in table and "t_head" not in table


def test_a_stale_edit_names_who_changed_the_report_with_the_right_verb(world):
    head = named_head(world)
    report = workflow.open_report(world.campaign, world.a1, head)
    version = report.version
    workflow.save_report(report, head, version, [], summary="Первая версия")
    with pytest.raises(workflow.StaleEdit, match="Отчёт уже изменила Марина Ивановна Кузнецова"):
        workflow.save_report(report, head, version, [], summary="Вторая версия")


def test_indicator_values_show_at_their_own_decimals():
    quality = Indicator(code="q", name="Качество знаний", unit="%", decimals=1)
    people = Indicator(code="p", name="Неуспевающие", unit="чел.", decimals=0)
    assert quality.format(Decimal("42.500")).replace("\xa0", " ") == "42,5 %"
    assert people.format(Decimal("3.000")).replace("\xa0", " ") == "3 чел."
    assert quality.format(None) == "—"
