from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from shnor.core.sheets import SheetError
from shnor.exchange.access import roadmap_schools
from shnor.exchange.roadmaps import import_roadmaps
from shnor.registry.models import School

from .import_indicators import _user


class Command(BaseCommand):
    help = ("Загрузить дорожные карты из шаблона XLSX/CSV: shnor import-roadmaps ФАЙЛ. Для каждой школы из файла создаётся "
            "новая редакция дорожной карты. Если в файле есть ошибки, ничего не записывается.")

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--user", help="от чьего имени (его школы и журнал изменений); без него — все школы, действие системы")
        parser.add_argument("--dry-run", action="store_true", help="только проверить файл")
        parser.add_argument("--no-classify", action="store_true", help="не определять вид мероприятия там, где он не указан")

    def handle(self, *args, file, user, dry_run, no_classify, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Файл «{file}» не найден.")
        actor = _user(user)
        schools = roadmap_schools(actor) if actor else School.objects.all()
        try:
            result = import_roadmaps(path.read_bytes(), path.name, actor, schools, commit=not dry_run, classify=not no_classify)
        except SheetError as exc:
            raise CommandError(str(exc)) from None
        if result.errors:
            for line in result.error_lines():
                self.stderr.write(line)
            raise CommandError(f"Ошибок в строках: {len(result.errors)}. Ничего не записано.")
        if dry_run:
            self.stdout.write(f"Файл без ошибок: дорожные карты {result.schools} школ. Ничего не записано (--dry-run).")
            return
        self.stdout.write(f"Загружены дорожные карты {result.schools} школ: мероприятий {result.created}, "
                          f"прежних редакций сохранено как недействующие: {result.updated}.")
        for note in result.notes:
            self.stdout.write(note)
