"""`shnor import FILE... --dry-run --json`: read documents and print what was understood."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from shnor.core.documents import DocumentError, read_document
from shnor.core.reading import ReadingContext, extract, extraction_to_dict


class Command(BaseCommand):
    help = "Прочитать документы (DOCX, XLSX, PDF, TXT) и вывести извлечённое: shnor import ФАЙЛ... --dry-run --json"

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+")
        parser.add_argument("--dry-run", action="store_true", help="ничего не записывать в базу (сейчас единственный режим командной строки)")
        parser.add_argument("--json", action="store_true", help="вывести JSON")
        parser.add_argument("--campaign", help="код кампании: школы, направления и период для чтения")

    def handle(self, *args, files, dry_run, json: bool, campaign, **options):
        if not dry_run:
            raise CommandError("Из командной строки документы только читаются: укажите --dry-run. "
                               "Чтобы внести их в отчёты, загрузите их на странице кампании «Загрузить документы».")
        context = self._context(campaign)
        documents = []
        for n, name in enumerate(files, start=1):
            if len(files) > 1:
                self._progress(n - 1, len(files), name)
            documents.append(self._read(Path(name), context))
        if len(files) > 1:
            self._progress(len(files), len(files), "")
            sys.stderr.write("\n")
        if json:
            self.stdout.write(_json.dumps({"documents": documents}, ensure_ascii=False, indent=1))
        else:
            for d in documents:
                self.stdout.write(f"{d['source']}: мероприятий {len(d.get('activities', []))}, показателей {len(d.get('indicators', []))}, "
                                  f"выводов {len(d.get('findings', []))}, предупреждений {len(d.get('warnings', []))}")

    def _context(self, code: str | None) -> ReadingContext:
        from shnor.plans.classifier import classify

        if not code:
            return ReadingContext(classify=classify)
        from shnor.intake.services import reading_context
        from shnor.monitoring.models import Campaign

        try:
            return reading_context(Campaign.objects.select_related("framework").get(code=code))
        except Campaign.DoesNotExist:
            raise CommandError(f"Кампания с кодом «{code}» не найдена.") from None

    def _read(self, path: Path, context: ReadingContext) -> dict:
        try:
            data = path.read_bytes()
        except OSError as exc:
            return {"source": str(path), "error": f"Файл не открывается: {exc.strerror}.", "activities": [], "indicators": [], "findings": [], "warnings": []}
        try:
            return extraction_to_dict(extract(read_document(data, path.name), context))
        except DocumentError as exc:
            return {"source": path.name, "error": str(exc), "activities": [], "indicators": [], "findings": [], "warnings": []}

    @staticmethod
    def _progress(done: int, total: int, name: str) -> None:
        width = 30
        filled = width * done // total
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {name[-40:]:<40}")
        sys.stderr.flush()


_json = json
