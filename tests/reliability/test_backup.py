"""shnor backup / shnor restore: every row and every uploaded file comes back identical."""

from __future__ import annotations

import hashlib
import json
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
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


# --- A tampered copy is refused whole: nothing in the database or the media folder changes -------------------

def media_listing(root) -> dict:
    """Every file under the media folder (hidden staging folders included) with its content's checksum."""
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.rglob("*")) if p.is_file()}


def rewrite(source, target, change) -> None:
    """Copy a backup zip, passing each member's name and bytes through `change` (which returns them, or None to drop)."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w") as dst:
        for item in src.infolist():
            changed = change(item.filename, src.read(item))
            if changed is not None:
                dst.writestr(changed[0], changed[1])


def _manifest_edit(edit):
    def change(name, data):
        if name == "manifest.json":
            manifest = json.loads(data)
            edit(manifest)
            data = json.dumps(manifest, ensure_ascii=False).encode()
        return name, data
    return change


def _checksum_changed(name, data):
    return name, (data + b"tampered" if name.startswith("media/") and name.endswith(".pdf") else data)


def _five_lines_deleted(name, data):
    if name == "data/monitoring.reportentry.jsonl":
        data = b"".join(data.splitlines(keepends=True)[5:])
    return name, data


def _one_line_deleted_and_count_lowered(name, data):
    """The line count and the manifest agree, but a row others point to is gone: the key check must catch it."""
    if name == "data/registry.school.jsonl":
        data = b"".join(data.splitlines(keepends=True)[1:])
    if name == "manifest.json":
        manifest = json.loads(data)
        manifest["models"]["registry.school"]["rows"] -= 1
        data = json.dumps(manifest, ensure_ascii=False).encode()
    return name, data


def _column(model, name: str) -> int:
    """Where a column sits in a backup row: the order of the model's concrete fields, as `shnor backup` writes them."""
    return [f.attname for f in model._meta.concrete_fields].index(name)


def _set_in_line(label: str, model, column: str, value, line: int = 0):
    def change(name, data):
        if name == f"data/{label}.jsonl":
            lines = data.splitlines()
            row = json.loads(lines[line])
            row[_column(model, column)] = value(lines) if callable(value) else value
            lines[line] = json.dumps(row, ensure_ascii=False).encode()
            data = b"\n".join(lines) + b"\n"
        return name, data
    return change


def _media_renamed(new_name):
    def change(name, data):
        if name == "manifest.json":
            manifest = json.loads(data)
            old = next(n for n in manifest["media"] if n.endswith(".pdf"))
            manifest["media"][new_name] = manifest["media"].pop(old)
            data = json.dumps(manifest, ensure_ascii=False).encode()
        elif name.startswith("media/") and name.endswith(".pdf"):
            name = f"media/{new_name}"
        return name, data
    return change


def _first_user_name(lines):
    """Valid in every check the copy can make, refused by the database's unique index: the database's own refusal."""
    return json.loads(lines[0])[_column(User, "username")]


TAMPERING = {
    "checksum": (_checksum_changed, "контрольная сумма не сходится"),
    "count": (_five_lines_deleted, r"monitoring.reportentry в копии \d+\xa0строк[аи]?, а в её описании — \d+"),
    "missing row": (_one_line_deleted_and_count_lowered, "ссылается на запись .* таблицы registry.school, которой в копии нет"),
    "key": (_set_in_line("monitoring.schoolreport", SchoolReport, "school_id", 987654),
            "ссылается на запись 987654 таблицы registry.school"),
    "parent name": (_media_renamed("../../outside.pdf"), "Имя файла «../../outside.pdf» в копии недопустимо"),
    "absolute name": (_media_renamed("/tmp/outside.pdf"), "Имя файла «/tmp/outside.pdf» в копии недопустимо"),
    "value": (_set_in_line("monitoring.indicatorvalue", IndicatorValue, "value", "100000000000000000000"),
              "поле «значение» содержит недопустимое значение «100000000000000000000»"),
    "database refusal": (_set_in_line("auth.user", User, "username", _first_user_name, line=1),
                         "База данных не приняла данные копии, ничего не изменено"),
}


