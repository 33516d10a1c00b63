from axes.utils import reset
from django.core.management.base import BaseCommand
from django.db import transaction

from shnor.audit.log import record
from shnor.core.russian import agree


class Command(BaseCommand):
    help = "Снять блокировку входа после неудачных попыток: shnor unlock ИМЯ [ИМЯ …] (со всех адресов)."

    def add_arguments(self, parser):
        parser.add_argument("username", nargs="+")

    @transaction.atomic
    def handle(self, *args, username: list[str], **options):
        for name in username:
            removed = reset(username=name)
            if removed:
                record(None, "auth.unlock", None, f"Снята блокировка входа пользователя {name}")
                self.stdout.write(f"{name}: блокировка снята (удалено {agree(removed, 'запись')} о неудачных попытках).")
            else:
                self.stdout.write(f"{name}: неудачных попыток входа не было, снимать нечего.")
