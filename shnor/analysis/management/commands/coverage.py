import json

from django.core.management.base import BaseCommand, CommandError

from shnor.monitoring.coverage import coverage_for
from shnor.monitoring.models import Campaign


class Command(BaseCommand):
    help = "Охват школ мероприятиями по кампании: shnor coverage --campaign КОД [--json] [--submitted]"

    def add_arguments(self, parser):
        parser.add_argument("--campaign", required=True, help="код кампании")
        parser.add_argument("--json", action="store_true", help="вывести JSON-список строк")
        parser.add_argument("--submitted", action="store_true", help="учитывать отправленные, но не заверенные отчёты")

    def handle(self, *args, campaign, json: bool, submitted: bool, **options):
        try:
            obj = Campaign.objects.select_related("framework").get(code=campaign)
        except Campaign.DoesNotExist:
            raise CommandError(f"Кампания с кодом «{campaign}» не найдена.") from None
        coverage = coverage_for(obj, include_submitted=submitted)
        if json:
            rows = [{k: v for k, v in r.as_dict().items() if k in ("activity_type", "direction", "schools", "schools_total", "percent", "school_ids")}
                    for r in coverage.rows]
            self.stdout.write(_json.dumps(rows, ensure_ascii=False, indent=1))
            return
        for row in coverage.rows:
            indent = "" if row.activity_type is None else "  · "
            self.stdout.write(f"{indent}{row.name} — {row.label}")


_json = json
