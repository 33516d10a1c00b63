"""`shnor restore FILE`: put back every row and every uploaded file from `shnor backup`.

The database must be migrated to exactly the migrations the copy was made with (the message says how).
It must hold no data of its own, or `--force` must say that it may be replaced.

All or nothing. The whole copy is checked before anything is touched: every table's line count against the
manifest, every line's values, every foreign key resolvable within the copy, every file name (relative, no
«..») and every file's checksum. The files are unpacked into a staging folder inside the media folder, the
rows are written in one transaction, and only after it commits are the staged files swapped in for the old
ones. A copy that fails any check, or a database that refuses a row, leaves rows and files as they were.
Rows are inserted as they were stored — ids, timestamps, `auto_now` fields included — and the sequences are
moved past the restored ids.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import tempfile
import zipfile
from decimal import Decimal
from pathlib import Path, PurePosixPath

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.core.validators import DecimalValidator
from django.db import DatabaseError, connection, models, transaction

from shnor.audit.log import record
from shnor.core.russian import agree
from shnor.monitoring.models import Indicator, IndicatorValue
from shnor.monitoring.workflow import IndicatorValueError, validate_indicator_value

from .backup import CHUNK, FORMAT, STAGING_PREFIX, applied_migrations, backup_models, media_files

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


def _check_indicator_values(fields: list[str], rows: list[list]) -> None:
    """A value out of its indicator's range is refused here as on every other path into a value (workflow)."""
    indicators = Indicator.objects.in_bulk()  # restored before their values, in the same transaction
    pk, indicator_id, value = (fields.index(name) for name in ("id", "indicator_id", "value"))
    for row in rows:
        indicator = indicators.get(row[indicator_id])
        if indicator is not None:
            try:
                validate_indicator_value(indicator, row[value])
            except IndicatorValueError as exc:
                raise RestoreError(f"Значение показателя № {row[pk]} в копии неверно. {exc} Копия не восстановлена, данные не изменены.") from None


def _insert(model, fields: list[str], rows: list[list]) -> None:
    if model is IndicatorValue:
        _check_indicator_values(fields, rows)
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


def _lines(zf: zipfile.ZipFile, label: str, width: int):
    """The rows of one table in the copy, each checked to be a JSON array of the manifest's width."""
    try:
        src = zf.open(f"data/{label}.jsonl")
    except KeyError:
        raise RestoreError(f"В копии нет файла data/{label}.jsonl, хотя он указан в описании: копия неполная.") from None
    with src:
        for number, line in enumerate(io.TextIOWrapper(src, encoding="utf-8"), start=1):
            try:
                row = json.loads(line)
            except ValueError:
                row = None
            if not isinstance(row, list) or len(row) != width:
                raise RestoreError(f"Строка {number} файла data/{label}.jsonl повреждена: копия испорчена.")
            yield number, row


def _check_value(model, field, value, number: int) -> None:
    """A value must read back as its field's type and fit its column; what the form would refuse, restore refuses too."""
    try:
        python = field.to_python(value)
        if isinstance(field, models.DecimalField) and isinstance(python, Decimal):
            DecimalValidator(field.max_digits, field.decimal_places)(python)
    except (ValidationError, ValueError, TypeError, ArithmeticError):
        raise RestoreError(f"В таблице {model._meta.label_lower} (строка {number} копии) поле «{field.verbose_name}» "
                           f"содержит недопустимое значение «{str(value)[:40]}».") from None


