from datetime import date as _date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from shnor.analysis import spravka
from shnor.core.render import RENDERERS
from shnor.monitoring.models import Campaign


class Command(BaseCommand):
    help = "Аналитическая справка по кампании: shnor report --campaign КОД --format docx|pdf|html --out ФАЙЛ"

    def add_arguments(self, parser):
        parser.add_argument("--campaign", required=True, help="код кампании")
        parser.add_argument("--format", dest="fmt", choices=sorted(RENDERERS), default="docx", help="формат файла")
        parser.add_argument("--out", required=True, help="куда записать файл")
        parser.add_argument("--author", default="", help="автор (подпись), например «О. Г. Викульева»")
        parser.add_argument("--position", default="", help="должность автора")
        parser.add_argument("--date", default="", help="дата справки ГГГГ-ММ-ДД (по умолчанию сегодня)")

    def handle(self, *args, campaign, fmt, out, author, position, date: str, **options):
        try:
            on = _date.fromisoformat(date) if date else None
        except ValueError:
            raise CommandError(f"Дата «{date}» не в формате ГГГГ-ММ-ДД.") from None
        try:
            obj = Campaign.objects.select_related("framework", "region", "previous").get(code=campaign)
        except Campaign.DoesNotExist:
            raise CommandError(f"Кампания с кодом «{campaign}» не найдена.") from None
        prepared = spravka.prepare(obj, author_name=author, author_position=position, on=on)
        try:
            data = spravka.render(prepared.spravka, fmt, obj.region_id)
        except spravka.SpravkaError as exc:
            raise CommandError(str(exc)) from None
        path = Path(out)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        except OSError as exc:
            raise CommandError(f"Не удалось записать файл {path}: {exc.strerror}.") from None
        for note in prepared.spravka.notes:
            self.stderr.write(note)
        self.stdout.write(f"Справка записана: {path} ({len(data) // 1024} КБ, {fmt.upper()}).")
