"""shnor backup / shnor restore: every row and every uploaded file comes back identical."""

from __future__ import annotations

import hashlib
import json
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from shnor.audit.models import AuditEvent
from shnor.monitoring import workflow
from shnor.monitoring.models import IndicatorValue, SchoolReport
from shnor.monitoring.workflow import EntryChange, EvidenceInput
from shnor.registry.models import School
from shnor.web.management.commands.backup import backup_models, media_files


def snapshot() -> dict:
    """Every row of every table, as stored, and every file's checksum."""
    tables = {}
    for model in backup_models():
        fields = [f.attname for f in model._meta.concrete_fields]
        rows = model._base_manager.order_by("pk").values_list(*fields)
        if model is AuditEvent:
            rows = rows.exclude(action="system.restore")
        tables[model._meta.label_lower] = list(rows)
    files = {}
    for name in media_files():
        with default_storage.open(name, "rb") as fh:
            files[name] = hashlib.sha256(fh.read()).hexdigest()
    return {"tables": tables, "files": files}


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def rich_world(world, media):
    """The world with a certified report, evidence files, indicator values and a JSON-carrying audit log."""
    u = world.users
    report = workflow.open_report(world.campaign, world.a1)
    entries = list(report.entries.all())
    quality = world.campaign.indicators.get(code="quality")
    workflow.save_report(
        report, u["head"], report.version, [EntryChange(e.pk, e.title, "done", "Проведено — «кавычки», ё, №") for e in entries],
        indicators={(quality.pk, ""): Decimal("42.125")},
        evidence=[EvidenceInput(entries[0].pk, "file", file=SimpleUploadedFile("приказ №52.pdf", b"%PDF-1.4 \x00\xff binary")),
                  EvidenceInput(entries[1].pk, "order", title="О курсах", number="52", date=date(2021, 10, 1))],
    )
    report.refresh_from_db()
    workflow.certify(workflow.submit(report, u["head"], report.version), u["curator"], report.version + 1)
    IndicatorValue.objects.create(indicator=quality, municipality=world.m1, period_start=date(2021, 9, 1), period_end=date(2022, 8, 31),
                                  value=Decimal("0.001"))
    default_storage.save("intake/loose/письмо.txt", SimpleUploadedFile("письмо.txt", "текст".encode("cp1251")))
    return world


def test_a_backup_restores_every_row_and_file_identically(rich_world, media, tmp_path):
    before = snapshot()
    assert len(before["files"]) == 2 and any(rows for rows in before["tables"].values())
    target = tmp_path / "copy.zip"
    call_command("backup", "--out", str(target))
    with zipfile.ZipFile(target) as zf:
        manifest = json.loads(zf.read("manifest.json"))
    assert manifest["models"]["registry.school"]["rows"] == School.objects.count()
    # Everything changes or disappears ...
    SchoolReport.objects.all().delete()
    School.objects.filter(pk=rich_world.b1.pk).update(short_name="Переименована")
    for name in media_files():
        default_storage.delete(name)
    default_storage.save("stray.txt", SimpleUploadedFile("stray.txt", b"x"))
    # ... and comes back from the copy.
    call_command("restore", str(target), "--force")
    after = snapshot()
    assert after["files"] == before["files"]
    assert after.keys() == before.keys()
    for label, rows in before["tables"].items():
        assert after["tables"][label] == rows, label
    assert AuditEvent.objects.filter(action="system.restore").count() == 1
    # The sequences are past the restored ids: new rows can be written.
    School.objects.create(municipality=rich_world.m1, short_name="Новая", full_name="Новая школа")


def test_restore_refuses_a_database_with_data_unless_forced(rich_world, tmp_path):
    target = tmp_path / "copy.zip"
    call_command("backup", "--out", str(target))
    with pytest.raises(CommandError, match="В базе уже есть данные.*--force"):
        call_command("restore", str(target))


def test_restore_refuses_a_copy_of_another_schema_and_changes_nothing(rich_world, tmp_path):
    target = tmp_path / "copy.zip"
    call_command("backup", "--out", str(target))
    edited = tmp_path / "edited.zip"
    with zipfile.ZipFile(target) as src, zipfile.ZipFile(edited, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "manifest.json":
                manifest = json.loads(data)
                manifest["migrations"].append(["monitoring", "9999_future"])
                data = json.dumps(manifest).encode()
            dst.writestr(item, data)
    before = School.objects.count()
    with pytest.raises(CommandError, match="Не применены миграции копии: monitoring.9999_future"):
        call_command("restore", str(edited), "--force")
    assert School.objects.count() == before


@pytest.mark.parametrize("content, message", [
    (b"not a zip at all", "не открывается как zip"),
    (b"PK\x05\x06" + b"\x00" * 18, "нет описания резервной копии"),
])
def test_restore_explains_a_broken_file(db, tmp_path, content, message):
    path = tmp_path / "broken.zip"
    path.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        call_command("restore", str(path))


def test_backup_does_not_overwrite_an_existing_copy(db, tmp_path):
    path = tmp_path / "copy.zip"
    path.write_bytes(b"old")
    with pytest.raises(CommandError, match="уже есть"):
        call_command("backup", "--out", str(path))
    assert path.read_bytes() == b"old"
