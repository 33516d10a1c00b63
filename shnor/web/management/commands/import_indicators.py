from django.core.management.base import BaseCommand, CommandError

from shnor.exchange.access import coordinated_schools
from shnor.exchange.indicators import import_indicators
from shnor.monitoring.models import Campaign
from shnor.registry.models import School

from ..sheet_import import acting_user, read_file, run_import


class Command(BaseCommand):
    help = ("Загрузить значения показателей из шаблона XLSX/CSV: shnor import-indicators ФАЙЛ --campaign КОД. "
            "Без --campaign период берётся из столбца «Период». Если в файле есть ошибки, ничего не записывается.")

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--campaign", help="код кампании, в период которой лягут значения")
        parser.add_argument("--user", help="от чьего имени (его школы и журнал изменений); без него — все школы, действие системы")
        parser.add_argument("--dry-run", action="store_true", help="только проверить файл")

    def handle(self, *args, file, campaign, user, dry_run, **options):
        content, name = read_file(file)
        actor = acting_user(user)
        schools = coordinated_schools(actor) if actor else School.objects.all()
        target = None
        if campaign:
            target = Campaign.objects.filter(code=campaign).first()
            if target is None:
                raise CommandError(f"Кампания «{campaign}» не найдена.")
        result = run_import(self, lambda: import_indicators(content, name, actor, schools, target, commit=not dry_run))
        if dry_run:
            self.stdout.write(f"Файл без ошибок, ничего не записано (--dry-run). Школ: {result.schools}, строк без значения: {result.skipped}.")
            return
        self.stdout.write(f"Загружено: новых значений {result.created}, изменено {result.updated}, без изменений {result.unchanged}, "
                          f"строк без значения {result.skipped}; школ: {result.schools}.")

