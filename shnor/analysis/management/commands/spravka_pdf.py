import time

from django.core.management.base import BaseCommand

from shnor.analysis.models import IssuedReport
from shnor.analysis.spravka import make_pdf


class Command(BaseCommand):
    help = "Сформировать PDF выпущенных справок, которые ещё готовятся (например, после перезапуска сервера)"

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="работать постоянно, проверяя очередь каждые 30 секунд")

    def handle(self, *args, loop: bool, **options):
        while True:
            pending = IssuedReport.objects.filter(pdf_status=IssuedReport.PdfStatus.PENDING).select_related("campaign")
            for issued in list(pending.order_by("pk")):
                # make_pdf leaves alone a PDF that a live process is making (started less than PDF_STALE ago).
                if make_pdf(issued.pk):
                    self.stdout.write(f"PDF справки «{issued.campaign.code}», версия {issued.number}, сформирован.")
            if not loop:
                break
            time.sleep(30)