@pytest.mark.parametrize("case", TAMPERING)
def test_a_tampered_copy_is_refused_and_changes_neither_rows_nor_files(rich_world, media, tmp_path, case):
    change, message = TAMPERING[case]
    target, tampered = tmp_path / "copy.zip", tmp_path / "tampered.zip"
    call_command("backup", "--out", str(target))
    rewrite(target, tampered, change)
    # Work goes on after the copy: a file uploaded since, and a changed row, must both survive the failed restore.
    default_storage.save("evidence/после копии.pdf", SimpleUploadedFile("после копии.pdf", b"%PDF-1.4 later"))
    School.objects.filter(pk=rich_world.b1.pk).update(short_name="Переименована после копии")
    before, files_before = snapshot(), media_listing(media)
    with pytest.raises(CommandError, match=message):
        call_command("restore", str(tampered), "--force")
    assert snapshot() == before
    assert media_listing(media) == files_before
    assert not (tmp_path / "outside.pdf").exists()


def test_a_good_copy_replaces_the_files_only_after_the_rows(rich_world, media, tmp_path):
    target = tmp_path / "copy.zip"
    call_command("backup", "--out", str(target))
    files_in_copy = media_listing(media)
    default_storage.save("evidence/после копии.pdf", SimpleUploadedFile("после копии.pdf", b"%PDF-1.4 later"))
    call_command("restore", str(target), "--force")
    assert media_listing(media) == files_in_copy  # the copy's files exactly: no staging folder, no later upload


@pytest.mark.skipif("not __import__('django.db', fromlist=['connection']).connection.vendor == 'sqlite'")
def test_a_row_that_cannot_be_read_is_reported_and_the_backup_goes_on(rich_world, media, tmp_path):
    from django.db import connection

    bad = IndicatorValue.objects.filter(municipality=rich_world.m1).get()
    with connection.cursor() as cursor:  # what an older version let into SQLite's NUMERIC(12,3) column
        cursor.execute("UPDATE monitoring_indicatorvalue SET value = 1e20 WHERE id = %s", [bad.pk])
    target = tmp_path / "copy.zip"
    err = __import__("io").StringIO()
    call_command("backup", "--out", str(target), stderr=err)
    with zipfile.ZipFile(target) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        lines = zf.read("data/monitoring.indicatorvalue.jsonl").splitlines()
    assert f"значение показателя №{bad.pk}" in err.getvalue()
    assert [item["pk"] for item in manifest["skipped"]] == [bad.pk]
    assert len(lines) == manifest["models"]["monitoring.indicatorvalue"]["rows"] == IndicatorValue.objects.count() - 1
    assert manifest["models"]["registry.school"]["rows"] == School.objects.count()


def test_restore_into_a_storage_without_folders_uploads_the_files_after_the_rows(world, settings, tmp_path):
    """An S3-like storage (no renames): the files are checked and staged locally, then uploaded after the commit."""
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}
    default_storage.save("evidence/приказ.pdf", SimpleUploadedFile("приказ.pdf", b"%PDF-1.4 order"))
    target, tampered = tmp_path / "copy.zip", tmp_path / "tampered.zip"
    call_command("backup", "--out", str(target))
    rewrite(target, tampered, _checksum_changed)
    default_storage.save("evidence/после.pdf", SimpleUploadedFile("после.pdf", b"%PDF-1.4 later"))
    with pytest.raises(CommandError, match="контрольная сумма не сходится"):
        call_command("restore", str(tampered), "--force")
    assert media_files() == ["evidence/после.pdf", "evidence/приказ.pdf"]
    call_command("restore", str(target), "--force")
    assert media_files() == ["evidence/приказ.pdf"]
    with default_storage.open("evidence/приказ.pdf") as fh:
        assert fh.read() == b"%PDF-1.4 order"
