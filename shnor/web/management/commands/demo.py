from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from shnor.demo import bryansk
from shnor.demo.load import load_demo


class Command(BaseCommand):
    help = "Загрузить демонстрационный регион (Брянская область, 16 школ); повторный запуск ничего не дублирует"

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            # The demo users, a superuser among them, share a password printed below: never on a real site.
            raise CommandError("Демо-данные с общеизвестным паролем не загружаются при SHNOR_PRODUCTION=1.")
        summary = load_demo()
        self.stdout.write(f"Демо-регион загружен: школ {summary['schools']}, кампаний {summary['campaigns']}, отчётов {summary['reports']}.")
        self.stdout.write(f"Демо-пользователи (пароль у всех: {bryansk.DEMO_PASSWORD}):")
        for username, last, first, _role, _scope, position in bryansk.USERS:
            self.stdout.write(f"  {username:<12} {last} {first} — {position}")
        self.stdout.write(f"  {'admin':<12} администратор (Django admin)")
