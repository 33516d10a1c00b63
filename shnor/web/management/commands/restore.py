"""`shnor restore FILE`: put back every row and every uploaded file from `shnor backup`.

The database must be migrated to exactly the migrations the copy was made with (the message says how).
It must hold no data of its own, or `--force` must say that it may be replaced. Everything is written in
one transaction: a copy that does not fit leaves the database as it was. Rows are inserted as they were
stored — ids, timestamps, `auto_now` fields included — and the sequences are moved past the restored ids.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path

from django.core.cache import cache
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.db import connection, transaction

from shnor.audit.log import record

from .backup import CHUNK, FORMAT, applied_migrations, backup_models, media_files

# Rows that `migrate` itself creates: a freshly migrated database holds them and is still "empty".
CREATED_BY_MIGRATE = {"contenttypes.contenttype", "auth.permission"}


class RestoreError(Exception):
    pass


def _read_manifest(zf: zipfile.ZipFile) -> dict:
    try:
        manifest = json.loads(zf.read("manifest.json"))
    except (KeyError, ValueError):
        raise RestoreError("В архиве нет описания резервной копии (manifest.json): это не копия shnor backup или она повреждена.") from None
    if manifest.get("format") != FORMAT:
        raise RestoreError(f"Формат копии «{manifest.get('format')}» не поддерживается этой версией (нужен {FORMAT}).")
    return manifest


def _check_schema(manifest: dict) -> None:
    theirs = {tuple(m) for m in manifest["migrations"]}
    ours = {tuple(m) for m in applied_migrations()}
    if theirs == ours:
        return
    missing = sorted(theirs - ours)
    extra = sorted(ours - theirs)
    lines = ["Схема базы не совпадает с той, на которой сделана копия."]
    if missing:
        lines.append("Не применены миграции копии: " + ", ".join(f"{a}.{n}" for a, n in missing[:10]) + (" …" if len(missing) > 10 else "")
                     + ". Обновите программу до версии, с которой делалась копия, и выполните shnor migrate.")
    if extra:
        lines.append("В базе есть миграции, которых не было при копировании: " + ", ".join(f"{a}.{n}" for a, n in extra[:10])
                     + (" …" if len(extra) > 10 else "") + ". Восстановите копию в базу той же версии, затем выполните shnor migrate.")
    raise RestoreError(" ".join(lines))


def _has_data(models) -> list[str]:
    return [m._meta.label_lower for m in models if m._meta.label_lower not in CREATED_BY_MIGRATE and m._base_manager.exists()]


def _insert(model, fields: list[str], rows: list[list]) -> None:
    by_name = {f.attname: f for f in model._meta.concrete_fields}
    prepared = []
    for row in rows:
        values = []
        for name, value in zip(fields, row, strict=True):
            field = by_name[name]
            # to_python turns the stored text back into dates, decimals, bytes; get_db_prep_save into what the
            # backend stores. pre_save is never called, so auto_now fields keep their stored values.
            values.append(field.get_db_prep_save(field.to_python(value) if value is not None else None, connection))
        prepared.append(values)
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(by_name[name].column) for name in fields)
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})", prepared)


def restore(path: Path, *, force: bool = False, progress=None) -> dict:
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        raise RestoreError(f"Файл «{path}» не открывается как zip: это не резервная копия или она повреждена.") from None
    with zf:
        manifest = _read_manifest(zf)
        _check_schema(manifest)
        models = {m._meta.label_lower: m for m in backup_models()}
        unknown = sorted(set(manifest["models"]) - set(models))
        if unknown:
            raise RestoreError("В копии есть таблицы, которых нет в программе: " + ", ".join(unknown) + ".")
        for label, info in manifest["models"].items():
            known = {f.attname for f in models[label]._meta.concrete_fields}
            if set(info["fields"]) != known:
                raise RestoreError(f"Столбцы таблицы {label} в копии и в программе различаются: восстановите копию той же версией программы.")
        busy = _has_data(models.values())
        if busy and not force:
            raise RestoreError("В базе уже есть данные (" + ", ".join(busy[:5]) + (" …" if len(busy) > 5 else "")
                               + "). Восстановление их заменит: если это и нужно, повторите с --force.")
        with transaction.atomic():
            tables = [m._meta.db_table for m in models.values()]
            if connection.vendor == "postgresql":
                # TRUNCATE refuses tables with deferred foreign-key checks still pending in this transaction.
                with connection.cursor() as cursor:
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            connection.ops.execute_sql_flush(connection.ops.sql_flush(no_style(), tables, allow_cascade=True))
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # rows go in table by table, references checked at the end
            for label, info in manifest["models"].items():
                model, fields = models[label], info["fields"]
                batch: list[list] = []
                with zf.open(f"data/{label}.jsonl") as src:
                    for line in io.TextIOWrapper(src, encoding="utf-8"):
                        batch.append(json.loads(line))
                        if len(batch) >= CHUNK:
                            _insert(model, fields, batch)
                            batch = []
                if batch:
                    _insert(model, fields, batch)
                if progress:
                    progress(label, info["rows"])
            with connection.cursor() as cursor:
                for sql in connection.ops.sequence_reset_sql(no_style(), list(models.values())):
                    cursor.execute(sql)
            _restore_media(zf, manifest["media"], force)
            record(None, "system.restore", None, f"Данные восстановлены из резервной копии «{path.name}» от {manifest['created_at'][:16].replace('T', ' ')}")
    cache.clear()  # cached pages and coverage of the replaced data must not be served
    return manifest


def _restore_media(zf: zipfile.ZipFile, files: dict, force: bool) -> None:
    if force:
        for name in set(media_files()) - set(files):
            default_storage.delete(name)
    for name, info in files.items():
        data = zf.read(f"media/{name}")
        if hashlib.sha256(data).hexdigest() != info["sha256"]:
            raise RestoreError(f"Файл {name} в копии повреждён (контрольная сумма не сходится).")
        if default_storage.exists(name):
            default_storage.delete(name)
        saved = default_storage.save(name, File(io.BytesIO(data), name=name))
        if saved != name:
            raise RestoreError(f"Хранилище сохранило файл {name} под другим именем ({saved}).")


class Command(BaseCommand):
    help = "Восстановить данные и файлы из резервной копии: shnor restore ФАЙЛ.zip [--force]"

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--force", action="store_true", help="заменить данные, которые уже есть в базе")

    def handle(self, *args, file, force, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Файл «{file}» не найден.")
        try:
            manifest = restore(path, force=force, progress=lambda label, n: self.stderr.write(f"{label}: {n}") if options["verbosity"] > 1 else None)
        except RestoreError as exc:
            raise CommandError(str(exc)) from None
        rows = sum(m["rows"] for m in manifest["models"].values())
        self.stdout.write(f"Восстановлено: строк {rows} в {len(manifest['models'])} таблицах, файлов {len(manifest['media'])}. "
                          "Перезапустите серверы приложения, чтобы они не показывали прежние данные из своего кэша.")
