from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from shnor.core.sheets import SheetError
from shnor.exchange.access import coordinated_schools
from shnor.exchange.indicators import import_indicators
from shnor.monitoring.models import Campaign
from shnor.registry.models import School


class Command(BaseCommand):
    help = ("Загрузить значения показателей из шаблона XLSX/CSV: shnor import-indicators ФАЙЛ --campaign КОД. "
            "Без --campaign период берётся из столбца «Период». Если в файле есть ошибки, ничего не записывается.")

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--campaign", help="код кампании, в период которой лягут значения")
        parser.add_argument("--user", help="от чьего имени (его школы и журнал изменений); без него — все школы, действие системы")
        parser.add_argument("--dry-run", action="store_true", help="только проверить файл")

    def handle(self, *args, file, campaign, user, dry_run, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Файл «{file}» не найден.")
        actor = _user(user)
        schools = coordinated_schools(actor) if actor else School.objects.all()
        target = None
        if campaign:
            target = Campaign.objects.filter(code=campaign).first()
            if target is None:
                raise CommandError(f"Кампания «{campaign}» не найдена.")
        try:
            result = import_indicators(path.read_bytes(), path.name, actor, schools, target, commit=not dry_run)
        except SheetError as exc:
            raise CommandError(str(exc)) from None
        if result.errors:
            for line in result.error_lines():
                self.stderr.write(line)
            raise CommandError(f"Ошибок в строках: {len(result.errors)}. Ничего не записано.")
        if dry_run:
            self.stdout.write(f"Файл без ошибок: значений для {result.schools} школ, строк без значения {result.skipped}. Ничего не записано (--dry-run).")
            return
        self.stdout.write(f"Загружено: новых значений {result.created}, изменено {result.updated}, без изменений {result.unchanged}, "
                          f"строк без значения {result.skipped}; школ {result.schools}.")


def _user(username):
    if not username:
        return None
    actor = get_user_model().objects.filter(username=username).first()
    if actor is None:
        raise CommandError(f"Пользователь «{username}» не найден.")
    return actor
