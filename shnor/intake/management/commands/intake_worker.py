import time

from django.core.management.base import BaseCommand

from shnor.intake.models import ImportBatch
from shnor.intake.services import process_batch


class Command(BaseCommand):
    help = "Дочитать загруженные документы, которые ещё не прочитаны (например, после перезапуска сервера)"

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="работать постоянно, проверяя очередь каждые 5 секунд")

    def handle(self, *args, loop: bool, **options):
        while True:
            pending = list(ImportBatch.objects.filter(status=ImportBatch.Status.READING).values_list("pk", flat=True))
            for pk in pending:
                process_batch(pk)
                self.stdout.write(f"Импорт № {pk} прочитан.")
            if not loop:
                break
            time.sleep(5)
