from django.core.management.base import BaseCommand

from shnor.demo import bryansk
from shnor.demo.load import load_demo


class Command(BaseCommand):
    help = "Загрузить демонстрационный регион (Брянская область, 16 школ); повторный запуск ничего не дублирует"

    def handle(self, *args, **options):
        summary = load_demo()
        self.stdout.write(f"Демо-регион загружен: школ {summary['schools']}, кампаний {summary['campaigns']}, отчётов {summary['reports']}.")
        self.stdout.write(f"Демо-пользователи (пароль у всех: {bryansk.DEMO_PASSWORD}):")
        for username, last, first, _role, _scope, position in bryansk.USERS:
            self.stdout.write(f"  {username:<12} {last} {first} — {position}")
        self.stdout.write(f"  {'admin':<12} администратор (Django admin)")
