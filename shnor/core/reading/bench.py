"""How fast intake reads: DOCX table reports per second (classification included) and a 30,000-character
prose report. `make bench` calls `run()`; `python -m shnor.core.reading.bench` prints the figures.

Targets: ≥ 20 table documents per second, ≤ 1 s for the prose report. The documents are generated here, in the
genre of the samples, so that the figures do not depend on files outside the package.
"""

from __future__ import annotations

import io
import json
import time

TABLE_DOCS_TARGET = 20.0
PROSE_SECONDS_TARGET = 1.0
PROSE_CHARS = 30_000

_TITLES = [
    "Анализ данных по итогам процедур идентификации ШНОР",
    "Проведение мониторинга рисков снижения образовательных результатов",
    "Организация и проведение в рамках РМО методических мероприятий с рассмотрением трудностей педагогов",
    "Повышение квалификации управленческих команд школ, функционирующих в условиях рисков",
    "Проведение мониторинга школьного благополучия в школах района",
    "Проведение мероприятий для родителей (законных представителей) по вовлечению в профилактику неуспешности",
    "Организация работы по разработке ИУПов для слабоуспевающих и неуспевающих обучающихся",
]
_RESULTS = [
    "Приказ Отдела образования от 09.03.2022 № 52 «О посещении семинара в рамках проекта адресной помощи» "
    "https://clck.ru/34PaDg",
    "Подготовка аналитической записки по итогам мониторинга; проведено 3 семинара, участвовали 42 педагога",
    "Информационное письмо от 27.07.2022 №500 «О проведении районного августовского педсовета» https://clck.ru/34Pd8n",
    "Протоколы РМО учителей по рассмотрению трудностей педагогов, КПК прошли 12 педагогов",
]
_PROSE = [
    "Администрацией ОУ проводились следующие мероприятия: семинар-практикум «Пути преодоления неуспешности», "
    "педсовет «Пути преодоления неуспеваемости учащихся» (МБОУ СОШ с. Зеркальное), педсовет «Профессиональная "
    "компетентность педагога» (МБОУ СОШ пгт Хрустальный, МБОУ СОШ № 2 пгт Кавалерово), проведено анкетирование "
    "учащихся «Отношение к учению», мониторинг профессиональных дефицитов педагогов.",
    "В 5 из 8 образовательных учреждений школьные команды обучились по программам повышения квалификации. "
    "Сделаны SWOT-анализы по выявлению внутренних факторов развития, определены сильные и слабые стороны.",
    "По итогам проделанной работы повысилось качество знаний на 1,1 % по сравнению с I полугодием. Количество "
    "неуспевающих учащихся уменьшилось на 0,76 % (с 28 до 10 человек). Успеваемость – 97,5 %.",
    "Внесены корректировки в планы внутришкольного контроля, направленные на повышение качества образования; "
    "разработана форма анализа контрольных работ по предметам.",
]


def table_document() -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph("Аналитическая справка о результатах реализации мероприятий дорожной карты на 2022 год")
    document.add_paragraph("Сбор информации осуществлялся в электронном виде за 2022 год.")
    table = document.add_table(rows=1, cols=4)
    for cell, text in zip(table.rows[0].cells, ["№ п/п", "Наименование мероприятия", "Ожидаемый результат",
                                                "Фактический результат"], strict=True):
        cell.text = text
    number = 0
    for section in range(1, 4):
        cells = table.add_row().cells
        cells[0].merge(cells[3]).text = f"Подпрограмма {section} «Адресная поддержка школ»"
        for _ in range(7):
            number += 1
            cells = table.add_row().cells
            cells[0].text = f"{number}."
            cells[1].text = _TITLES[number % len(_TITLES)]
            cells[2].text = "В муниципалитете сформирована система работы"
            cells[3].text = _RESULTS[number % len(_RESULTS)]
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def prose_document(chars: int = PROSE_CHARS) -> bytes:
    lines = ["Анализ по результатам реализации муниципального проекта за I полугодие 2020-2021 учебного года", ""]
    size, i = 0, 0
    while size < chars:
        paragraph = f"{i + 1}. {_PROSE[i % len(_PROSE)]}"
        lines.append(paragraph)
        size += len(paragraph)
        i += 1
    lines += ["Выводы:", "1) все ОО реализуют мероприятия дорожной карты;", "Управленческие решения:",
              "1) руководителям ОО внести корректировки в дорожную карту с 01 сентября 2021 года."]
    return "\n".join(lines).encode("utf-8")


def run(table_docs: int = 40) -> dict:
    from shnor.core.documents import read_document
    from shnor.core.reading import ReadingContext, extract

    context = ReadingContext()
    started = time.perf_counter()
    table_bytes = table_document()
    extract(read_document(table_bytes, "warm-up.docx"), context)  # loads the classifier and the dictionaries
    warm_up = time.perf_counter() - started

    started = time.perf_counter()
    activities = 0
    for _ in range(table_docs):
        activities += len(extract(read_document(table_bytes, "report.docx"), context).activities)
    table_seconds = time.perf_counter() - started

    prose_bytes = prose_document()
    started = time.perf_counter()
    prose = extract(read_document(prose_bytes, "report.txt"), context)
    prose_seconds = time.perf_counter() - started

    docs_per_second = table_docs / table_seconds
    return {
        "warm_up_seconds": round(warm_up, 3),
        "table_documents": table_docs,
        "table_activities_per_document": activities // table_docs,
        "table_documents_per_second": round(docs_per_second, 1),
        "table_document_ms": round(1000 * table_seconds / table_docs, 1),
        "prose_characters": len(prose_bytes.decode("utf-8")),
        "prose_activities": len(prose.activities),
        "prose_seconds": round(prose_seconds, 3),
        "targets": {"table_documents_per_second": TABLE_DOCS_TARGET, "prose_seconds": PROSE_SECONDS_TARGET},
        "ok": docs_per_second >= TABLE_DOCS_TARGET and prose_seconds <= PROSE_SECONDS_TARGET,
    }


if __name__ == "__main__":
    print(json.dumps(run(), ensure_ascii=False, indent=2))
