from django.core.management.base import BaseCommand

from shnor.core.classify import cross_validate, cross_validate_findings, load_corpus
from shnor.intake.training import corrections, finding_corrections, retrain
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
        # The reader's classifiers of causes, deficits and addressees learn the reviewers' corrections when a document
        # is read (`reading_context` passes them); here they are counted and, with --evaluate, checked.
        for name, label in (("cause", "причины и риски"), ("deficit", "группы дефицитов"), ("addressee", "адресаты")):
            pairs = finding_corrections(name)
            line = f"{label.capitalize()}: исправлений при проверке {len(pairs)}"
            if evaluate:
                scores = cross_validate_findings(name, pairs)
                line += f", macro-F1 {scores['macro_f1']:.3f}"
            self.stdout.write(line + ".")
