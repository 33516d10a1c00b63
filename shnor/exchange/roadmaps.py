"""Import of roadmaps from the XLSX/CSV template: planned activities per school, deadlines as written.

Every row is checked before anything is written; if one row is wrong, nothing is loaded and each
problem is reported against its row. For every school in the file the import makes a new edition of
its roadmap and keeps the previous one as not current: reports already opened keep pointing at the
activities they were made from, so nothing a school has reported is lost.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction

from shnor.audit.log import record
from shnor.core.documents.bounded import Limits
from shnor.core.periods import parse_period
from shnor.core.sheets import Column, read_table
from shnor.core.text import fold
from shnor.plans.models import ActivityType, Direction, Framework, PlannedActivity, Roadmap
from shnor.registry.models import School

from .common import ImportResult, text
from .matching import SchoolIndex

ROADMAP_COLUMNS = [
    Column("code", "Код школы", aliases=("id школы", "код оо"), width=10),
    Column("municipality", "Муниципалитет", aliases=("муниципальное образование", "район", "муниципальный район"), width=24),
    Column("school", "Школа", required=True, aliases=("краткое наименование", "наименование оо", "образовательная организация", "оо"),
           width=36, example="МБОУ «Альфа СОШ»"),
    Column("roadmap_title", "Название дорожной карты", width=30, example="Дорожная карта по повышению качества образования"),
    Column("roadmap_period", "Период дорожной карты", aliases=("период",), width=22, example="2023/2024 учебный год"),
    Column("approved_by", "Утверждена (приказ)", aliases=("утверждена",), width=26, example="приказ от 01.09.2023 № 120"),
    Column("number", "№", aliases=("№ п/п", "номер"), width=6, example="1"),
    Column("section", "Раздел", width=30, example="Повышение квалификации педагогов"),
    Column("title", "Мероприятие", required=True, aliases=("наименование мероприятия", "мероприятия", "содержание мероприятия"),
           width=60, example="Курсы повышения квалификации учителей математики"),
    Column("activity_type", "Вид мероприятия", aliases=("вид", "тип мероприятия"), width=30),
    Column("directions", "Направления", aliases=("направление", "коды направлений"), width=40),
    Column("deadline", "Сроки", required=True, aliases=("срок", "сроки исполнения", "срок исполнения", "сроки проведения",
                                                         "сроки реализации", "срок выполнения"), width=24, example="Октябрь 2023"),
    Column("responsible", "Ответственный", aliases=("ответственные", "ответственный исполнитель", "ответственные исполнители"), width=28,
           example="заместитель директора по УВР"),
    Column("expected_result", "Ожидаемый результат", aliases=("результат", "планируемый результат"), width=40),
    Column("indicator", "Показатель", aliases=("показатель результативности", "индикатор"), width=28),
]
DEFAULT_FRAMEWORK = "cluster4"


@dataclass
class _School:
    """What the rows say about one school's roadmap as a whole."""

    pk: int
    first_row: int
    fields: dict[str, tuple[object, int]] = field(default_factory=dict)  # field → (value, row where first given)
    activities: list[dict] = field(default_factory=list)


def _types() -> dict[str, int]:
    """Folded code, name or example wording of an activity type → its id (examples only where they are unambiguous)."""
    lookup: dict[str, int] = {}
    examples: dict[str, set[int]] = {}
    for pk, code, name, words in ActivityType.objects.values_list("pk", "code", "name", "examples"):
        lookup[fold(code)] = pk
        lookup[fold(name)] = pk
        for word in words.split(";"):
            if word.strip():
                examples.setdefault(fold(word), set()).add(pk)
    for word, ids in examples.items():
        if len(ids) == 1:
            lookup.setdefault(word, next(iter(ids)))
    return lookup