def _verify_rows(zf: zipfile.ZipFile, manifest: dict, models_by_label: dict) -> None:
    """Counts, values and foreign keys of every table, before anything is written."""
    keys = {}  # (label, attname) of a referenced column -> its values in the copy
    references = []  # (model, field, target key, values referenced, first line of each)
    wanted = set()
    for label in manifest["models"]:
        for field in models_by_label[label]._meta.concrete_fields:
            if field.is_relation and field.remote_field and field.related_model._meta.label_lower in manifest["models"]:
                wanted.add((field.related_model._meta.label_lower, field.target_field.attname))
    for label, info in manifest["models"].items():
        model, fields = models_by_label[label], info["fields"]
        by_name = {f.attname: f for f in model._meta.concrete_fields}
        checked = [(i, by_name[name]) for i, name in enumerate(fields) if isinstance(by_name[name], (models.DecimalField, models.DateField,
                   models.DateTimeField, models.UUIDField, models.DurationField, models.IntegerField, models.BooleanField))]
        own_keys = {fields.index(name): set() for (target, name) in wanted if target == label}
        outgoing = [(i, by_name[name]) for i, name in enumerate(fields) if by_name[name].is_relation
                    and by_name[name].related_model._meta.label_lower in manifest["models"]]
        seen = {i: {} for i, _ in outgoing}
        count = 0
        for number, row in _lines(zf, label, len(fields)):
            count = number
            for i, field in checked:
                if row[i] is not None:
                    _check_value(model, field, row[i], number)
            for i, values in own_keys.items():
                values.add(row[i])
            for i, _ in outgoing:
                if row[i] is not None:
                    seen[i].setdefault(row[i], number)
        if count != info["rows"]:
            raise RestoreError(f"В таблице {label} в копии {agree(count, 'строка')}, а в её описании — {info['rows']}: "
                               "копия неполная или изменена.")
        for i, values in own_keys.items():
            keys[(label, fields[i])] = values
        for i, field in outgoing:
            references.append((label, field, (field.related_model._meta.label_lower, field.target_field.attname), seen[i]))
    for label, field, target, values in references:
        missing = [(value, number) for value, number in values.items() if value not in keys[target]]
        if missing:
            value, number = min(missing, key=lambda m: m[1])
            raise RestoreError(f"В таблице {label} (строка {number} копии) поле «{field.verbose_name}» ссылается на запись {value} "
                               f"таблицы {target[0]}, которой в копии нет: копия повреждена.")


def _safe_name(name: str) -> bool:
    path = PurePosixPath(name)
    return (bool(name) and "\\" not in name and "\x00" not in name and not path.is_absolute() and ":" not in path.parts[0]
            and all(part not in ("", ".", "..") for part in name.split("/")) and not name.startswith(STAGING_PREFIX))


def _stage_media(zf: zipfile.ZipFile, files: dict, staging: Path) -> None:
    """Unpack every file into the staging folder, checking its name, size and checksum."""
    for name, info in files.items():
        if not _safe_name(name):
            raise RestoreError(f"Имя файла «{name[:200]}» в копии недопустимо (путь вне папки файлов): копия повреждена или подделана.")
        target = staging / name
        target.parent.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        size = 0
        try:
            src = zf.open(f"media/{name}")
        except KeyError:
            raise RestoreError(f"Файла {name} нет в копии, хотя он указан в её описании: копия неполная.") from None
        with src, open(target, "wb") as out:
            while chunk := src.read(1024 * 1024):
                digest.update(chunk)
                size += len(chunk)
                out.write(chunk)
        if digest.hexdigest() != info.get("sha256") or size != info.get("size", size):
            raise RestoreError(f"Файл {name} в копии повреждён (контрольная сумма не сходится).")


def _staging_folder() -> Path:
    """Where the copy's files are unpacked: inside the media folder (one file system, so the swap is renames), or a
    local temporary folder for another storage (S3-compatible)."""
    if isinstance(default_storage, FileSystemStorage):
        root = Path(default_storage.location)
        root.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=root))
    return Path(tempfile.mkdtemp(prefix=STAGING_PREFIX))


def _swap_media(staging: Path, files: dict) -> None:
    """Replace the stored files by the staged ones, after the rows have committed."""
    if isinstance(default_storage, FileSystemStorage):
        root = Path(default_storage.location)
        old = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX + "old-", dir=root))
        for entry in os.listdir(root):
            if not entry.startswith(STAGING_PREFIX):
                os.replace(root / entry, old / entry)
        for entry in os.listdir(staging):
            os.replace(staging / entry, root / entry)
        shutil.rmtree(old, ignore_errors=True)
        return
    # Another storage has no renames: the files are uploaded one by one, then the ones the copy does not have go.
    for name in files:
        if default_storage.exists(name):
            default_storage.delete(name)
        with open(staging / name, "rb") as fh:
            if default_storage.save(name, File(fh, name=name)) != name:
                raise OSError(f"хранилище сохранило файл {name} под другим именем")
    for name in set(media_files()) - set(files):
        default_storage.delete(name)


