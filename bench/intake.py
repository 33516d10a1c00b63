"""Intake: table documents per second, a 30,000-character prose report, and the classifier's quality."""

from __future__ import annotations

import time

from .figures import Figure


def run() -> list[Figure]:
    from shnor.core.classify import cross_validate, load_corpus
    from shnor.core.reading import bench
    from shnor.core.russian import agree

    r = bench.run()
    figures = [
        Figure("intake", "загрузка модели и словарей (один раз на процесс)", r["warm_up_seconds"], "с"),
        Figure("intake", f"табличные DOCX ({agree(r['table_activities_per_document'], 'мероприятие')}, с классификацией)",
               r["table_documents_per_second"], "док./с", "≥ 20 док./с", r["table_documents_per_second"] >= 20),
        Figure("intake", f"отчёт-текст {r['prose_characters']:,} символов".replace(",", " "), r["prose_seconds"], "с", "≤ 1 с",
               r["prose_seconds"] <= 1),
    ]
    started = time.perf_counter()
    scores = cross_validate(load_corpus(), folds=5, seed=0)
    figures += [
        Figure("intake", f"классификатор: macro-F1, 5-кратная перекрёстная проверка, {scores['n']} текстов",
               scores["macro_f1"], "", "≥ 0,85", scores["macro_f1"] >= 0.85),
        Figure("intake", "классификатор: доля верных ответов (accuracy)", scores["accuracy"], ""),
        Figure("intake", "время перекрёстной проверки", time.perf_counter() - started, "с"),
    ]
    figures += finding_figures()
    return figures


_FINDING_NAMES = {
    "cause": "причины и риски → код риска «500+»",
    "deficit": "дефициты → группа компетенций",
    "addressee": "адресаты рекомендаций → вид адресата",
}


def finding_figures() -> list[Figure]:
    """Cross-validated macro-F1 of each finding classifier on its packaged examples (corrections join them in
    `shnor retrain`; here the packaged corpus alone, so that the figure is reproducible)."""
    from shnor.core.classify import FINDING_CLASSIFIERS, cross_validate_findings

    figures = []
    for name in FINDING_CLASSIFIERS:
        started = time.perf_counter()
        scores = cross_validate_findings(name)
        figures.append(Figure(
            "intake", f"классификатор «{_FINDING_NAMES[name]}»: macro-F1, {scores['folds']}-кратная проверка, "
            f"{scores['n']} текстов", scores["macro_f1"], ""))
        figures.append(Figure("intake", "  … его перекрёстная проверка", time.perf_counter() - started, "с"))
    return figures
