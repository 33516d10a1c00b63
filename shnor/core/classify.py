"""Activity text → activity type of the catalogue (`data/activity_types.csv`), with a confidence.

The model is small on purpose: TF-IDF on lemmas (word 1–2-grams) plus TF-IDF on character n-grams of the
raw text, and a linear classifier. Character n-grams carry what lemmas lose in report wording: typos,
words run together, clipped words («пед.», «самообраз.»). It trains in a few seconds on the packaged
corpus and answers in one or two milliseconds, so it can run inside an import without a model server.
"""

from __future__ import annotations

import csv
import hashlib
import logging
import os
import re
import tempfile
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import sklearn
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.svm import LinearSVC

from shnor.core.text import lemma_text, normalise

logger = logging.getLogger(__name__)

# Chosen from the out-of-fold predictions on the corpus (5 folds, LogisticRegression, 1,031 texts):
#   top probability   <0.2  0.2–0.3  0.3–0.4  0.4–0.5  0.5–0.6  0.6–0.7  0.7–0.8  0.8–0.9  ≥0.9
#   share correct     0.27  0.55     0.62     0.64     0.77     0.85     0.89     0.95     1.00
# At 0.6, 71 % of texts pass and 96 % of those are right, and 4 errors in 5 go to review (at 0.5: 78 %
# pass, 94 % right, 2 errors in 3 caught). Real reports are messier than the corpus, so the threshold
# leans towards sending more to a person. The right code is among the top three 97 % of the time,
# which is why a review shows the alternatives.
LOW_CONFIDENCE = 0.6

DATA_DIR = Path(__file__).parent / "data"
CORPUS_PATH = DATA_DIR / "activity_corpus.csv"
CATALOGUE_PATH = DATA_DIR / "activity_types.csv"

# Bump when the features or the saved layout change, so that stale cache files are retrained, not misread.
MODEL_VERSION = 1
_MODEL_FORMAT = "shnor.activity-classifier"
MODEL_KINDS = ("logreg", "svc")
DEFAULT_KIND = "logreg"
_ALTERNATIVES = 3


FINDING_KIND = "fast"  # the finding classifiers: trained in a tenth of a second, so that corrections apply at once


class SoftmaxSVC(LinearSVC):
    """A linear SVM whose decision values, put through a softmax, stand in for probabilities (a ranking and a
    rough confidence): it trains in milliseconds where the logistic regression takes seconds."""

    def predict_proba(self, features):
        scores = np.atleast_2d(self.decision_function(features))
        if scores.shape[1] == 1:  # two classes: one column of margins
            scores = np.hstack([-scores, scores])
        scores = 3.0 * (scores - scores.max(axis=1, keepdims=True))
        weights = np.exp(scores)
        return weights / weights.sum(axis=1, keepdims=True)


class IncompatibleModelError(ValueError):
    """A saved model file that this version of the code cannot use."""


@dataclass(frozen=True)
class Prediction:
    code: str
    confidence: float  # probability of the top class, 0..1
    alternatives: tuple[tuple[str, float], ...]  # the next best classes, most probable first

    @property
    def needs_review(self) -> bool:
        return self.confidence < LOW_CONFIDENCE


@dataclass(frozen=True)
class Example:
    text: str
    code: str
    source: str = "written"


