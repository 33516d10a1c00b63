from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import shnor.core.classify as classify
from shnor.core.classify import (
    Classifier,
    Example,
    IncompatibleModelError,
    Prediction,
    catalogue_codes,
    catalogue_examples,
    cross_validate,
    default_classifier,
    load_corpus,
    out_of_fold_predictions,
    reset_default_classifier,
)


@pytest.fixture(scope="module")
def classifier() -> Classifier:
    return Classifier.train([*load_corpus(), *catalogue_examples()])


@pytest.fixture
def fresh_default(monkeypatch):
    """A forgotten process-wide model that trains on a toy corpus: the caching, not the data, is under test."""
    monkeypatch.setattr(classify, "load_corpus", _toy_examples)
    monkeypatch.setattr(classify, "catalogue_examples", list)
    reset_default_classifier()
    yield
    reset_default_classifier()


def test_corpus_has_at_least_600_rows_and_no_exact_duplicates():
    corpus = load_corpus()
    assert len(corpus) >= 600
    duplicates = [text for text, n in Counter(e.text for e in corpus).items() if n > 1]
    assert duplicates == []


def test_corpus_uses_only_catalogue_codes_and_covers_each_with_10_texts():
    counts = Counter(e.code for e in load_corpus())
    assert set(counts) == set(catalogue_codes())
    assert min(counts.values()) >= 10


def test_corpus_sources_are_written_or_a_sample_file():
    sources = Counter(e.source for e in load_corpus())
    assert all(s == "written" or (s.startswith("sample:") and s.endswith(".txt")) for s in sources)
    assert sources["sample:uyar_municipal_roadmap_table_2022.txt"] == 21
    assert sources["sample:bryansk_regional_spravka_2021.txt"] == 27


def test_catalogue_examples_hold_names_and_examples_of_every_code():
    examples = catalogue_examples()
    assert {e.code for e in examples} == set(catalogue_codes())
    assert Example("Наставничество", "mentoring", "catalogue") in examples
    assert Example("родительский лекторий", "parent_education", "catalogue") in examples


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Учителя прошли КПК по функциональной грамотности", "pk_courses"),
        ("Родительский лекторий «Как помочь ребёнку учиться»", "parent_education"),
        ("Заседание ШМО учителей начальных классов", "methodical_association"),
        ("В 7 из 9 ОУ прошли пробные ОГЭ по математике", "diagnostic_tests"),
        ("Закреплены наставники за молодыми специалистами, приказ № 54 от 01.09.2022", "mentoring"),
        ("школьный этап всош – 45 участников", "olympiads_contests"),
    ],
)
def test_it_recognises_clear_texts_in_different_wordings(classifier, text, code):
    prediction = classifier.predict(text)
    assert prediction.code == code
    assert not prediction.needs_review


def test_predictions_carry_three_alternatives_in_falling_order(classifier):
    prediction = classifier.predict("Педсовет «Пути преодоления неуспеваемости»")
    assert len(prediction.alternatives) == 3
    probabilities = [prediction.confidence, *(p for _, p in prediction.alternatives)]
    assert probabilities == sorted(probabilities, reverse=True)
    assert prediction.code not in {code for code, _ in prediction.alternatives}


@pytest.mark.parametrize("text", ["", "   ", "!!! ??? 123", "qwerty asdf zxcv", "https://clck.ru/34PaDg"])
def test_empty_or_garbage_text_needs_review(classifier, text):
    assert classifier.predict(text).needs_review


def test_needs_review_follows_the_threshold():
    assert Prediction("webinars", classify.LOW_CONFIDENCE - 0.01, ()).needs_review
    assert not Prediction("webinars", classify.LOW_CONFIDENCE, ()).needs_review


def test_predict_many_matches_predict_one_by_one(classifier):
    texts = ["Неделя математики", "Мониторинг школьного благополучия", ""]
    assert classifier.predict_many(texts) == [classifier.predict(t) for t in texts]
    assert classifier.predict_many([]) == []


def test_save_and_load_give_identical_predictions(classifier, tmp_path):
    path = tmp_path / "model" / "classifier.joblib"
    classifier.save(path)
    loaded = Classifier.load(path)
    texts = ["Взаимопосещение уроков", "Анализ результатов ВПР", "Совет родителей", "абракадабра"]
    assert loaded.codes == classifier.codes
    assert loaded.predict_many(texts) == classifier.predict_many(texts)


def test_load_refuses_a_file_that_is_not_a_model(tmp_path):
    path = tmp_path / "junk.joblib"
    path.write_bytes(b"not a pickle at all")
    with pytest.raises(IncompatibleModelError, match="not a readable activity classifier"):
        Classifier.load(path)


def test_load_refuses_a_model_of_another_version(classifier, tmp_path, monkeypatch):
    path = tmp_path / "old.joblib"
    monkeypatch.setattr(classify, "MODEL_VERSION", classify.MODEL_VERSION + 1)
    classifier.save(path)
    monkeypatch.undo()
    with pytest.raises(IncompatibleModelError, match="retrain"):
        Classifier.load(path)


def _count_training(monkeypatch) -> list[int]:
    calls: list[int] = []
    original = Classifier.train.__func__

    def counting_train(cls, examples, kind=classify.DEFAULT_KIND):
        calls.append(1)
        return original(cls, examples, kind)

    monkeypatch.setattr(Classifier, "train", classmethod(counting_train))
    return calls


