"""The project's activity classifier: loaded once per process, retrained by `shnor retrain`.

`shnor retrain` trains on the packaged corpus, the catalogue's examples and the corrections users made
in the review screen, and saves the model under var/models/. Running processes notice the new file
(its modification time) and load it on their next use, so a retrain needs no restart.
"""

from __future__ import annotations

import threading
from pathlib import Path

from django.conf import settings

from shnor.core.classify import Classifier, Example, default_classifier

_lock = threading.Lock()
_loaded: tuple[float, Classifier] | None = None


def model_path() -> Path:
    return Path(settings.VAR_DIR) / "models" / "classifier.joblib"


def corrections() -> list[Example]:
    from .models import TrainingExample

    return [Example(text, code, "review") for text, code in TrainingExample.objects.values_list("text", "activity_type__code")]


def project_classifier() -> Classifier:
    """The retrained model if `shnor retrain` made one, else the model of the packaged corpus."""
    global _loaded
    path = model_path()
    try:
        mtime = path.stat().st_mtime
    except FileNotFoundError:
        return default_classifier(path.with_name("corpus-classifier.joblib"))
    with _lock:
        if _loaded is None or _loaded[0] != mtime:
            _loaded = (mtime, Classifier.load(path))
        return _loaded[1]


def classify(text: str) -> tuple[str | None, float]:
    prediction = project_classifier().predict(text)
    return prediction.code, prediction.confidence


def retrain() -> tuple[Classifier, int]:
    """Train on corpus + catalogue + users' corrections and save it for every process."""
    from shnor.core.classify import catalogue_examples, load_corpus

    extra = corrections()
    model = Classifier.train([*load_corpus(), *catalogue_examples(), *extra])
    path = model_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    model.save(tmp)
    tmp.replace(path)  # atomic: a process never loads a half-written model
    return model, len(extra)