def import_roadmaps(data: bytes, filename: str, user, schools, *, commit: bool = True, classify: bool = True) -> ImportResult:
    """Load the roadmaps in the file for `schools` (the schools the user may change the roadmap of)."""
    rows = read_table(data, filename, ROADMAP_COLUMNS, limits=Limits.of(settings))
    result = ImportResult(rows)
    index = SchoolIndex(schools)
    types = _types()
    per_school: dict[int, _School] = {}
    seen: dict[tuple, int] = {}
    for row in rows:
        v = row.values
        school_id, problem = index.find(v.get("code"), v.get("school"), v.get("municipality"))
        if problem:
            row.errors.append(problem)
        title = text(v.get("title"))
        if not title:
            row.errors.append("не указано мероприятие")
        deadline = text(v.get("deadline"))
        if not deadline:
            row.errors.append("не указан срок: напишите его, как в дорожной карте («Октябрь 2023», «в течение учебного года»)")
        elif parse_period(deadline).kind == "unknown":
            row.errors.append(f"срок «{deadline}» не удалось прочитать: напишите, например, «Октябрь 2023», «до 01.12.2023», "
                              "«II полугодие 2023/2024», «в течение учебного года» (несуществующая дата тоже сюда попадает)")
        type_id = None
        if type_text := text(v.get("activity_type")):
            type_id = types.get(fold(type_text))
            if type_id is None:
                row.errors.append(f"вид мероприятия «{type_text}» не найден в справочнике: выберите его на листе «Виды мероприятий» "
                                  "или оставьте пустым — система определит вид сама")
        period = None
        if period_text := text(v.get("roadmap_period")):
            parsed = parse_period(period_text)
            if parsed.start is None or parsed.end is None:
                row.errors.append(f"период дорожной карты «{period_text}» не распознан: напишите, например, «2023/2024 учебный год» "
                                  "или «01.09.2023 – 31.05.2025»")
            else:
                period = (parsed.start, parsed.end)
        if school_id is None:
            continue
        key = (school_id, fold(title), fold(deadline))
        if key in seen:
            row.errors.append(f"повторяет строку {seen[key]}: то же мероприятие с тем же сроком у той же школы")
        seen.setdefault(key, row.number)
        school = per_school.setdefault(school_id, _School(school_id, row.number))
        for name, value in (("title", text(v.get("roadmap_title"))), ("period", period), ("approved_by", text(v.get("approved_by")))):
            if not value:
                continue
            if name in school.fields and school.fields[name][0] != value:
                label = {"title": "название", "period": "период", "approved_by": "приказ об утверждении"}[name]
                row.errors.append(f"у школы «{index.name(school_id)}» {label} дорожной карты уже указан иначе в строке {school.fields[name][1]}")
            school.fields.setdefault(name, (value, row.number))
        school.activities.append({
            "row": row, "number": text(v.get("number"))[:20], "section": text(v.get("section"))[:500], "title": title,
            "activity_type_id": type_id, "directions": _split(text(v.get("directions"))), "deadline": deadline[:300],
            "responsible": text(v.get("responsible"))[:500], "expected_result": text(v.get("expected_result")),
            "indicator": text(v.get("indicator"))[:500],
        })
    _check_directions(per_school, index)
    result.schools = len(per_school)
    if result.errors or not commit:
        return result
    if classify:
        result.notes += _classify([a for s in per_school.values() for a in s.activities])
    _commit(per_school, user, filename, result)
    return result


def _split(raw: str) -> list[str]:
    """Directions are separated by «;» (their names have commas); a comma separates short ones («teachers, parents»),
    see `_check_directions`."""
    return [p.strip() for p in raw.split(";") if p.strip()]


def _frameworks(per_school: dict[int, _School]) -> dict[int, Framework | None]:
    """Each school's framework: its current roadmap's, else the default one."""
    current = dict(Roadmap.objects.filter(school_id__in=per_school, is_current=True).values_list("school_id", "framework_id"))
    frameworks = {f.pk: f for f in Framework.objects.filter(pk__in={f for f in current.values() if f})}
    default = Framework.objects.filter(code=DEFAULT_FRAMEWORK).first()
    return {pk: frameworks.get(current.get(pk)) or default for pk in per_school}