def test_default_classifier_is_trained_once_per_process(fresh_default, monkeypatch, tmp_path):
    calls = _count_training(monkeypatch)
    cache = tmp_path / "classifier.joblib"
    first = default_classifier(cache)
    second = default_classifier(cache)
    assert second is first
    assert len(calls) == 1
    assert cache.exists()


def test_default_classifier_loads_a_matching_cache_instead_of_training(fresh_default, monkeypatch, tmp_path):
    cache = tmp_path / "classifier.joblib"
    trained = default_classifier(cache)
    reset_default_classifier()  # as a new process would start
    calls = _count_training(monkeypatch)
    loaded = default_classifier(cache)
    assert calls == []
    assert loaded is not trained
    assert loaded.fingerprint == trained.fingerprint


def test_default_classifier_retrains_when_the_extra_examples_change(fresh_default, monkeypatch, tmp_path):
    cache = tmp_path / "classifier.joblib"
    default_classifier(cache)
    calls = _count_training(monkeypatch)
    extra = [Example("Фестиваль «Школьная весна»", "parent_joint_events")]
    default_classifier(cache, extra=extra)
    assert len(calls) == 1


def _toy_examples() -> list[Example]:
    texts = {
        "pk_courses": ["курсы ПК {}", "прошли КПК {}", "повышение квалификации {}", "курсовая подготовка {}"],
        "mentoring": ["наставник {}", "наставничество {}", "молодой специалист {}", "учитель-наставник {}"],
        "webinars": ["вебинар {}", "ВКС {}", "видеоконференция {}", "онлайн-семинар {}"],
    }
    subjects = ["по математике", "по физике", "для учителей"]
    return [Example(t.format(s), code) for code, ts in texts.items() for t in ts for s in subjects]


def test_cross_validation_deduplicates_texts_before_splitting():
    examples = _toy_examples()
    # The same texts again in capitals with a year: they must not land in a test fold while their twin trains.
    doubled = examples + [Example(f"{e.text.upper()} (2022)!", e.code) for e in examples]
    result = cross_validate(doubled, folds=3, train_extra=[])
    assert result["n"] == len(examples)
    assert result["folds"] == 3
    assert set(result["per_class"]) == {"pk_courses", "mentoring", "webinars"}


def test_extra_training_examples_never_reach_a_test_fold():
    examples = _toy_examples()
    extra = [Example("наставничество", "mentoring", "catalogue"), Example("вебинар", "webinars", "catalogue")]
    tested = [example for example, _ in out_of_fold_predictions(examples, folds=3, train_extra=extra)]
    assert sorted(tested, key=lambda e: e.text) == sorted(examples, key=lambda e: e.text)


@pytest.mark.slow
def test_cross_validated_macro_f1_reaches_0_85():
    result = cross_validate(load_corpus(), folds=5, seed=0)
    assert result["n"] >= 600
    assert result["macro_f1"] >= 0.85


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=300))
def test_it_never_crashes_on_arbitrary_text(classifier, text):
    prediction = classifier.predict(text)
    assert prediction.code in classifier.codes
    assert 0.0 <= prediction.confidence <= 1.0
    assert len(prediction.alternatives) == 3


def test_packaged_corpus_path_points_into_the_package():
    assert classify.CORPUS_PATH.parent == Path(classify.__file__).parent / "data"


# ---------------------------------------------------------------- finding classifiers and their corrections


def test_each_finding_classifier_labels_its_catalogue_wording():
    from shnor.core.classify import finding_classifier

    assert finding_classifier("cause").predict("Дефицит педагогических кадров").code == "R2"
    assert finding_classifier("deficit").predict("разработка контрольно-измерительных материалов").code == "оценочные"
    assert finding_classifier("addressee").predict("Кураторам школ").code == "curators"


def test_a_reviewers_correction_is_learnt_and_beats_the_corpus():
    from shnor.core.classify import train_finding_classifier

    text = "работа с одарёнными детьми"  # «психолого-педагогические» in the packaged corpus
    assert train_finding_classifier("deficit").predict(text).code == "психолого-педагогические"
    assert train_finding_classifier("deficit", [(text, "предметные")]).predict(text).code == "предметные"


def test_corrections_reach_the_reading_of_a_document():
    from shnor.core.documents import Block, Document
    from shnor.core.reading import ReadingContext, extract

    lines = [("paragraph", "Рекомендации:"), ("paragraph", "Методистам районного методического кабинета:"),
             ("list_item", "провести семинар по формирующему оцениванию."),
             ("paragraph", "Выявленные профессиональные дефициты:"), ("list_item", "работа с одарёнными детьми.")]
    document = Document("s.txt", "txt", [Block(kind=k, text=t, index=i, where=f"строка {i + 1}") for i, (k, t) in enumerate(lines)])
    corrections = {"addressee": [("Методистам районного методического кабинета", "municipality")],
                   "deficit": [("работа с одарёнными детьми", "предметные")]}
    recommendation, deficit = extract(document, ReadingContext(classify=lambda t: (None, 0.0), corrections=corrections)).findings
    assert (recommendation.addressee_kind, recommendation.confidence) == ("municipality", 1.0)
    assert deficit.group == "предметные"


def test_cross_validation_of_a_finding_classifier_reports_macro_f1():
    from shnor.core.classify import cross_validate_findings

    scores = cross_validate_findings("addressee")
    assert 0 <= scores["macro_f1"] <= 1 and scores["n"] >= 40
