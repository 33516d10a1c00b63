"""The project's activity classifier (activity text → activity type): loaded once per process.

`shnor retrain` (intake/training.py) trains on the packaged corpus, the catalogue's examples and the corrections
users made in the review screen, and saves the model at `model_path()`. Running processes notice the new file
(its modification time) and load it on their next use, so a retrain needs no restart.
"""

from __future__ import annotations

import threading
from pathlib import Path

from django.conf import settings

from shnor.core.classify import Classifier, default_classifier

_lock = threading.Lock()
_loaded: tuple[float, Classifier] | None = None


def model_path() -> Path:
    return Path(settings.VAR_DIR) / "models" / "classifier.joblib"


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
