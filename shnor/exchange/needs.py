"""Import of a school's diagnosis — causes, deficits, risks — from the XLSX/CSV layout of the export «Диагностика школ».

Every row is checked first; one wrong row means nothing is written. A row that repeats a need the school already
has (same kind, text and period) is left alone, so that a filled-in export loads back without duplicates. Each need
is written by `shnor/diagnosis/door.py` (audit log, classification into the catalogue when no code is given).
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from shnor.core.documents.bounded import Limits
from shnor.core.needs import catalogue
from shnor.core.sheets import Column, read_table
from shnor.core.text import fold
from shnor.diagnosis import door
from shnor.diagnosis.models import Need
from shnor.registry.models import Membership, School, Scope

from .common import ImportResult, text
from .matching import SchoolIndex

NEED_COLUMNS = [
    Column("code", "Код школы", aliases=("id школы", "код оо"), width=10),
    Column("municipality", "Муниципалитет", aliases=("муниципальное образование", "район"), width=24),
    Column("school", "Школа", required=True, aliases=("краткое наименование", "наименование оо", "оо"), width=36, example="МБОУ «Альфа СОШ»"),
    Column("kind", "Вид", required=True, width=24, example="профессиональный дефицит"),
    Column("group", "Группа компетенций", width=26, example="оценочные компетенции"),
    Column("text", "Формулировка (как написано)", required=True, aliases=("формулировка", "причина", "дефицит"), width=60,
           example="Затруднения в объективном оценивании"),
    Column("catalogue_code", "Код по каталогу", width=14),  # read from older files; not exported (an internal code)
    Column("catalogue", "По каталогу", aliases=("типичная причина или дефицит",), width=40,
           example="Дефицит педагогических кадров"),
    Column("period", "Период", aliases=("период или дата",), width=22, example="2021/2022 учебный год"),
    Column("found_by", "Кем выявлено", width=24, example="комплексное обследование"),
    Column("source", "Документ-источник", aliases=("источник",), width=36),
    Column("place", "Место в документе", width=20),
    Column("measures", "Меры дорожной карты", width=60),
]
# The export's columns: the catalogue item by its name, not its internal code.
NEED_EXPORT_COLUMNS = [c for c in NEED_COLUMNS if c.key != "catalogue_code"]
KINDS = {fold(label): value for value, label in Need.Kind.choices} | {"причина": "cause", "дефицит": "deficit", "риск": "risk"}
GROUPS = {fold(label): value for value, label in Need.Group.choices} | {fold(label.split()[0]): value for value, label in Need.Group.choices}
FOUND_BY = {fold(label): value for value, label in Need.FoundBy.choices}


def diagnosed_schools(user):
    """The schools whose diagnosis the user enters: a curator's own, a coordinator's municipality or region."""
    scope = Scope.of(user)
    curated = [m.school_id for m in scope.memberships if m.role == Membership.Role.CURATOR]
    return School.objects.filter(Q(pk__in=curated) | Q(municipality__in=scope.municipalities()))


def _choice(raw, choices: dict, what: str, row) -> str:
    value = text(raw)
    if not value:
        return ""
    found = choices.get(fold(value)) or (value if value in choices.values() else None)
    if found is None:
        row.errors.append(f"{what} «{value}» не распознан(а): выберите из {', '.join(sorted(set(choices)))}")
        return ""
    return found


def import_needs(data: bytes, filename: str, user, schools) -> ImportResult:
    rows = read_table(data, filename, NEED_COLUMNS, limits=Limits.of(settings))
    result = ImportResult(rows)
    index = SchoolIndex(schools)
    planned: list[tuple[int, door.NeedInput]] = []
    for row in rows:
        v = row.values
        school_id, problem = index.find(v.get("code"), v.get("school"), v.get("municipality"))
        if problem:
            row.errors.append(problem)
        kind = _choice(v.get("kind"), KINDS, "Вид", row)
        group = _choice(v.get("group"), GROUPS, "Группа компетенций", row)
        found_by = _choice(v.get("found_by"), FOUND_BY, "«Кем выявлено»", row) or Need.FoundBy.MONITORING
        code = text(v.get("catalogue_code"))
        named = text(v.get("catalogue"))
        if named and not code:
            code = next((c for c, item in catalogue().items() if fold(item.name) == fold(named)), "")
            if not code:
                row.errors.append(f"«{named}» нет в каталоге типичных причин, дефицитов и рисков: исправьте название или оставьте "
                                  "ячейку «По каталогу» пустой — система отнесёт формулировку к каталогу сама")
        if code and (code not in catalogue() or (kind and catalogue()[code].kind != kind)):
            row.errors.append(f"код по каталогу «{code}» не относится к виду «{text(v.get('kind'))}»: исправьте его или оставьте пустым")
        if not text(v.get("text")):
            row.errors.append("нет формулировки")
        if not row.errors:
            planned.append((school_id, door.NeedInput(kind, text(v.get("text")), group, code, text(v.get("period")), found_by,
                                                      text(v.get("source")) or filename[:300], text(v.get("place")) or f"строка {row.number}")))
    if result.errors:
        return result
    have = set(Need.objects.filter(school_id__in={s for s, _ in planned}).values_list("school_id", "kind", "text", "period_text"))
    with transaction.atomic():
        for school_id, need in planned:
            if (school_id, need.kind, " ".join(need.text.split()), need.period_text) in have:
                result.unchanged += 1
                continue
            door.add_need(School.objects.select_related("municipality").get(pk=school_id), user, need)
            result.created += 1
    result.committed = True
    result.schools = len({s for s, _ in planned})
    return result
