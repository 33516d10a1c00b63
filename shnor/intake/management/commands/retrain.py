from django.core.management.base import BaseCommand

from shnor.core.classify import cross_validate, load_corpus
from shnor.intake.training import corrections, retrain
from shnor.plans.classifier import model_path


class Command(BaseCommand):
    help = "Переобучить классификатор мероприятий на корпусе и исправлениях пользователей"

    def add_arguments(self, parser):
        parser.add_argument("--evaluate", action="store_true", help="сначала оценить качество перекрёстной проверкой (дольше)")

    def handle(self, *args, evaluate: bool, **options):
        if evaluate:
            scores = cross_validate([*load_corpus(), *corrections()])
            self.stdout.write(f"Перекрёстная проверка: macro-F1 {scores['macro_f1']:.3f}, точность {scores['accuracy']:.3f} (примеров: {scores['n']}).")
        model, extra = retrain()
        self.stdout.write(f"Классификатор переобучен (исправлений пользователей: {extra}, видов мероприятий: {len(model.codes)}) и сохранён в {model_path()}.")