def _write_rows(zf: zipfile.ZipFile, manifest: dict, models_by_label: dict, progress) -> None:
    tables = [m._meta.db_table for m in models_by_label.values()]
    if connection.vendor == "postgresql":
        # TRUNCATE refuses tables with deferred foreign-key checks still pending in this transaction.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    connection.ops.execute_sql_flush(connection.ops.sql_flush(no_style(), tables, allow_cascade=True))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # rows go in table by table, references checked at the end
    for label, info in manifest["models"].items():
        model, fields = models_by_label[label], info["fields"]
        batch: list[list] = []
        for _, row in _lines(zf, label, len(fields)):
            batch.append(row)
            if len(batch) >= CHUNK:
                _insert(model, fields, batch)
                batch = []
        if batch:
            _insert(model, fields, batch)
        if progress:
            progress(label, info["rows"])
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), list(models_by_label.values())):
            cursor.execute(sql)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # a broken reference fails here, inside the try, not at commit


def restore(path: Path, *, force: bool = False, progress=None) -> dict:
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        raise RestoreError(f"Файл «{path}» не открывается как zip: это не резервная копия или она повреждена.") from None
    with zf:
        manifest = _read_manifest(zf)
        _check_schema(manifest)
        models_by_label = {m._meta.label_lower: m for m in backup_models()}
        unknown = sorted(set(manifest["models"]) - set(models_by_label))
        if unknown:
            raise RestoreError("В копии есть таблицы, которых нет в программе: " + ", ".join(unknown) + ".")
        for label, info in manifest["models"].items():
            known = {f.attname for f in models_by_label[label]._meta.concrete_fields}
            if set(info["fields"]) != known:
                raise RestoreError(f"Столбцы таблицы {label} в копии и в программе различаются: восстановите копию той же версией программы.")
        busy = _has_data(models_by_label.values())
        if busy and not force:
            raise RestoreError("В базе уже есть данные (" + ", ".join(busy[:5]) + (" …" if len(busy) > 5 else "")
                               + "). Восстановление их заменит: если это и нужно, повторите с --force.")
        try:
            _verify_rows(zf, manifest, models_by_label)
        except (zipfile.BadZipFile, OSError, EOFError, UnicodeDecodeError):
            raise RestoreError("Данные в копии не читаются (архив повреждён).") from None
        staging = _staging_folder()
        keep_staging = False
        try:
            try:
                _stage_media(zf, manifest["media"], staging)
            except (zipfile.BadZipFile, EOFError):
                raise RestoreError("Файлы в копии не читаются (архив повреждён).") from None
            except OSError as exc:
                raise RestoreError(f"Не удалось распаковать файлы копии: {exc.strerror or exc}.") from None
            try:
                with transaction.atomic():
                    _write_rows(zf, manifest, models_by_label, progress)
                    record(None, "system.restore", None, f"Данные восстановлены из резервной копии «{path.name}» от "
                                                         f"{manifest['created_at'][:16].replace('T', ' ')}")
            except DatabaseError as exc:
                raise RestoreError(f"База данных не приняла данные копии, ничего не изменено: {exc}".strip()) from None
            try:
                _swap_media(staging, manifest["media"])
            except OSError as exc:
                keep_staging = True
                raise RestoreError(f"Данные восстановлены, но файлы не удалось переложить в хранилище: {exc.strerror or exc}. "
                                   f"Файлы копии лежат в {staging}: перенесите их вручную.") from None
        finally:
            if not keep_staging:
                shutil.rmtree(staging, ignore_errors=True)
    cache.clear()  # cached pages and coverage of the replaced data must not be served
    return manifest


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
