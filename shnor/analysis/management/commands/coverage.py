import json

from django.core.management.base import BaseCommand, CommandError

from shnor.core.russian import agree
from shnor.monitoring import coverage_counts
from shnor.monitoring.coverage import coverage_for
from shnor.monitoring.models import Campaign


class Command(BaseCommand):
    help = ("Охват школ мероприятиями по кампании: shnor coverage --campaign КОД [--json] [--submitted]. "
            "Поддерживаемые счётчики охвата: shnor coverage --verify | --rebuild [--campaign КОД] (без кода — все кампании).")

    def add_arguments(self, parser):
        parser.add_argument("--campaign", help="код кампании")
        parser.add_argument("--json", action="store_true", help="вывести JSON-список строк")
        parser.add_argument("--submitted", action="store_true", help="учитывать отправленные, но не заверенные отчёты")
        parser.add_argument("--rebuild", action="store_true", help="пересчитать поддерживаемые счётчики охвата полным расчётом")
        parser.add_argument("--verify", action="store_true", help="сверить поддерживаемые счётчики охвата с полным расчётом")

    def handle(self, *args, campaign, json: bool, submitted: bool, rebuild: bool, verify: bool, **options):
        if rebuild or verify:
            return self.maintain(campaign, rebuild, verify)
        if not campaign:
            raise CommandError("Укажите кампанию: --campaign КОД.")
        coverage = coverage_for(self.campaign(campaign), include_submitted=submitted)
        if json:
            rows = [{k: v for k, v in r.as_dict().items() if k in ("activity_type", "direction", "schools", "schools_total", "percent", "school_ids")}
                    for r in coverage.rows]
            self.stdout.write(_json.dumps(rows, ensure_ascii=False, indent=1))
            return
        for row in coverage.rows:
            indent = "" if row.activity_type is None else "  · "
            self.stdout.write(f"{indent}{row.name} — {row.label}")

    def campaign(self, code: str) -> Campaign:
        try:
            return Campaign.objects.select_related("framework").get(code=code)
        except Campaign.DoesNotExist:
            raise CommandError(f"Кампания с кодом «{code}» не найдена.") from None

    def maintain(self, code: str | None, rebuild: bool, verify: bool) -> None:
        campaigns = [self.campaign(code)] if code else list(coverage_counts.campaigns_of())
        wrong = 0
        for c in campaigns:
            if rebuild:
                coverage_counts.rebuild(c)
                self.stdout.write(f"«{c.title}»: счётчики охвата пересчитаны.")
            if verify:
                problems = coverage_counts.verify(c)
                if problems:
                    wrong += 1
                    self.stdout.write(f"«{c.title}»: расхождения с полным расчётом — {len(problems)}:")
                    for p in problems:
                        self.stdout.write(f"  · {p}")
                else:
                    self.stdout.write(f"«{c.title}»: счётчики охвата совпадают с полным расчётом.")
        if wrong:
            raise CommandError(f"Счётчики охвата расходятся с полным расчётом: {agree(wrong, 'кампания')} из {len(campaigns)}. "
                               "Пересчитайте их: shnor coverage --rebuild.")


_json = json
