"""The demo region's January–June 2021 campaign as plain records, without the database (for the pure core's tests)."""

from __future__ import annotations

import csv
import json
from datetime import date
from decimal import Decimal
from importlib import resources

from shnor.core.analysis import CampaignData, EntryRecord, IndicatorRecord, SchoolInfo
from shnor.core.coverage import DirectionInfo, TypeInfo
from shnor.demo import bryansk as b

# The catalogue's form tags (shnor/plans/catalog.py FORMS), repeated here so that these tests need no Django.
TRADITIONAL = {"methodical_association", "open_lessons", "methodical_events", "pk_courses", "subject_weeks", "webinars",
               "self_education_reports", "parent_education", "pedagogical_council", "leadership_training"}
INTERACTIVE = {"student_projects", "mentoring", "experience_sharing", "continuous_development", "prof_contests",
               "teacher_of_the_year", "parent_joint_events", "parent_governance", "leader_school_network",
               "culture_partnership", "olympiads_contests", "career_guidance"}


def framework():
    data = resources.files("shnor.core").joinpath("data")
    spec = json.loads(data.joinpath("frameworks.json").read_text(encoding="utf-8"))["cluster4"]
    directions = [DirectionInfo(code, name) for code, name in spec["directions"]]
    with data.joinpath("activity_types.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    types = [TypeInfo(r["code"], r["name_ru"], r["cluster4"].split(";")[0] or None,
                      "traditional" if r["code"] in TRADITIONAL else "interactive" if r["code"] in INTERACTIVE else "other")
             for r in rows if r["cluster4"]]
    return directions, types


def schools(reported=lambda n: True):
    return [SchoolInfo(n, short, muni, reported(n)) for n, muni, short, *_ in b.SCHOOLS]


def campaign(done, not_done=None, *, indicator_index=1, code="bryansk-2021-h1", reported=lambda n: True, unplanned=()):
    directions, types = framework()
    direction_of = {t.code: t.direction for t in types}
    entries = []
    for code_, ids in done.items():
        for n in sorted(ids):
            if reported(n):
                entries.append(EntryRecord(n, code_, direction_of[code_], "done"))
    for code_, statuses in (not_done or {}).items():
        for n, status in statuses.items():
            if reported(n):
                entries.append(EntryRecord(n, code_, direction_of[code_], status))
    for n, code_, _title, _result in unplanned:
        entries.append(EntryRecord(n, code_, direction_of[code_], "done", planned=False, has_evidence=False))
    indicators = []
    for n, values in b.INDICATORS.items():
        if not reported(n):
            continue
        indicators.append(IndicatorRecord(n, "quality", "Качество знаний", "%", Decimal(str(values[indicator_index])), True, 1))
        indicators.append(IndicatorRecord(n, "failing", "Количество неуспевающих обучающихся", "чел.", Decimal(values[4 + indicator_index]), False, 0))
    period = (date(2021, 1, 1), date(2021, 6, 30)) if indicator_index else (date(2020, 7, 1), date(2020, 12, 31))
    return CampaignData(code, f"Мониторинг {code}", "январь – июнь 2021 года" if indicator_index else "июль – декабрь 2020 года",
                        period[0], period[1], schools(reported), directions, types, entries, indicators, region="Брянская область")


def current():
    return campaign(b.DONE_2021_H1, b.NOT_DONE_2021_H1, unplanned=b.UNPLANNED)


def previous():
    done = {code: set(ids) - b.DROPPED_2020_H2.get(code, set()) for code, ids in b.DONE_2021_H1.items()}
    for code, ids in b.ADDED_2020_H2.items():
        done[code] = done.get(code, set()) | ids
    return campaign(done, indicator_index=0, code="bryansk-2020-h2")
