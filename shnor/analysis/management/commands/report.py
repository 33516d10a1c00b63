from datetime import date as _date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from shnor.analysis import documents
from shnor.monitoring.models import Campaign


class Command(BaseCommand):
    help = ("Документы по кампании: shnor report --campaign КОД [--kind spravka|plan-vs-actual|note|monitoring] "
            "[--school КОД_ИЛИ_НАЗВАНИЕ | --municipality КОД_ИЛИ_НАЗВАНИЕ [--own]] --format docx|pdf|html --out ФАЙЛ")

    def add_arguments(self, parser):
        parser.add_argument("--campaign", required=True, help="код кампании")
        parser.add_argument("--kind", choices=list(documents.KINDS), default="spravka",
                            help="вид документа: spravka — аналитическая справка (по умолчанию), plan-vs-actual — отчёт о реализации "
                                 "дорожной карты, note — аналитическая записка о результатах за период, monitoring — отчёт о "
                                 "мониторинге (муниципалитет или регион)")
        parser.add_argument("--school", default="", help="школа: код (id), краткое или полное название")
        parser.add_argument("--municipality", default="", help="муниципалитет: код (id) или название")
        parser.add_argument("--own", action="store_true",
                            help="с --municipality: собственная дорожная карта муниципалитета (его отчёт в кампании), а не его школы")
        parser.add_argument("--format", dest="fmt", choices=documents.FORMATS, default="docx", help="формат файла")
        parser.add_argument("--out", required=True, help="куда записать файл")
        parser.add_argument("--author", default="", help="автор (подпись), например «О. Г. Викульева»")
        parser.add_argument("--position", default="", help="должность автора")
        parser.add_argument("--date", default="", help="дата документа ГГГГ-ММ-ДД (по умолчанию сегодня)")

    def handle(self, *args, campaign, kind, school, municipality, own, fmt, out, author, position, date: str, **options):
        try:
            on = _date.fromisoformat(date) if date else None
        except ValueError:
            raise CommandError(f"Дата «{date}» не в формате ГГГГ-ММ-ДД.") from None
        try:
            obj = Campaign.objects.select_related("framework", "region", "previous").get(code=campaign)
        except Campaign.DoesNotExist:
            raise CommandError(f"Кампания с кодом «{campaign}» не найдена.") from None
        try:
            target = documents.target_for(obj, school=school, municipality=municipality, own=own)
            data = documents.make(target, kind, fmt, on=on, author_name=author, author_position=position)
        except documents.DocumentError as exc:
            raise CommandError(str(exc)) from None
        path = Path(out)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        except OSError as exc:
            raise CommandError(f"Не удалось записать файл {path}: {exc.strerror}.") from None
        self.stdout.write(f"Файл записан: {path} — {documents.KINDS[kind].lower()} ({target.name}), {len(data) // 1024} КБ, {fmt.upper()}.")
        if kind in documents.OWN_KINDS and target.municipality and not target.own and obj.municipalities.filter(pk=target.municipality.pk).exists():
            self.stdout.write("У муниципалитета есть собственная дорожная карта в этой кампании: отчёт по ней — с параметром --own.")