def _check_directions(per_school: dict[int, _School], index: SchoolIndex) -> None:
    if not any(a["directions"] for s in per_school.values() for a in s.activities):
        return
    frameworks = _frameworks(per_school)
    lookup: dict[int, dict[str, int]] = {}
    for pk, framework_id, code, name in Direction.objects.values_list("pk", "framework_id", "code", "name"):
        lookup.setdefault(framework_id, {})[fold(code)] = pk
        lookup[framework_id][fold(name)] = pk
    for school in per_school.values():
        framework = frameworks[school.pk]
        known = lookup.get(framework.pk, {}) if framework else {}
        for activity in school.activities:
            ids = []
            for raw in activity["directions"]:
                parts = [p.strip() for p in raw.split(",") if p.strip()]
                if fold(raw) in known:
                    ids.append(known[fold(raw)])
                elif len(parts) > 1 and all(fold(p) in known for p in parts):
                    ids += [known[fold(p)] for p in parts]
                else:
                    name = framework.name if framework else "не выбрана"
                    activity["row"].errors.append(f"направление «{raw}» не найдено в системе направлений школы ({name})")
            activity["direction_ids"] = ids


def _classify(activities: list[dict]) -> list[str]:
    """Give a type to activities that came without one, where the classifier is confident enough."""
    blank = [a for a in activities if a["activity_type_id"] is None]
    if not blank:
        return []
    from shnor.plans.classifier import project_classifier

    types = dict(ActivityType.objects.values_list("code", "pk"))
    unsure = 0
    for activity, prediction in zip(blank, project_classifier().predict_many([a["title"] for a in blank]), strict=True):
        if prediction.needs_review or prediction.code not in types:
            unsure += 1
        else:
            activity["activity_type_id"] = types[prediction.code]
    notes = [f"Вид мероприятия определён автоматически: {len(blank) - unsure} из {len(blank)} мероприятий без вида."]
    if unsure:
        notes.append(f"Для {unsure} мероприятий вид определить не удалось: укажите его в дорожной карте школы, "
                     "иначе эти мероприятия не попадут в таблицу охвата.")
    return notes


@transaction.atomic
def _commit(per_school: dict[int, _School], user, filename: str, result: ImportResult) -> None:
    schools = School.objects.select_related("municipality").in_bulk(list(per_school))
    previous = {r.school_id: r for r in Roadmap.objects.select_for_update().filter(school_id__in=per_school, is_current=True)}
    frameworks = _frameworks(per_school)
    Roadmap.objects.filter(pk__in=[r.pk for r in previous.values()]).update(is_current=False)
    roadmaps = []
    for pk, school in per_school.items():
        before = previous.get(pk)
        period = school.fields.get("period", (None,))[0] or ((before.period_start, before.period_end) if before else (None, None))
        roadmaps.append(Roadmap(
            school_id=pk, framework=frameworks[pk], is_current=True, period_start=period[0], period_end=period[1],
            title=(school.fields.get("title", (None,))[0] or (before.title if before else "Дорожная карта"))[:500],
            approved_by=(school.fields.get("approved_by", (None,))[0] or (before.approved_by if before else ""))[:500],
        ))
    roadmaps = Roadmap.objects.bulk_create(roadmaps)
    activities, links = [], []
    for roadmap, school in zip(roadmaps, per_school.values(), strict=True):
        for order, a in enumerate(school.activities, start=1):
            activity = PlannedActivity(roadmap=roadmap, number=a["number"], section=a["section"], title=a["title"],
                                       activity_type_id=a["activity_type_id"], responsible=a["responsible"],
                                       expected_result=a["expected_result"], indicator=a["indicator"], order=order)
            activity.set_deadline(a["deadline"])
            activities.append(activity)
            links.append(a.get("direction_ids", []))
    activities = PlannedActivity.objects.bulk_create(activities, batch_size=2000)
    through = PlannedActivity.directions.through
    through.objects.bulk_create([through(plannedactivity_id=a.pk, direction_id=d) for a, ids in zip(activities, links, strict=True) for d in ids])
    for roadmap, school in zip(roadmaps, per_school.values(), strict=True):
        replaced = previous.get(school.pk)
        record(user, "roadmap.import", roadmap,
               f"Загружена дорожная карта школы {schools[school.pk]} из файла «{filename}»: мероприятий {len(school.activities)}"
               + (" (прежняя редакция сохранена как недействующая)" if replaced else ""),
               school=schools[school.pk], changes={"мероприятий": [replaced.activities.count() if replaced else None, len(school.activities)]})
    result.created = len(activities)
    result.updated = len(previous)
    result.committed = True
