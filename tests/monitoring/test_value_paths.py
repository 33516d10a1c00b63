"""Every path into an indicator value refuses the same out-of-range values, with a message, writing nothing.

The rule is one function, workflow.validate_indicator_value; the report form, the API, the Excel import, the
intake commit and restore all reach it (issue 15, fault 1: «100000000000000000000 %» once corrupted the database).
"""

from __future__ import annotations

import io
import json
import zipfile
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from openpyxl import Workbook

from shnor.exchange.access import coordinated_schools
from shnor.exchange.indicators import import_indicators
from shnor.intake.models import ImportBatch, ImportFile, ImportItem
from shnor.monitoring import workflow
from shnor.monitoring.models import Indicator, IndicatorValue, SchoolReport

from ..api.conftest import Api

# (indicator, value as a person types it, what the message says)
OUT_OF_RANGE = [
    ("quality", "100000000000000000000", "больше 100 %"),
    ("quality", "250", "больше 100 %"),
    ("quality", "-15", "не бывает меньше нуля"),
    ("failing", "2,5", "должно быть целым числом"),
    ("failing", "-1", "не бывает меньше нуля"),
    ("failing", "1000000000", "слишком большое"),
]


def _dot(raw: str) -> str:
    return raw.replace(",", ".")


def via_form(world, code, raw) -> str:
    client = world.client("head")
    url = reverse("report_edit", args=[world.campaign.code, world.a1.pk])
    client.get(url)
    report = SchoolReport.objects.get(campaign=world.campaign, school=world.a1)
    indicator = Indicator.objects.get(code=code)
    response = client.post(url, {"version": report.version, "summary": "", f"ind{indicator.pk}": raw})
    assert response.status_code == 400
    return response.content.decode()


def via_api(world, code, raw) -> str:
    report = workflow.open_report(world.campaign, world.a1)
    response = Api(world).patch("head", f"/api/v1/reports/{report.pk}/",
                                {"version": report.version, "indicators": [{"indicator": code, "value": _dot(raw)}]})
    assert response.status_code == 400, response.content
    return json.dumps(response.json(), ensure_ascii=False)


def via_excel(world, code, raw) -> str:
    wb = Workbook()
    ws = wb.active
    ws.append(["Школа", "Показатель", "Значение"])
    ws.append([world.a1.short_name, Indicator.objects.get(code=code).name, raw])
    buf = io.BytesIO()
    wb.save(buf)
    user = world.users["coordinator"]
    result = import_indicators(buf.getvalue(), "показатели.xlsx", user, coordinated_schools(user), world.campaign)
    assert not result.committed
    return " ".join(result.error_lines())


def via_intake(world, code, raw) -> str:
    batch = ImportBatch.objects.create(campaign=world.campaign, school=world.a1, created_by=world.users["head"], status=ImportBatch.Status.READY)
    f = ImportFile.objects.create(batch=batch, file="intake/x.txt", file_name="отчёт.txt", sha256="0", status=ImportFile.Status.READ)
    ImportItem.objects.create(file=f, kind=ImportItem.Kind.INDICATOR, where="абзац 3", text="показатель", school=world.a1,
                              data={"code": code, "value": _dot(raw)}, include=True)
    response = Api(world).post("head", f"/api/v1/intake/{batch.pk}/review/", {"commit": True})
    assert response.status_code == 409, response.content
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.READY
    return response.json()["detail"]


def via_restore(world, code, raw, tmp_path) -> str:
    indicator = Indicator.objects.get(code=code)
    report = workflow.open_report(world.campaign, world.a1)
    workflow.save_report(report, world.users["head"], report.version, [], indicators={(indicator.pk, ""): Decimal(1)})
    copy, tampered = tmp_path / "copy.zip", tmp_path / "tampered.zip"
    call_command("backup", "--out", str(copy))
    with zipfile.ZipFile(copy) as src, zipfile.ZipFile(tampered, "w") as dst:
        fields = json.loads(src.read("manifest.json"))["models"]["monitoring.indicatorvalue"]["fields"]
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "data/monitoring.indicatorvalue.jsonl":
                rows = [json.loads(line) for line in data.decode().splitlines()]
                for row in rows:
                    row[fields.index("value")] = _dot(raw)
                data = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows).encode()
            dst.writestr(item, data)
    with pytest.raises(CommandError) as refused:
        call_command("restore", str(tampered), "--force")
    assert IndicatorValue.objects.get(indicator=indicator, school=world.a1).value == Decimal(1)  # the database as it was
    return str(refused.value)


@pytest.mark.parametrize("code, raw, message", OUT_OF_RANGE)
@pytest.mark.parametrize("path", ["form", "api", "excel", "intake"])
def test_every_value_path_refuses_the_same_out_of_range_values(world, path, code, raw, message):
    said = {"form": via_form, "api": via_api, "excel": via_excel, "intake": via_intake}[path](world, code, raw)
    assert message in said, said
    assert not IndicatorValue.objects.filter(indicator__code=code, school=world.a1).exists()


@pytest.mark.parametrize("code, raw, message", OUT_OF_RANGE[:4])
def test_restore_refuses_a_copy_with_an_out_of_range_value(world, settings, tmp_path, code, raw, message):
    settings.MEDIA_ROOT = tmp_path / "media"
    said = via_restore(world, code, raw, tmp_path)
    # A number the column cannot hold is refused by restore's own check of the copy, before anything is written;
    # a number it holds but the indicator cannot take, by the workflow's rule while the rows go in (rolled back).
    assert "недопустимое значение" in said or (message in said and "не восстановлена" in said), said


@pytest.mark.parametrize("code, raw, stored", [("quality", "41,25", Decimal("41.250")), ("quality", "100", Decimal(100)),
                                                ("failing", "0", Decimal(0)), ("oge_avg", "3,456", Decimal("3.456"))])
def test_values_within_range_pass_as_the_column_stores_them(code, raw, stored, world):
    assert workflow.validate_indicator_value(Indicator.objects.get(code=code), raw) == stored


def test_a_huge_percentage_read_from_a_document_is_refused_at_commit_not_stored(world):
    api = Api(world)
    text = "Качество знаний по итогам полугодия составило 100000000000000000000 %.\n".encode()
    uploaded = api.client("head").post(f"/api/v1/campaigns/{world.campaign.code}/intake/",
                                       {"files": [SimpleUploadedFile("итоги.txt", text)], "school": world.a1.pk})
    assert uploaded.status_code == 201, uploaded.content
    batch = uploaded.json()
    assert any(i["kind"] == "indicator" for i in batch["items"]), batch["items"]
    response = api.post("head", f"/api/v1/intake/{batch['id']}/review/", {"commit": True})
    assert response.status_code == 409 and "больше 100 %" in response.json()["detail"]
    assert not IndicatorValue.objects.filter(school=world.a1).exists()
    assert api.get("head", "/api/v1/indicator-values/").status_code == 200


def test_the_reader_keeps_the_minus_of_a_negative_value():
    from shnor.core.reading.indicators import find_indicators

    found = find_indicators("Качество знаний составило -15 %, успеваемость – 97,5 %.", "абзац 1")
    assert [(i.code, i.value) for i in found] == [("quality", Decimal(-15)), ("success_rate", Decimal("97.5"))]
