import json

from django.core.management.base import BaseCommand, CommandError

from shnor.actions.profile import items_for_school
from shnor.core.text import fold, parse_id
from shnor.diagnosis.profile import needs_for_school, outcome_series
from shnor.registry.models import School


def find_school(text: str) -> School:
    """A school by its id, or its short or full name (exact, else the one school whose name contains the text)."""
    qs = School.objects.select_related("municipality__region")
    pk = parse_id(text)
    if pk is not None and text.strip().isdigit():
        school = qs.filter(pk=pk).first()
        if school:
            return school
    wanted = fold(text)
    exact = [s for s in qs.search(text) if wanted in (fold(s.short_name), fold(s.full_name))]
    found = exact or list(qs.search(text)[:11])
    if len(found) == 1:
        return found[0]
    if not found:
        raise CommandError(f"Школа «{text}» не найдена: укажите номер (id), краткое или полное наименование.")
    names = "; ".join(f"{s.pk} — {s.short_name} ({s.municipality.name})" for s in found[:10])
    raise CommandError(f"Под «{text}» подходит несколько школ, уточните: {names}.")


class Command(BaseCommand):
    help = "Профиль школы: диагностика, рекомендации и решения, результаты — shnor profile --school ID|НАЗВАНИЕ --json"

    def add_arguments(self, parser):
        parser.add_argument("--school", required=True, help="id, краткое или полное наименование школы")
        parser.add_argument("--json", action="store_true", dest="as_json", help="вывести один объект JSON")

    def handle(self, *args, school, as_json: bool, **options):
        found = find_school(school)
        profile = {
            "school": {"id": found.pk, "short_name": found.short_name, "full_name": found.full_name,
                       "municipality": found.municipality.name, "region": found.municipality.region.name},
            **needs_for_school(found),
            **items_for_school(found),  # "recommendations" and "decisions"
            "outcomes": outcome_series(found),
        }
        if as_json:
            self.stdout.write(json.dumps(profile, ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"{found.short_name} ({found.municipality.name})")
        for key, title in (("causes", "Причины"), ("deficits", "Дефициты"), ("risks", "Риски")):
            self.stdout.write(f"{title}: {len(profile[key])}")
            for item in profile[key]:
                self.stdout.write(f"  · {item['text']} ({item['period'] or 'период не указан'}; {item['source']})")
        self.stdout.write(f"Рекомендаций: {len(profile['recommendations'])}, решений: {len(profile['decisions'])}")
        self.stdout.write(f"Показателей результатов: {len(profile['outcomes'])}")