def load_corpus(path: Path | None = None) -> list[Example]:
    """The labelled activity texts (`text,code,source`), the packaged corpus by default."""
    with open(path or CORPUS_PATH, encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        missing = {"text", "code", "source"} - set(reader.fieldnames or ())
        if missing:
            raise ValueError(f"{path or CORPUS_PATH}: missing columns {sorted(missing)}")
        return [
            Example(row["text"].strip(), row["code"].strip(), row["source"].strip() or "written")
            for row in reader
            if row["text"].strip()
        ]


def catalogue_examples(path: Path | None = None) -> list[Example]:
    """The catalogue's names and its ';'-separated examples, as extra training texts."""
    examples: list[Example] = []
    with open(path or CATALOGUE_PATH, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            phrases = [row["name_ru"], *row["examples_ru"].split(";")]
            examples.extend(Example(p.strip(), row["code"], "catalogue") for p in phrases if p.strip())
    return examples


def catalogue_codes(path: Path | None = None) -> tuple[str, ...]:
    with open(path or CATALOGUE_PATH, encoding="utf-8", newline="") as f:
        return tuple(row["code"] for row in csv.DictReader(f))


def _features() -> FeatureUnion:
    return FeatureUnion(
        [
            (
                "lemmas",
                TfidfVectorizer(
                    preprocessor=lemma_text,
                    tokenizer=str.split,
                    token_pattern=None,
                    lowercase=False,
                    ngram_range=(1, 2),
                    sublinear_tf=True,
                ),
            ),
            (
                "chars",
                TfidfVectorizer(
                    preprocessor=normalise,
                    analyzer="char_wb",
                    ngram_range=(2, 5),
                    sublinear_tf=True,
                    min_df=2,
                ),
            ),
        ]
    )


def _pipeline(kind: str) -> Pipeline:
    # Compared on the corpus (5 folds, seeds 0–2): logistic regression macro-F1 0.862 (accuracy 0.857),
    # calibrated LinearSVC 0.846 (0.842) and ~15 ms per single prediction against ~1.6 ms. C=100 scored a
    # little higher than 10 or 30 and gave the best-calibrated probabilities.
    if kind == "logreg":
        model: Any = LogisticRegression(C=100.0, max_iter=3000)
    elif kind == FINDING_KIND:
        model = SoftmaxSVC(C=0.5)
    elif kind == "svc":
        # LinearSVC has no probabilities: Platt scaling on 3 inner folds supplies them.
        model = CalibratedClassifierCV(LinearSVC(C=0.5), cv=3, method="sigmoid")
    else:
        raise ValueError(f"unknown model kind {kind!r}; expected one of {MODEL_KINDS}")
    return Pipeline([("features", _features()), ("model", model)])


def _fingerprint(examples: Sequence[Example], kind: str) -> str:
    digest = hashlib.sha256()
    for part in (_MODEL_FORMAT, str(MODEL_VERSION), sklearn.__version__, kind):
        digest.update(part.encode() + b"\0")
    for example in examples:
        digest.update(example.text.encode() + b"\x1f" + example.code.encode() + b"\x1e")
    return digest.hexdigest()


class Classifier:
    """A trained model; build it with `train` or `load`, not with the constructor."""

    def __init__(self, pipeline: Pipeline, fingerprint: str, kind: str = DEFAULT_KIND) -> None:
        self._pipeline = pipeline
        self.fingerprint = fingerprint
        self.kind = kind
        self.codes: tuple[str, ...] = tuple(str(c) for c in pipeline.classes_)

    @classmethod
    def train(cls, examples: Iterable[Example], kind: str = DEFAULT_KIND) -> Classifier:
        examples = [e for e in examples if e.text.strip()]
        if len({e.code for e in examples}) < 2:
            raise ValueError("training needs examples of at least two activity types")
        pipeline = _pipeline(kind)
        pipeline.fit([e.text for e in examples], [e.code for e in examples])
        return cls(pipeline, _fingerprint(examples, kind), kind)

    def predict(self, text: str) -> Prediction:
        return self.predict_many([text])[0]

    def predict_many(self, texts: Sequence[str]) -> list[Prediction]:
        if not texts:
            return []
        # Empty or garbage text becomes an all-zero feature vector; the model then answers with its
        # class priors, a spread-out distribution whose top probability is far below LOW_CONFIDENCE.
        probabilities = self._pipeline.predict_proba([t if isinstance(t, str) else "" for t in texts])
        return [self._prediction(row) for row in probabilities]

    def _prediction(self, row: np.ndarray) -> Prediction:
        order = np.argsort(-row, kind="stable")
        top, rest = order[0], order[1 : 1 + _ALTERNATIVES]
        return Prediction(
            code=self.codes[top],
            confidence=float(row[top]),
            alternatives=tuple((self.codes[i], float(row[i])) for i in rest),
        )

    def save(self, path: Path) -> None:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        payload = {
            "format": _MODEL_FORMAT,
            "version": MODEL_VERSION,
            "sklearn": sklearn.__version__,
            "kind": self.kind,
            "fingerprint": self.fingerprint,
            "pipeline": self._pipeline,
        }
        # Several worker processes may train at once on a cold start: write aside, then rename, so that
        # no process ever reads a half-written file.
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        os.close(fd)
        try:
            joblib.dump(payload, tmp)
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.remove(tmp)

    @classmethod
    def load(cls, path: Path) -> Classifier:
        # joblib files are pickles: load only files this code wrote (the cache), never uploads.
        try:
            payload = joblib.load(path)
        except Exception as error:  # a truncated file, another pickle, a renamed module…
            raise IncompatibleModelError(f"{path} is not a readable activity classifier: {error}") from error
        if not isinstance(payload, dict) or payload.get("format") != _MODEL_FORMAT:
            raise IncompatibleModelError(f"{path} is not an activity classifier file")
        if payload.get("version") != MODEL_VERSION:
            raise IncompatibleModelError(
                f"{path} holds model version {payload.get('version')}, this code needs {MODEL_VERSION}: retrain it"
            )
        if _minor(payload.get("sklearn", "")) != _minor(sklearn.__version__):
            # scikit-learn does not promise that pickles survive a minor upgrade.
            raise IncompatibleModelError(
                f"{path} was saved with scikit-learn {payload.get('sklearn')}, "
                f"this process runs {sklearn.__version__}: retrain it"
            )
        return cls(payload["pipeline"], payload["fingerprint"], payload.get("kind", DEFAULT_KIND))


def _minor(version: str) -> str:
    return ".".join(version.split(".")[:2])


def _dedup_key(text: str) -> str:
    return " ".join(re.sub(r"[\W_]+", " ", normalise(text)).split())


def deduplicate(examples: Iterable[Example]) -> list[Example]:
    """Keep the first of the examples whose texts differ only by case, digits, punctuation or links."""
    seen: set[str] = set()
    unique: list[Example] = []
    for example in examples:
        key = _dedup_key(example.text)
        if key and key not in seen:
            seen.add(key)
            unique.append(example)
    return unique


def out_of_fold_predictions(
    examples: Sequence[Example],
    folds: int = 5,
    seed: int = 0,
    *,
    kind: str = DEFAULT_KIND,
    train_extra: Sequence[Example] | None = None,
) -> list[tuple[Example, Prediction]]:
    """Each (deduplicated) example with the prediction of a model that never saw it.

    `train_extra` (the catalogue examples by default) joins every training fold, never a test fold, and
    loses any text that duplicates one of the fold's test texts.
    """
    unique = deduplicate(examples)
    extra = catalogue_examples() if train_extra is None else list(train_extra)
    labels = [e.code for e in unique]
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    results: list[tuple[Example, Prediction]] = []
    for train_index, test_index in splitter.split(np.zeros(len(unique)), labels):
        test = [unique[i] for i in test_index]
        test_keys = {_dedup_key(e.text) for e in test}
        train = [unique[i] for i in train_index] + [e for e in extra if _dedup_key(e.text) not in test_keys]
        classifier = Classifier.train(train, kind=kind)
        results.extend(zip(test, classifier.predict_many([e.text for e in test]), strict=True))
    return results


def cross_validate(
    examples: Sequence[Example],
    folds: int = 5,
    seed: int = 0,
    *,
    kind: str = DEFAULT_KIND,
    train_extra: Sequence[Example] | None = None,
) -> dict[str, Any]:
    """Stratified k-fold scores on the deduplicated examples (see `out_of_fold_predictions`)."""
    results = out_of_fold_predictions(examples, folds, seed, kind=kind, train_extra=train_extra)
    truth = [e.code for e, _ in results]
    predicted = [p.code for _, p in results]
    codes = sorted(set(truth))
    per_class = f1_score(truth, predicted, labels=codes, average=None, zero_division=0)
    return {
        "macro_f1": float(f1_score(truth, predicted, labels=codes, average="macro", zero_division=0)),
        "accuracy": float(accuracy_score(truth, predicted)),
        "per_class": {code: float(score) for code, score in zip(codes, per_class, strict=True)},
        "folds": folds,
        "n": len(results),
    }


_default_lock = threading.Lock()
_default: Classifier | None = None
_default_key: tuple[Path | None, tuple[Example, ...]] | None = None


def default_classifier(cache_path: Path | None = None, extra: Iterable[Example] = ()) -> Classifier:
    """The process-wide model, trained on the corpus, the catalogue and `extra`.

    Built once per process: later calls with the same arguments return the same object. When `cache_path`
    holds a model trained on the same data by the same code, it is loaded instead of retrained, and a
    freshly trained model is saved there.
    """
    global _default, _default_key
    extra = tuple(extra)
    key = (Path(cache_path) if cache_path else None, extra)
    # A lock rather than a bare check: two request threads arriving together must not both train.
    with _default_lock:
        if _default is not None and _default_key == key:
            return _default
        examples = [*load_corpus(), *catalogue_examples(), *extra]
        examples = [e for e in examples if e.text.strip()]
        classifier = _load_cached(key[0], _fingerprint(examples, DEFAULT_KIND))
        if classifier is None:
            classifier = Classifier.train(examples)
            if key[0] is not None:
                classifier.save(key[0])
        _default, _default_key = classifier, key
        return classifier


def _load_cached(path: Path | None, fingerprint: str) -> Classifier | None:
    if path is None or not path.exists():
        return None
    try:
        cached = Classifier.load(path)
    except IncompatibleModelError as error:
        logger.warning("retraining the activity classifier: %s", error)
        return None
    return cached if cached.fingerprint == fingerprint else None


def reset_default_classifier() -> None:
    """Forget the process-wide model, so that the next `default_classifier` call rebuilds it."""
    global _default, _default_key
    with _default_lock:
        _default, _default_key = None, None


# ---------------------------------------------------------------------------------------------------------
# Finding classifiers: the same model on other labels, each learning from the corrections made in review
# ---------------------------------------------------------------------------------------------------------

# name → what it labels: a cause of low results or a risk's wording → its risk500 code (R1…R11); a deficit →
# its competence group; a recommendation's addressee as written → the addressee kind of `core.actions`.
FINDING_CLASSIFIERS = ("cause", "deficit", "addressee")
_FINDING_COLUMNS = {"cause": "code", "deficit": "group", "addressee": "kind"}
_finding_lock = threading.Lock()
_finding_models: dict[tuple[str, tuple[tuple[str, str], ...]], Classifier] = {}


def finding_examples(name: str) -> list[Example]:
    """The packaged labelled texts of one finding classifier (`data/<name>_corpus.csv`)."""
    if name not in FINDING_CLASSIFIERS:
        raise ValueError(f"unknown finding classifier {name!r}; expected one of {FINDING_CLASSIFIERS}")
    column = _FINDING_COLUMNS[name]
    with open(DATA_DIR / f"{name}_corpus.csv", encoding="utf-8", newline="") as f:
        return [Example(row["text"].strip(), row[column].strip(), "written") for row in csv.DictReader(f)
                if row["text"].strip() and row[column].strip()]


def _pairs(pairs: Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    return tuple((" ".join(str(text).split()), str(label).strip()) for text, label in pairs
                 if str(text).strip() and str(label).strip())


def train_finding_classifier(name: str, pairs: Iterable[tuple[str, str]] = ()) -> Classifier:
    """The packaged corpus of `name` plus reviewers' corrections, (text, label) pairs; a correction of a text
    already in the corpus replaces its label."""
    extra = [Example(text, label, "review") for text, label in _pairs(pairs)]
    corrected = {_dedup_key(e.text) for e in extra}
    examples = [e for e in finding_examples(name) if _dedup_key(e.text) not in corrected] + extra
    return Classifier.train(examples, kind=FINDING_KIND)


def finding_classifier(name: str, pairs: Iterable[tuple[str, str]] = ()) -> Classifier:
    """`train_finding_classifier`, built once per process for the same corrections."""
    key = (name, _pairs(pairs))
    with _finding_lock:
        model = _finding_models.get(key)
        if model is None:
            model = _finding_models[key] = train_finding_classifier(name, key[1])
        return model


def cross_validate_findings(name: str, pairs: Iterable[tuple[str, str]] = (), folds: int = 5, seed: int = 0) -> dict[str, Any]:
    """Stratified k-fold scores of one finding classifier on its corpus and the corrections."""
    examples = [*finding_examples(name), *(Example(t, label, "review") for t, label in _pairs(pairs))]
    smallest = min(sum(1 for e in examples if e.code == code) for code in {e.code for e in examples})
    return cross_validate(examples, folds=min(folds, smallest), seed=seed, kind=FINDING_KIND, train_extra=[])
