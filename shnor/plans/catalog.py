"""Load the packaged activity-type catalogue and direction frameworks into the database.

Idempotent: codes are stable keys; rows that exist keep the names coordinators may have edited,
only missing types, directions and mappings are added.
"""

from __future__ import annotations

import csv
import json
from importlib import resources

from django.db import transaction

from .models import ActivityType, Direction, Framework, TypeMapping

# Forms of work for the analysis of traditional versus interactive forms (DOMAIN.md, «формы работы»).
# Traditional, reproductive forms: seminars, open lessons, subject weeks, courses, meetings.
# Interactive and project forms: projects, mentoring, contests, networks, exchange of practice.
FORMS = {
    "traditional": {
        "methodical_association", "open_lessons", "methodical_events", "pk_courses", "subject_weeks", "webinars",
        "self_education_reports", "parent_education", "pedagogical_council", "leadership_training",
    },
    "interactive": {
        "student_projects", "mentoring", "experience_sharing", "continuous_development", "prof_contests",
        "teacher_of_the_year", "parent_joint_events", "parent_governance", "leader_school_network",
        "culture_partnership", "olympiads_contests", "career_guidance",
    },
}


def _data(name: str):
    return resources.files("shnor.core").joinpath("data", name)


def read_activity_types() -> list[dict[str, str]]:
    with _data("activity_types.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def read_frameworks() -> dict:
    return json.loads(_data("frameworks.json").read_text(encoding="utf-8"))


def form_of(code: str) -> str:
    for form, codes in FORMS.items():
        if code in codes:
            return form
    return ActivityType.Form.OTHER


@transaction.atomic
def load_catalogue() -> dict[str, int]:
    created = {"types": 0, "frameworks": 0, "directions": 0, "mappings": 0}
    rows = read_activity_types()
    types: dict[str, ActivityType] = {}
    for order, row in enumerate(rows, start=1):
        obj, new = ActivityType.objects.get_or_create(
            code=row["code"],
            defaults={"name": row["name_ru"], "examples": row["examples_ru"], "form": form_of(row["code"]), "order": order},
        )
        types[obj.code] = obj
        created["types"] += new
    for fw_code, spec in read_frameworks().items():
        framework, new = Framework.objects.get_or_create(
            code=fw_code, defaults={"name": spec["name"], "description": spec.get("description", "")}
        )
        created["frameworks"] += new
        directions: dict[str, Direction] = {}
        for order, (code, name) in enumerate(spec["directions"], start=1):
            direction, new = Direction.objects.get_or_create(framework=framework, code=code, defaults={"name": name, "order": order})
            directions[code] = direction
            created["directions"] += new
        for type_code, direction_codes, primary_first in _mapping(spec, rows):
            for i, direction_code in enumerate(direction_codes):
                if direction_code not in directions or type_code not in types:
                    continue
                _, new = TypeMapping.objects.get_or_create(
                    direction=directions[direction_code], activity_type=types[type_code],
                    defaults={"is_primary": primary_first and i == 0},
                )
                created["mappings"] += new
    return created


def _mapping(spec: dict, rows: list[dict[str, str]]):
    """Yield (type code, [direction codes, primary first], whether the first is primary)."""
    column = spec.get("type_column")
    if column:
        for row in rows:
            codes = [c.strip() for c in (row.get(column) or "").split(";") if c.strip()]
            if codes:
                yield row["code"], codes, True
    for direction_code, type_codes in spec.get("mapping", {}).items():
        for type_code in type_codes:
            yield type_code, [direction_code], True
