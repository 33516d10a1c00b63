from django.core.management.base import BaseCommand

from shnor.exchange.access import roadmap_schools
from shnor.exchange.roadmaps import import_roadmaps
from shnor.registry.models import School

from ..sheet_import import acting_user, read_file, run_import


class Command(BaseCommand):
    help = ("Загрузить дорожные карты из шаблона XLSX/CSV: shnor import-roadmaps ФАЙЛ. Для каждой школы из файла создаётся "
            "новая редакция дорожной карты. Если в файле есть ошибки, ничего не записывается.")

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--user", help="от чьего имени (его школы и журнал изменений); без него — все школы, действие системы")
        parser.add_argument("--dry-run", action="store_true", help="только проверить файл")
        parser.add_argument("--no-classify", action="store_true", help="не определять вид мероприятия там, где он не указан")

    def handle(self, *args, file, user, dry_run, no_classify, **options):
        content, name = read_file(file)
        actor = acting_user(user)
        schools = roadmap_schools(actor) if actor else School.objects.all()
        result = run_import(self, lambda: import_roadmaps(content, name, actor, schools, commit=not dry_run, classify=not no_classify))
        if dry_run:
            self.stdout.write(f"Файл без ошибок, ничего не записано (--dry-run). Школ: {result.schools}.")
            return
        self.stdout.write(f"Загружены дорожные карты. Школ: {result.schools}, мероприятий: {result.created}, "
                          f"прежних редакций сохранено как недействующие: {result.updated}.")
        for note in result.notes:
            self.stdout.write(note)
