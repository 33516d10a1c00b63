"""`shnor backup --out FILE`: every row of every model and every uploaded file, in one zip.

The zip holds manifest.json (format, date, database, applied migrations, row counts, files with their
SHA-256), data/<app>.<model>.jsonl (one JSON array per row, columns as listed in the manifest) and
media/<path> for the files of the default storage. Rows are read in one transaction (REPEATABLE READ on
PostgreSQL), so the dump is a consistent snapshot even while people keep working; rows and files stream,
so the size of the database does not matter for memory. `shnor restore FILE` reads it back.

A row that cannot be read (a number too large for its column, stored by an older version) does not stop the
copy: it is left out, named in the manifest's "skipped" list and in the command's output.
"""

from __future__ import annotations

import base64
import hashlib
import json
import zipfile
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from uuid import UUID

import django
from django.apps import apps
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.duration import duration_iso_string

FORMAT = "shnor-backup/1"
CHUNK = 2000
# `shnor restore` stages the copy's files here, inside the media folder, before swapping them in.
STAGING_PREFIX = ".restore-"


def backup_models() -> list:
    """Every concrete table Django manages, many-to-many tables included, in a stable order."""
    models = [m for m in apps.get_models(include_auto_created=True) if m._meta.managed and not m._meta.proxy]
    return sorted(models, key=lambda m: m._meta.label_lower)


def applied_migrations() -> list[list[str]]:
    return sorted([app, name] for app, name in MigrationRecorder(connection).applied_migrations())


def _json_value(value):
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, (date, time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, timedelta):
        return duration_iso_string(value)
    if isinstance(value, (bytes, memoryview)):
        return base64.b64encode(bytes(value)).decode()
    return value


def media_files(storage=default_storage, folder: str = "") -> list[str]:
    """Every file under the storage, recursively (FileSystemStorage and S3-compatible storages list alike)."""
    try:
        dirs, files = storage.listdir(folder)
    except FileNotFoundError:
        return []
    found = [f"{folder}/{name}" if folder else name for name in files]
    for d in dirs:
        if not folder and d.startswith(STAGING_PREFIX):
            continue  # an interrupted restore's staging folder is not part of the data
        found += media_files(storage, f"{folder}/{d}" if folder else d)
    return sorted(found)


def _rows(model, fields: list[str], skipped: list[dict]):
    """The model's rows in pk order; a row whose stored value cannot be read is reported in `skipped` and left out."""
    pk_index = fields.index(model._meta.pk.attname)
    everything = model._base_manager.order_by("pk")
    after = None
    while True:
        rest = everything if after is None else everything.filter(pk__gt=after)
        try:
            for row in rest.values_list(*fields).iterator(CHUNK):
                after = row[pk_index]
                yield row
            return
        except (ArithmeticError, ValueError, TypeError) as exc:
            # Values are converted row by row as they are read, so the row that failed is the next one.
            rest = everything if after is None else everything.filter(pk__gt=after)
            bad = rest.values_list("pk", flat=True).first()
            try:
                row = everything.filter(pk=bad).values_list(*fields).get()
            except (ArithmeticError, ValueError, TypeError):
                skipped.append({"model": model._meta.label_lower, "pk": _json_value(bad),
                                "error": f"{model._meta.verbose_name} №{bad}: значение в базе не читается ({type(exc).__name__})"})
                after = bad
                continue
            after = row[pk_index]
            yield row


def write_backup(path: Path, progress=None) -> dict:
    manifest = {"format": FORMAT, "created_at": timezone.now().isoformat(), "django": django.get_version(),
                "database": connection.vendor, "migrations": applied_migrations(), "models": {}, "media": {}, "skipped": []}
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as zf:
        snapshot = connection.vendor == "postgresql" and not connection.in_atomic_block  # else the caller's transaction decides
        with transaction.atomic():
            if snapshot:
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            for model in backup_models():
                fields = [f.attname for f in model._meta.concrete_fields]
                count = 0
                with zf.open(f"data/{model._meta.label_lower}.jsonl", "w", force_zip64=True) as out:
                    for row in _rows(model, fields, manifest["skipped"]):
                        out.write(json.dumps([_json_value(v) for v in row], ensure_ascii=False).encode() + b"\n")
                        count += 1
                manifest["models"][model._meta.label_lower] = {"fields": fields, "rows": count}
                if progress:
                    progress(model._meta.label_lower, count)
        for name in media_files():
            digest = hashlib.sha256()
            size = 0
            with default_storage.open(name, "rb") as src, zf.open(f"media/{name}", "w", force_zip64=True) as out:
                while chunk := src.read(1024 * 1024):
                    digest.update(chunk)
                    size += len(chunk)
                    out.write(chunk)
            manifest["media"][name] = {"size": size, "sha256": digest.hexdigest()}
        zf.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1))
    return manifest


class Command(BaseCommand):
    help = "Резервная копия всех данных и загруженных файлов в один zip: shnor backup --out ФАЙЛ.zip"

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="куда записать резервную копию (.zip)")

    def handle(self, *args, out, **options):
        path = Path(out)
        if path.exists():
            raise CommandError(f"Файл «{out}» уже есть: укажите другое имя, чтобы не затереть прежнюю копию.")
        partial = path.with_name(path.name + ".partial")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            manifest = write_backup(partial, progress=lambda label, n: self.stderr.write(f"{label}: {n}") if options["verbosity"] > 1 else None)
            partial.replace(path)  # a copy cut short by a failure never looks complete
        except OSError as exc:
            raise CommandError(f"Не удалось записать резервную копию: {exc.strerror or exc}.") from None
        finally:
            partial.unlink(missing_ok=True)
        rows = sum(m["rows"] for m in manifest["models"].values())
        self.stdout.write(f"Резервная копия записана: {path} — строк {rows} в {len(manifest['models'])} таблицах, "
                          f"файлов {len(manifest['media'])}, {path.stat().st_size // 1024} КБ.")
        if manifest["skipped"]:
            self.stderr.write(f"Не попали в копию строки, которые не читаются из базы ({len(manifest['skipped'])}): исправьте их и "
                              "повторите копирование.")
            for item in manifest["skipped"]:
                self.stderr.write(f"  {item['error']}")
