"""`shnor import`: read documents and print what was understood (`--dry-run`), or commit them into a campaign's
reports without the web review (`--commit`), or undo a committed import (`--undo BATCH`).

    shnor import FILE... --dry-run [--json] [--campaign CODE]
    shnor import FILE_OR_DIR... --campaign CODE [--school ID_OR_NAME | --municipality ID_OR_NAME] --commit
                 [--certified] [--user USERNAME] [--json]
    shnor import --undo BATCH [--user USERNAME]

A file whose school cannot be found (or is ambiguous) is not committed and is listed with the reason; the exit
status is then 3.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from shnor.core.documents import ACCEPTED_EXTENSIONS, DocumentError, read_document
from shnor.core.reading import ReadingContext, extract, extraction_to_dict

SKIPPED_EXIT = 3
FINDING_LISTS = {"cause": "causes", "deficit": "deficits", "risk": "risks", "recommendation": "recommendations", "decision": "decisions"}


class Command(BaseCommand):
    help = ("Прочитать документы (DOCX, XLSX, PDF, TXT) и вывести извлечённое (--dry-run) или внести их в отчёты кампании (--commit); "
            "отменить внесённый импорт: --undo НОМЕР")

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", help="файлы или папки с файлами")
        parser.add_argument("--dry-run", action="store_true", help="только прочитать и вывести извлечённое, ничего не записывая")
        parser.add_argument("--commit", action="store_true", help="внести прочитанное в отчёты школ кампании без проверки на сайте")
        parser.add_argument("--undo", type=int, metavar="BATCH", help="отменить внесённый импорт с этим номером")
        parser.add_argument("--json", action="store_true", help="вывести JSON")
        parser.add_argument("--campaign", help="код кампании: школы, направления и период")
        where = parser.add_mutually_exclusive_group()
        where.add_argument("--school", help="школа всех файлов: id, краткое или полное наименование")
        where.add_argument("--municipality", help="искать школу каждого файла только среди школ этого муниципалитета")
        parser.add_argument("--certified", action="store_true",
                            help="отчёты подписаны руководителем и куратором: заверить их по документу (координатор)")
        parser.add_argument("--user", help="от чьего имени вносить (по умолчанию — «Загрузка из командной строки»)")

    def handle(self, *args, files, dry_run, commit, undo, json: bool, campaign, school, municipality, certified, user, **options):
        if undo is not None:
            return self._undo(undo, user, json)
        if not files:
            raise CommandError("Укажите файлы или папки с документами.")
        if commit and dry_run:
            raise CommandError("Укажите что-то одно: --dry-run (только прочитать) или --commit (внести в отчёты).")
        if commit:
            return self._commit(files, campaign, school, municipality, certified, user, json)
        if not dry_run:
            raise CommandError("Укажите --dry-run, чтобы только прочитать документы, или --commit с --campaign, чтобы внести их в отчёты.")
        self._dry_run(files, campaign, json)

    # ------------------------------------------------------------------ dry run

    def _dry_run(self, files: list[str], campaign: str | None, as_json: bool) -> None:
        context = self._context(campaign)
        paths = expand(files)
        documents = []
        for n, path in enumerate(paths, start=1):
            if len(paths) > 1:
                self._progress(n - 1, len(paths), str(path))
            documents.append(self._read(path, context))
        if len(paths) > 1:
            self._progress(len(paths), len(paths), "")
            sys.stderr.write("\n")
        if as_json:
            self.stdout.write(_json.dumps({"documents": documents}, ensure_ascii=False, indent=1))
        else:
            for d in documents:
                kinds = ", ".join(f"{label} {len(d.get(key, []))}" for key, label in (
                    ("causes", "причин"), ("deficits", "дефицитов"), ("risks", "рисков"), ("recommendations", "рекомендаций"),
                    ("decisions", "решений")))
                self.stdout.write(f"{d['source']}: мероприятий {len(d.get('activities', []))}, показателей {len(d.get('indicators', []))}, "
                                  f"выводов {len(d.get('findings', []))} ({kinds}), предупреждений {len(d.get('warnings', []))}")

    def _context(self, code: str | None) -> ReadingContext:
        from shnor.plans.classifier import classify

        if not code:
            return ReadingContext(classify=classify)
        from shnor.intake.services import reading_context

        return reading_context(find_campaign(code))

    def _read(self, path: Path, context: ReadingContext) -> dict:
        empty = {"activities": [], "indicators": [], "findings": [], "warnings": [], **{key: [] for key in FINDING_LISTS.values()}}
        try:
            data = path.read_bytes()
        except OSError as exc:
            return {"source": str(path), "error": f"Файл не открывается: {exc.strerror}.", **empty}
        try:
            document = extraction_to_dict(extract(read_document(data, path.name), context))
        except DocumentError as exc:
            return {"source": path.name, "error": str(exc), **empty}
        # The kinds commit stores, each as its own list (the findings stay as they were).
        for kind, key in FINDING_LISTS.items():
            document[key] = [f for f in document.get("findings", []) if f.get("kind") == kind]
        return document

    @staticmethod
    def _progress(done: int, total: int, name: str) -> None:
        width = 30
        filled = width * done // total
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {name[-40:]:<40}")
        sys.stderr.flush()

    # ------------------------------------------------------------------ commit

    def _commit(self, files, code, school_text, municipality_text, certified, username, as_json) -> None:
        from shnor.intake import unattended as cli

        if not code:
            raise CommandError("Укажите кампанию: --campaign КОД.")
        campaign = find_campaign(code)
        try:
            outcome = cli.commit_files(campaign, expand(files), school_text=school_text, municipality_text=municipality_text,
                                       certified=certified, username=username, progress=None if as_json else self._progress)
        except cli.CliError as exc:
            raise CommandError(str(exc)) from None
        if as_json:
            self.stdout.write(_json.dumps(outcome.as_dict(), ensure_ascii=False, indent=1))
        else:
            self.stdout.write(outcome.text())
        if outcome.error:
            raise CommandError(outcome.error)
        if outcome.skipped:
            sys.exit(SKIPPED_EXIT)

    def _undo(self, batch_id: int, username: str | None, as_json: bool) -> None:
        from shnor.intake import unattended as cli

        try:
            batch = cli.undo(batch_id, username)
        except cli.CliError as exc:
            raise CommandError(str(exc)) from None
        if as_json:
            self.stdout.write(_json.dumps({"batch": batch.pk, "status": batch.status}, ensure_ascii=False))
        else:
            self.stdout.write(f"Импорт № {batch.pk} отменён: всё, что он внёс, удалено.")


def find_campaign(code: str):
    from shnor.monitoring.models import Campaign

    try:
        return Campaign.objects.select_related("framework", "region").get(code=code)
    except Campaign.DoesNotExist:
        raise CommandError(f"Кампания с кодом «{code}» не найдена.") from None


def expand(names: list[str]) -> list[Path]:
    """Files as given, and the readable files of each folder (in name order, subfolders included)."""
    paths: list[Path] = []
    for name in names:
        path = Path(name)
        if path.is_dir():
            paths += sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in ACCEPTED_EXTENSIONS and not p.name.startswith((".", "~$")))
        else:
            paths.append(path)
    return paths


_json = json
