import sys
import time

from django.core.management.base import BaseCommand, CommandError

from shnor.demo.synth import synth


class Command(BaseCommand):
    help = "Сгенерировать синтетическую страну для проверки масштаба: shnor synth --schools N --seed S"

    def add_arguments(self, parser):
        parser.add_argument("--schools", type=int, required=True)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, schools, seed, **options):
        if schools < 1:
            raise CommandError("Число школ должно быть положительным.")
        started = time.perf_counter()

        def progress(done, total):
            width = 30
            filled = width * done // total
            sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} школ")
            sys.stderr.flush()

        result = synth(schools, seed, progress=progress)
        sys.stderr.write("\n")
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"Создано: регионов {result.regions}, муниципалитетов {result.municipalities}, школ {result.schools}, "
            f"кампаний {result.campaigns}, отчётов {result.reports}, записей {result.entries} "
            f"за {elapsed:.1f} с ({result.schools / elapsed * 60:,.0f} школ в минуту)."
        )
