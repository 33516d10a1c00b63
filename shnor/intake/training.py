"""Retraining the activity classifier on the corrections reviewers made in the review screen (`shnor retrain`)."""

from __future__ import annotations

from shnor.core.classify import Classifier, Example, catalogue_examples, load_corpus
from shnor.plans.classifier import model_path

from .models import TrainingExample


def corrections() -> list[Example]:
    return [Example(text, code, "review") for text, code in TrainingExample.objects.values_list("text", "activity_type__code")]


def retrain() -> tuple[Classifier, int]:
    """Train on corpus + catalogue + users' corrections and save it for every process."""
    extra = corrections()
    model = Classifier.train([*load_corpus(), *catalogue_examples(), *extra])
    path = model_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    model.save(tmp)
    tmp.replace(path)  # atomic: a process never loads a half-written model
    return model, len(extra)


def finding_corrections(name: str) -> list[tuple[str, str]]:
    """(text, corrected label) pairs that reviewers made for one of the reader's finding classifiers
    (`shnor.core.classify.FINDING_CLASSIFIERS`): «cause» — a risk500 code, «deficit» — a competence group,
    «addressee» — an addressee kind."""
    from .models import CorrectionExample

    kind = {"cause": CorrectionExample.Kind.CODE, "deficit": CorrectionExample.Kind.GROUP, "addressee": CorrectionExample.Kind.ADDRESSEE}[name]
    return list(CorrectionExample.objects.filter(kind=kind).exclude(label="").order_by("pk").values_list("text", "label"))
