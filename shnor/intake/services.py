"""Intake: store uploaded files, read them into reviewable items, commit them into reports, undo.

Each file is read in its own transaction: a file that fails leaves a message and nothing else, and the
other files of the batch are still read. Committing a batch is one transaction; so is undoing it.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
from dataclasses import dataclass, fields

import django_tasks
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from rapidfuzz import fuzz

from shnor import background
from shnor.actions import door as actions_door
from shnor.actions.models import Action
from shnor.audit.log import record
from shnor.core.classify import LOW_CONFIDENCE
from shnor.core.documents import ACCEPTED_EXTENSIONS, DocumentError, accepted_formats, read_document
from shnor.core.documents.bounded import Limits, run_bounded
from shnor.core.reading import ReadingContext, SchoolRef, extract, extraction_to_dict
from shnor.core.reading.schools import find_school_names, match_school
from shnor.core.text import fold, shorten_file_name
from shnor.diagnosis import door as diagnosis_door
from shnor.diagnosis.models import Need
from shnor.monitoring import workflow
from shnor.monitoring.models import Campaign, Indicator, ReportEntry, SchoolReport
from shnor.plans.classifier import classify
from shnor.plans.models import ActivityType, Direction, PlannedActivity
from shnor.registry.models import Scope

from .models import CorrectionExample, ImportBatch, ImportFile, ImportItem, TrainingExample

log = logging.getLogger(__name__)
INTERRUPTED = ("Чтение файла прервалось: вероятно, файл слишком большой или повреждён. Повторно он не читается — "
               "сохраните документ заново (например, в Word) и загрузите ещё раз.")
TITLE_MATCH = 85  # rapidfuzz token_set_ratio above which an extracted activity is the planned one (rows read before matching)
MATCH_THRESHOLD = 0.85  # a row matched to a planned activity with this score or more fills it
CANDIDATE_MIN = 0.35  # planned activities scoring less are not offered in review
NEED_KINDS = {"cause": Need.Kind.CAUSE, "deficit": Need.Kind.DEFICIT, "risk": Need.Kind.RISK}
ACTION_KINDS = {"recommendation": Action.Kind.RECOMMENDATION, "decision": Action.Kind.DECISION}
STORED_FINDINGS = {*NEED_KINDS, *ACTION_KINDS}
FINDING_KINDS = {"cause": "причина", "deficit": "дефицит", "risk": "риск", "recommendation": "рекомендация",
                 "decision": "решение", "conclusion": "вывод", "remark": "замечание", "goal": "цель", "task": "задача"}
GROUPS = (("управл", Need.Group.MANAGEMENT), ("предмет", Need.Group.SUBJECT), ("оцен", Need.Group.ASSESSMENT),
          ("психол", Need.Group.PSYCHOLOGY))


class IntakeError(Exception):
    """A refused intake action; the message is Russian and says what to do."""


@dataclass
class Upload:
    name: str
    data: bytes


def reading_context(campaign: Campaign) -> ReadingContext:
    from shnor.plans.maps import framework_maps

    schools = campaign.schools.select_related("municipality")
    maps = framework_maps(campaign.framework)
    from shnor.core.classify import FINDING_CLASSIFIERS

    from .training import finding_corrections

    extra = {}
    names = {f.name for f in fields(ReadingContext)}
    if "directions" in names:  # the reader reads the document's sections as these directions
        extra["directions"] = list(Direction.objects.filter(framework=campaign.framework).order_by("order", "code").values_list("code", "name"))
    if "corrections" in names:  # what reviewers corrected reaches the reading of the next documents
        extra["corrections"] = {name: finding_corrections(name) for name in FINDING_CLASSIFIERS}
    return ReadingContext(
        schools=[SchoolRef(s.pk, s.full_name, s.short_name, s.municipality.name) for s in schools],
        type_directions={t.code: t.direction for t in maps.types if t.direction},
        classify=classify,
        reference_date=campaign.period_start,
        schools_total=len(schools),
        **extra,
    )


@transaction.atomic
def create_batch(campaign: Campaign, school, uploads: list[Upload], user) -> tuple[ImportBatch, list[str]]:
    """Store the files of one upload. Returns the batch and a warning per file not taken."""
    if not uploads:
        raise IntakeError("Выберите хотя бы один файл.")
    limit = settings.INTAKE_MAX_MB * 1024 * 1024
    batch = ImportBatch.objects.create(campaign=campaign, school=school, created_by=user)
    warnings, kept = [], 0
    for upload in uploads:
        name = shorten_file_name(os.path.basename(upload.name), max_chars=200) or "без имени"
        ext = os.path.splitext(name)[1].lower()
        if ext not in ACCEPTED_EXTENSIONS:
            warnings.append(f"«{name}»: такие файлы не читаются. Загрузите {accepted_formats()}.")
            continue
        if len(upload.data) > limit:
            warnings.append(f"«{name}»: файл больше {settings.INTAKE_MAX_MB} МБ. Разделите документ или сожмите вложенные картинки.")
            continue
        digest = hashlib.sha256(upload.data).hexdigest()
        # A file left out of its committed batch (no school found, not read) is not «already committed».
        earlier = (ImportFile.objects.filter(sha256=digest, batch__campaign=campaign, batch__status=ImportBatch.Status.COMMITTED,
                                             status=ImportFile.Status.READ, school__isnull=False).select_related("batch").first())
        if earlier:
            warnings.append(f"«{name}»: этот файл уже внесён в отчёты (импорт № {earlier.batch_id} от {timezone.localtime(earlier.batch.committed_at):%d.%m.%Y}). Повторно он не загружается.")
            continue
        f = ImportFile(batch=batch, file_name=name, size=len(upload.data), sha256=digest)
        f.file.save(f"{digest[:12]}{ext}", ContentFile(upload.data), save=False)
        f.save()
        kept += 1
    if not kept:
        raise IntakeError(" ".join(warnings) or "Ни один файл не принят.")
    batch.files_total = kept
    batch.save(update_fields=["files_total"])
    record(user, "intake.upload", batch, f"Загружено файлов: {kept} (кампания «{campaign.title}»)", school=school, region=campaign.region)
    return batch, warnings


def start_reading(batch: ImportBatch) -> None:
    """Queue the reading of the batch's pending files: a task of the worker, never the request (a document may be huge)."""
    result = read_batch.enqueue(batch.pk)
    ImportBatch.objects.filter(pk=batch.pk).update(task_id=result.id)


@django_tasks.task()
def read_batch(batch_id: int) -> int:
    """The task: read every pending file of the batch, one transaction per file, updating the progress.

    A file is marked as being read before it is read, so that a file whose reading killed the worker is not read
    again by a retry: it is reported as too big or damaged. Returns the number of files read."""
    batch = ImportBatch.objects.select_related("campaign__framework", "school").get(pk=batch_id)
    try:
        context = reading_context(batch.campaign)
        for f in batch.files.filter(status=ImportFile.Status.PENDING):
            ImportFile.objects.filter(pk=f.pk).update(status=ImportFile.Status.READING)
            read_file(f, batch, context)
            ImportBatch.objects.filter(pk=batch.pk).update(files_done=batch.files.filter(status__in=ImportFile.FINISHED).count())
    except Exception:
        log.exception("reading import batch %s failed", batch_id)
        ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.READING).update(status=ImportBatch.Status.FAILED)
        raise  # the task is failed too; it is retried only by hand (retry_reading)
    ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.READING).update(status=ImportBatch.Status.READY)
    return batch.files.filter(status=ImportFile.Status.READ).count()


def reading_failed(batch: ImportBatch) -> bool:
    """The reading stopped: its task raised, or its worker died (the task stays failed, nobody takes it over)."""
    return batch.status == ImportBatch.Status.FAILED or (batch.status == ImportBatch.Status.READING and background.has_failed(batch.task_id))


def retry_reading(batch: ImportBatch, user) -> None:
    """Read again, by hand, a batch whose reading stopped. The file being read when it stopped is not read again."""
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if not reading_failed(batch):
            raise IntakeError("Чтение этого импорта не прерывалось: повторять нечего.")
        interrupted = batch.files.filter(status=ImportFile.Status.READING).update(status=ImportFile.Status.FAILED, error=INTERRUPTED)
        batch.status = ImportBatch.Status.READING
        batch.files_done = batch.files.filter(status__in=ImportFile.FINISHED).count()
        batch.save(update_fields=["status", "files_done"])
        record(user, "intake.retry", batch, f"Повторное чтение импорта № {batch.pk}" + (" (прерванный файл не читается)" if interrupted else ""),
               region=batch.campaign.region)
    start_reading(batch)


def _read_and_extract(data: bytes, filename: str, context: ReadingContext) -> tuple[str, dict]:
    """Runs in the bounded reading process: bytes in, plain data out (no database)."""
    document = read_document(data, filename, max_bytes=settings.INTAKE_MAX_MB * 1024 * 1024)
    payload = extraction_to_dict(extract(document, context))
    text = document.text()
    # The title and the signature name the school whose report it is (the body may name many).
    payload["head_text"], payload["tail_text"] = text[:HEAD_CHARS], text[-TAIL_CHARS:] if len(text) > HEAD_CHARS else ""
    return document.format, payload


HEAD_CHARS, TAIL_CHARS = 700, 500


def read_file(f: ImportFile, batch: ImportBatch, context: ReadingContext) -> None:
    """Read one file in a child process with memory and time limits; a file that fails (a limit included) is
    marked failed with the reason and is not read again automatically."""
    try:
        with f.file.open("rb") as fh:
            data = fh.read()
        context.classify("семинар")  # load the classifier here, once, rather than in every reading process
        fmt, payload = run_bounded(_read_and_extract, data, f.file_name, context, limits=Limits.of(settings), filename=f.file_name)
    except DocumentError as exc:
        ImportFile.objects.filter(pk=f.pk).update(status=ImportFile.Status.FAILED, error=str(exc))
        return
    except Exception:
        log.exception("unexpected failure reading %s", f.file_name)
        ImportFile.objects.filter(pk=f.pk).update(
            status=ImportFile.Status.FAILED,
            error="Файл не удалось прочитать из-за внутренней ошибки. Сохраните его заново в Word или Excel и загрузите ещё раз.")
        return
    with transaction.atomic():
        found = find_school(batch, f.file_name, payload, context)
        f.format, f.extraction, f.status = fmt, payload, ImportFile.Status.READ
        f.school_id, f.school_found, f.school_candidates = found.school_id, found.how[:300], found.candidates
        f.save()
        ImportItem.objects.bulk_create(_items(f, payload, found.school_id, batch.campaign, may_diagnose=_may_diagnose(batch.created_by, found.school_id)))


def _may_diagnose(user, school_id) -> bool:
    """Causes, deficits and risks are included by default only for those who may record them (the diagnosis door's rule)."""
    from shnor.registry.models import School, Scope

    if user is None:
        return True
    scope = Scope.of(user)
    if school_id is None:
        return scope.is_coordinator
    return scope.can_diagnose(School.objects.select_related("municipality").get(pk=school_id))


@dataclass
class FoundSchool:
    school_id: int | None
    how: str  # Russian, shown for confirmation: «по заголовку документа», «не определена: …»
    candidates: list[dict]  # [{"id", "name"}] when ambiguous


def _ids_in(text: str, schools) -> list[int]:
    ids = []
    for _, _, name in find_school_names(text or ""):
        school_id = match_school(name, schools)
        if school_id is not None and school_id not in ids:
            ids.append(school_id)
    return ids


def find_school(batch: ImportBatch, file_name: str, payload: dict, context: ReadingContext) -> FoundSchool:
    """The school whose report the document is: given at upload, else named by its title or signature, else by its
    file name, else the only school the text names. Two different answers, or several schools, are asked about —
    never guessed."""
    if batch.school_id:
        return FoundSchool(batch.school_id, "указана при загрузке", [])
    schools = context.schools
    names = {s.id: s.short_name or s.name for s in schools}
    stem = os.path.splitext(file_name)[0].replace("_", " ")
    by_title = _ids_in(payload.get("head_text", ""), schools)
    by_signature = _ids_in(payload.get("tail_text", ""), schools)
    by_name = _ids_in(stem, schools) or ([i] if (i := match_school(stem, schools)) else [])
    mentioned = list(dict.fromkeys(s["school_id"] for s in payload.get("schools", []) if s.get("school_id")))
    if len(by_title) > 1:  # a title naming several schools: whose report it is, a person says
        return FoundSchool(None, f"не определена: в заголовке документа названо несколько школ ({len(by_title)})",
                           [{"id": i, "name": names.get(i, "")} for i in by_title])
    for ids, how in ((by_title, "по заголовку документа"), (by_signature, "по подписи в документе"), (by_name, "по имени файла")):
        if len(ids) == 1:
            others = {i for group in (by_title, by_signature, by_name) if len(group) == 1 for i in group} - set(ids)
            if others:  # the title says one school, the file name another: ask
                both = [*ids, *sorted(others)]
                return FoundSchool(None, "не определена: в документе и в имени файла названы разные школы",
                                   [{"id": i, "name": names.get(i, "")} for i in both])
            return FoundSchool(ids[0], how, [])
    if len(mentioned) == 1:
        return FoundSchool(mentioned[0], "по тексту документа", [])
    several = list(dict.fromkeys([*by_title, *by_signature, *by_name, *mentioned]))
    if several:
        return FoundSchool(None, f"не определена: в документе названо несколько школ ({len(several)})",
                           [{"id": i, "name": names.get(i, "")} for i in several[:20]])
    return FoundSchool(None, "не определена: школа кампании в документе не названа", [])


def _items(f: ImportFile, payload: dict, school_id, campaign, *, may_diagnose: bool = True) -> list[ImportItem]:
    types = dict(ActivityType.objects.values_list("code", "pk"))
    type_codes = {pk: code for code, pk in types.items()}
    framework_directions = list(Direction.objects.filter(framework=campaign.framework))
    directions = {d.code: d.pk for d in framework_directions}
    by_section = section_directions([a.get("section") or "" for a in payload.get("activities", [])], framework_directions)
    plans = PlanMatcher(campaign)
    items = []
    order = 0
    activities = payload.get("activities", [])
    for position, a in enumerate(activities):
        mentioned = list(dict.fromkeys(s["school_id"] for s in a.get("schools", []) if s.get("school_id")))
        section = a.get("section") or ""
        # The document's section decides the direction when the framework has the document's sections.
        direction_id = directions.get(a.get("section_direction")) or by_section.get(section) or directions.get(a.get("direction"))
        # One activity naming several schools of the campaign is each named school's: one item per school. In a
        # school's own report an activity naming only other schools («сетевое взаимодействие с МБОУ …») names partners.
        targets = mentioned if mentioned and (school_id is None or school_id in mentioned) else [school_id]
        for target in targets:
            order += 1
            item = ImportItem(
                file=f, kind=ImportItem.Kind.ACTIVITY, where=a.get("where", "")[:200], text=a["text"], data=a, order=order,
                school_id=target, activity_type_id=types.get(a.get("activity_type")), predicted_type=a.get("activity_type") or "",
                confidence=a.get("confidence"), direction_id=direction_id, status=a.get("status") or "",
                # Lines of an analytical справка («курсы — 16 (100%)») are counts over many schools, not one school's work.
                include=a.get("count") is None,
                needs_review=(a.get("confidence") is not None and a["confidence"] < LOW_CONFIDENCE)
                or (a.get("status") in ReportEntry.NEED_REASON and not reason_of(a, a.get("status"))),
                match_decided=True,
            )
            if target is not None:
                best, candidates = plans.match(target, a, item.activity_type_id and type_codes.get(item.activity_type_id), position, len(activities))
                item.candidates = candidates
                if best is not None:
                    item.planned_activity_id, item.match_score = best["id"], best["score"]
                elif candidates:
                    item.match_score = candidates[0]["score"]
            items.append(item)
    for i in payload.get("indicators", []):
        order += 1
        items.append(ImportItem(file=f, kind=ImportItem.Kind.INDICATOR, where=i.get("where", "")[:200], text=i.get("text") or i["name"],
                                data=i, order=order, school_id=school_id, include=bool(i.get("code"))))
    for finding in payload.get("findings", []):
        order += 1
        kind = finding.get("kind") or ""
        items.append(ImportItem(
            file=f, kind=ImportItem.Kind.FINDING, where=finding.get("where", "")[:200], text=finding["text"], data=finding, order=order,
            school_id=school_id, include=kind in ACTION_KINDS or (kind in NEED_KINDS and may_diagnose), finding_kind=kind[:20], group=group_of(finding.get("group") or "") or (group_of(finding["text"]) if kind == "deficit" and "компетенц" in fold(finding["text"]) else ""),
            code=(finding.get("code") or "")[:40], addressee=(finding.get("addressee") or finding.get("responsible") or "")[:1000],
            deadline_text=((finding.get("deadline") or {}).get("text") or "")[:200],
            needs_review=finding.get("confidence") is not None and finding["confidence"] < LOW_CONFIDENCE,
        ))
    return items


def group_of(text: str) -> str:
    """A competence group as a document names it («оценочные компетенции», «Группа 1 «Управленческие…»») → Need.Group."""
    folded = fold(text)
    if text in Need.Group.values:
        return text
    return next((group for stem, group in GROUPS if stem in folded), "")


# A competence group as the reader's deficit classifier labels it.
GROUP_LABELS = {Need.Group.MANAGEMENT: "управленческие", Need.Group.SUBJECT: "предметные", Need.Group.ASSESSMENT: "оценочные",
                Need.Group.PSYCHOLOGY: "психолого-педагогические"}
_SECTION_NUMBER = re.compile(r"^\s*(?:подпрограмма|раздел|направление|блок)\s*(?:№\s*)?\d+[.:]?\s*", re.I)


def section_directions(sections: list[str], directions: list[Direction]) -> dict[str, int]:
    """{section as written: direction id} when the campaign's framework has the document's sections («Подпрограмма 1
    «Адресная поддержка…»» ↔ «Адресная поддержка…»): then the document's section decides the direction. Empty when
    any section of the document is not one of the framework's (the classifier's direction stays)."""
    distinct = [s for s in dict.fromkeys(sections) if s.strip()]
    if not distinct or not directions:
        return {}
    found = {}
    for section in distinct:
        name = fold(_SECTION_NUMBER.sub("", section).strip(" «»\"")) or fold(section)
        scored = sorted(((fuzz.token_set_ratio(name, fold(d.name)), -d.order, d.pk) for d in directions), reverse=True)
        if scored[0][0] < 85 or (len(scored) > 1 and scored[1][0] == scored[0][0]):
            return {}
        found[section] = scored[0][2]
    return found


class PlanMatcher:
    """Scores a read activity row against each planned activity of its school: the text above all, then the
    activity type, the deadline, the section and the position in the table."""

    def __init__(self, campaign):
        self.campaign = campaign
        self._plans: dict[int, list[PlannedActivity]] = {}

    def planned(self, school_id: int) -> list[PlannedActivity]:
        if school_id not in self._plans:
            from shnor.registry.models import School

            self._plans[school_id] = list(PlannedActivity.objects.filter(pk__in=[
                a.pk for a in workflow.planned_for(self.campaign, School.objects.get(pk=school_id))]).select_related("activity_type"))
        return self._plans[school_id]

    def match(self, school_id: int, row: dict, type_code: str | None, position: int, total: int) -> tuple[dict | None, list[dict]]:
        plans = self.planned(school_id)
        scored = [(plan_score(row, type_code, position, total, p, i, len(plans)), p) for i, p in enumerate(plans)]
        scored.sort(key=lambda sp: -sp[0])
        candidates = [{"id": p.pk, "title": p.title[:300], "score": round(score, 2)} for score, p in scored[:5] if score >= CANDIDATE_MIN]
        best = candidates[0] if candidates and candidates[0]["score"] >= MATCH_THRESHOLD else None
        return best, candidates


def plan_score(row: dict, type_code: str | None, position: int, total: int, plan: PlannedActivity, plan_position: int, plans: int) -> float:
    """0…1: the text's similarity, raised a little by an agreeing type, deadline, section and position, lowered by
    a different type."""
    text = fuzz.token_set_ratio(fold(plan.title), fold(row.get("text") or "")) / 100
    score = text
    if type_code and plan.activity_type_id:
        score += 0.05 if plan.activity_type.code == type_code else -0.05
    deadline = fold((row.get("deadline") or {}).get("text") or "")
    if deadline and plan.deadline_text and fuzz.ratio(deadline, fold(plan.deadline_text)) >= 80:
        score += 0.04
    section = fold(row.get("section") or "")
    if section and plan.section and fuzz.token_set_ratio(section, fold(plan.section)) >= 85:
        score += 0.04
    if total > 1 and plans > 1 and abs(position / (total - 1) - plan_position / (plans - 1)) < 0.1:
        score += 0.02
    return max(0.0, min(1.0, score))


@dataclass
class ReviewChange:
    item_id: int
    include: bool
    school_id: int | None
    activity_type_id: int | None
    direction_id: int | None
    status: str
    planned: str | None = None  # activities: None — unchanged; "" — «нет в плане»; a planned activity's id
    finding_kind: str | None = None  # findings: the corrections (None — unchanged)
    group: str | None = None
    code: str | None = None
    addressee: str | None = None
    deadline_text: str | None = None


@dataclass
class FileSchool:
    file_id: int
    school_id: int | None


REVIEWED = ("include", "school", "activity_type", "direction", "status", "planned_activity", "match_score", "candidates", "match_decided",
            "finding_kind", "group", "code", "addressee", "deadline_text")


def _apply_change(item: ImportItem, c: ReviewChange, matcher: PlanMatcher, allowed_planned) -> bool:
    before = [getattr(item, f) for f in REVIEWED]
    school_changed = c.school_id != item.school_id
    item.include, item.school_id, item.activity_type_id, item.direction_id, item.status = (
        c.include, c.school_id, c.activity_type_id, c.direction_id, c.status)
    if item.kind == ImportItem.Kind.ACTIVITY:
        if school_changed:  # another school's plan: matched again
            item.planned_activity_id, item.match_score, item.candidates = None, None, []
            if item.school_id is not None:
                best, item.candidates = matcher.match(item.school_id, item.data, None, 0, 1)
                item.planned_activity_id = best["id"] if best else None
                item.match_score = (best or (item.candidates[0] if item.candidates else {})).get("score")
            item.match_decided = True
        elif c.planned is not None:
            chosen = int(c.planned) if c.planned.isdigit() else None
            if chosen is not None and chosen not in allowed_planned(item.school_id):
                raise IntakeError("Выбранное запланированное мероприятие не из дорожной карты этой школы. Обновите страницу и выберите снова.")
            if chosen != item.planned_activity_id:
                item.planned_activity_id = chosen
                item.match_score = next((cand["score"] for cand in item.candidates if cand["id"] == chosen), None)
            item.match_decided = True
    if item.kind == ImportItem.Kind.FINDING:
        if c.finding_kind is not None:
            if c.finding_kind not in FINDING_KINDS:
                raise IntakeError("Вид вывода не из списка. Выберите значение из списка и сохраните снова.")
            item.finding_kind = c.finding_kind
        if c.group is not None:
            item.group = group_of(c.group)
        if c.code is not None:
            item.code = c.code.strip()[:40]
        if c.addressee is not None:
            item.addressee = " ".join(c.addressee.split())[:1000]
        if c.deadline_text is not None:
            item.deadline_text = " ".join(c.deadline_text.split())[:200]
    return [getattr(item, f) for f in REVIEWED] != before


@transaction.atomic
def save_review(batch: ImportBatch, changes: list[ReviewChange], user, file_schools: list[FileSchool] = ()) -> int:
    batch = ImportBatch.objects.select_for_update().select_related("campaign__framework").get(pk=batch.pk)
    if batch.status != ImportBatch.Status.READY:
        raise IntakeError("Этот импорт уже не редактируется.")
    items = {i.pk: i for i in ImportItem.objects.filter(file__batch=batch)}
    matcher = PlanMatcher(batch.campaign)
    changed = 0
    # A file's school confirmed or chosen: its items that followed the file's school follow the new one.
    files = {f.pk: f for f in batch.files.all()}
    for fs in file_schools:
        f = files.get(fs.file_id)
        if f is None or fs.school_id == f.school_id:
            continue
        for item in items.values():
            if item.file_id == f.pk and item.school_id == f.school_id:
                for c in changes:
                    if c.item_id == item.pk and c.school_id == f.school_id:
                        c.school_id = fs.school_id
        f.school_id = fs.school_id
        f.school_found, f.school_candidates = "выбрана при проверке", []
        f.save(update_fields=["school", "school_found", "school_candidates"])
        changed += 1
    for c in changes:
        item = items.get(c.item_id)
        if item is None:
            continue
        if _apply_change(item, c, matcher, lambda school_id: {p.pk for p in matcher.planned(school_id)} if school_id else set()):
            item.save(update_fields=REVIEWED)
            changed += 1
    chosen: dict[tuple, list[ImportItem]] = {}
    for item in items.values():
        if item.kind == ImportItem.Kind.ACTIVITY and item.include and item.planned_activity_id:
            chosen.setdefault((item.school_id, item.planned_activity_id), []).append(item)
    doubled = [group for group in chosen.values() if len(group) > 1]
    if doubled:
        raise IntakeError("Одно запланированное мероприятие выбрано для нескольких строк документа: "
                          + "; ".join(f"«{g[0].planned_activity.title[:80]}»" for g in doubled[:3])
                          + ". Для остальных строк выберите другое мероприятие или «нет в плане».")
    if changed:
        record(user, "intake.review", batch, f"Проверка импорта № {batch.pk}: изменено элементов {changed}", region=batch.campaign.region)
    return changed


def _stored_kind(item: ImportItem) -> bool:
    return item.kind != ImportItem.Kind.FINDING or item.finding_kind in STORED_FINDINGS


@transaction.atomic
def commit_batch(batch: ImportBatch, user) -> dict[str, int]:
    """Write the included items into the schools' reports, diagnoses and recommendations, all or nothing, through
    their doors; with `batch.certified` each school's report is then certified by its document."""
    batch = ImportBatch.objects.select_for_update().select_related("campaign__region").get(pk=batch.pk)
    if batch.status != ImportBatch.Status.READY:
        raise IntakeError("Внести можно только прочитанный и ещё не внесённый импорт.")
    items = [i for i in ImportItem.objects.filter(file__batch=batch, include=True).select_related("activity_type", "school__municipality", "file")
             if _stored_kind(i)]
    missing = [i for i in items if i.school_id is None and not (i.kind == ImportItem.Kind.FINDING and i.finding_kind in ACTION_KINDS)]
    if missing:
        raise IntakeError(f"Не указана школа для элементов: {', '.join(i.where or i.text[:40] for i in missing[:5])}"
                          f"{' и других' if len(missing) > 5 else ''}. Выберите школу или снимите отметку «включить».")
    counts = {"entries": 0, "filled": 0, "indicators": 0, "changes": 0, "corrections": 0, "causes": 0, "deficits": 0, "risks": 0,
              "recommendations": 0, "decisions": 0, "certified": 0}
    by_school: dict[int | None, list[ImportItem]] = {}
    for item in items:
        by_school.setdefault(item.school_id, []).append(item)
    certified = []
    try:
        for school_id in sorted(by_school, key=lambda k: (k is None, k or 0)):  # reports locked in one order
            _commit_school(batch, by_school[school_id], user, counts)
        if batch.certified:
            certified = _certify(batch, user, sorted(k for k in by_school if k is not None))
            counts["certified"] = len(certified)
    except (workflow.WorkflowError, diagnosis_door.DiagnosisError, actions_door.ActionError) as exc:
        raise IntakeError(str(exc)) from exc
    batch.status, batch.committed_at, batch.committed_by = ImportBatch.Status.COMMITTED, timezone.now(), user
    batch.certified_report_ids = certified
    batch.save()
    record(user, "intake.commit", batch, f"Импорт № {batch.pk} внесён: записей {counts['entries']}, заполнено запланированных {counts['filled']}, "
           f"показателей {counts['indicators']}, изменений показателей {counts['changes']}, причин {counts['causes']}, дефицитов {counts['deficits']}, рисков {counts['risks']}, "
           f"рекомендаций {counts['recommendations']}, решений {counts['decisions']}"
           + (f"; заверено по документу отчётов: {len(certified)}" if certified else ""),
           region=batch.campaign.region, changes=counts)
    return counts


@transaction.atomic
def set_certified(batch: ImportBatch, certified: bool, user) -> None:
    """The coordinator says the documents arrived signed by the head and the curator: commit certifies them."""
    batch = ImportBatch.objects.select_for_update().select_related("campaign__region").get(pk=batch.pk)
    if batch.status != ImportBatch.Status.READY:
        raise IntakeError("Этот импорт уже не редактируется.")
    if certified and not Scope.of(user).is_coordinator:
        raise IntakeError("Заверить отчёты по документу может только координатор.")
    ImportBatch.objects.filter(pk=batch.pk).update(certified=certified)
    record(user, "intake.certified", batch, f"Импорт № {batch.pk}: " + ("отчёты будут заверены по документу (подписаны руководителем и куратором)"
                                                                         if certified else "заверение по документу снято"), region=batch.campaign.region)


def committed_message(counts: dict[str, int]) -> str:
    """«Внесено: новых записей 3, заполнено запланированных мероприятий 2, …» — the non-zero counts in Russian."""
    from shnor.core.russian import agree

    parts = [f"новых записей {counts.get('entries', 0)}", f"заполнено запланированных мероприятий {counts.get('filled', 0)}",
             f"показателей {counts.get('indicators', 0)}"]
    labels = (("changes", "изменений показателей"), ("causes", "причин"), ("deficits", "дефицитов"), ("risks", "рисков"), ("recommendations", "рекомендаций"), ("decisions", "решений"))
    parts += [f"{label} {counts[key]}" for key, label in labels if counts.get(key)]
    text = "Внесено в отчёты: " + ", ".join(parts) + "."
    if counts.get("certified"):
        text += f" Заверено по документу: {agree(counts['certified'], 'отчёт')}."
    return text


def _certify(batch: ImportBatch, user, school_ids: list[int]) -> list[int]:
    """Each school's report certified by the coordinator from its signed document, the file kept as its basis."""
    reports = []
    files = {}
    for f in batch.files.filter(status=ImportFile.Status.READ).order_by("pk"):
        files.setdefault(f.school_id, f)
    for school_id in school_ids:
        f = files.get(school_id) or files.get(None)
        report = SchoolReport.objects.get(campaign=batch.campaign, school_id=school_id)
        basis = f"документ «{f.file_name}» (импорт № {batch.pk})" if f else f"импорт № {batch.pk}"
        data = None
        if f:
            with f.file.open("rb") as fh:
                data = fh.read()
        workflow.certify_by_document(report, user, basis=basis, file_name=f.file_name if f else "", data=data)
        reports.append(report.pk)
    return reports


def _commit_school(batch: ImportBatch, items: list[ImportItem], user, counts: dict[str, int]) -> None:
    school = items[0].school
    activities = [i for i in items if i.kind == ImportItem.Kind.ACTIVITY]
    values, changes = _value_items(items)
    if school is not None and (activities or values or changes):
        existed = SchoolReport.objects.filter(campaign=batch.campaign, school=school).exists()
        report = workflow.open_report(batch.campaign, school, user)
        if not existed:  # undo deletes it again when nobody wrote into it since
            batch.created_report_ids = [*batch.created_report_ids, report.pk]
        entries_written, values_written, changes_written = workflow.import_into_report(
            report, user, [_activity(i) for i in activities], [v for _, v in values], source=f"импорт № {batch.pk}", match=_matching_planned,
            changes=[c for _, c in changes])
        for item, written in zip(activities, entries_written, strict=True):
            _keep(item, written)
            counts["filled" if written.previous is not None else "entries"] += 1
            if item.activity_type_id and item.predicted_type != (item.activity_type.code if item.activity_type else ""):
                TrainingExample.objects.create(text=item.text, activity_type_id=item.activity_type_id, predicted_type=item.predicted_type, created_by=user)
                counts["corrections"] += 1
        for (item, _), written in zip(values, values_written, strict=True):
            _keep(item, written)
            counts["indicators"] += 1
        for (item, _), written in zip(changes, changes_written, strict=True):
            _keep(item, written)
            counts["changes"] += 1
    # A finding read from a row's cell («информация о выполнении» listing causes) belongs to that row's entry.
    row_entries = {(i.file_id, i.data.get("where") or ""): i.entry_id for i in activities if i.entry_id}
    for item in items:
        if item.kind != ImportItem.Kind.FINDING:
            continue
        counts["corrections"] += _keep_corrections(item, user)
        if item.finding_kind in NEED_KINDS:
            _commit_need(batch, item, school, user, entry_id=row_entries.get((item.file_id, item.data.get("activity_where") or "")))
            counts[{"cause": "causes", "deficit": "deficits", "risk": "risks"}[item.finding_kind]] += 1
        else:
            _commit_action(batch, item, school, user)
            counts[item.finding_kind + "s"] += 1
    _link_risk_measures(items, user)


def _link_risk_measures(items: list[ImportItem], user) -> None:
    """The measures a risk profile lists under a risk become the measures against the risk the batch recorded: the
    school's planned activities they matched, and the unplanned entries the others became (the need is the batch's:
    undo deletes it with its links)."""
    risks = [i for i in items if i.need_id and i.finding_kind == "risk" and i.need.code]
    for item in risks:
        measures = [a for a in items if a.kind == ImportItem.Kind.ACTIVITY and a.entry_id and (a.data.get("risk") or "") == item.need.code
                    and a.school_id == item.school_id]
        planned = sorted({a.planned_activity_id for a in measures if a.planned_activity_id})
        unplanned = sorted(a.entry_id for a in measures if not a.planned_activity_id)
        if planned:
            diagnosis_door.set_measures(item.need, planned, user)
        if unplanned:
            diagnosis_door.set_measure_entries(item.need, unplanned, user)
        if planned or unplanned:
            item.written = {"need": _need_state(item.need)}
            item.save(update_fields=["written"])


def _source(item: ImportItem) -> tuple[str, str]:
    return item.file.file_name[:300], (item.where or "")[:200]


def _commit_need(batch: ImportBatch, item: ImportItem, school, user, *, entry_id: int | None = None) -> None:
    from shnor.core import needs as catalogue

    kind = NEED_KINDS[item.finding_kind]
    code = item.code if (found := catalogue.catalogue().get(item.code)) is not None and found.kind == kind else ""
    name, place = _source(item)
    try:
        need = diagnosis_door.add_need(school, user, diagnosis_door.NeedInput(
            kind=kind, text=item.text, group=item.group if kind == Need.Kind.DEFICIT else "", code=code,
            period_text=batch.campaign.period_label(), found_by=Need.FoundBy.MONITORING, source_name=name, source_place=place,
            entry_id=entry_id))
    except PermissionDenied:
        raise IntakeError(f"Причины, дефициты и риски школы {school} вносят её куратор и координаторы: снимите отметку «включить» "
                          f"с «{item.text[:60]}» и подобных или попросите куратора внести документ.") from None
    item.need = need
    item.written = {"need": _need_state(need)}
    item.save(update_fields=["need", "written"])


def _need_state(need: Need) -> dict:
    return {"text": need.text, "kind": need.kind, "group": need.group, "code": need.code, "updated_at": need.updated_at.isoformat(),
            "measures": sorted(need.measures.values_list("activity_id", flat=True)),
            "measure_entries": sorted(need.measure_entries.values_list("pk", flat=True))}


def _commit_action(batch: ImportBatch, item: ImportItem, school, user) -> None:
    from shnor.core import actions as core_actions

    name, place = _source(item)
    campaign = batch.campaign
    read = item.data
    as_read = item.addressee == (read.get("addressee") or read.get("responsible") or "")[:1000]
    if item.addressee and as_read:  # the reader's addressee kind and the schools the heading names
        named = [s["school_id"] for s in read.get("schools") or [] if s.get("school_id")]
        kind, school_ids = read.get("addressee_kind") or None, named or _ids_in(item.addressee, reading_context(campaign).schools)
    elif item.addressee:
        kind, school_ids = None, _ids_in(item.addressee, reading_context(campaign).schools)
    else:  # a school's report without an addressee: the school's own
        kind, school_ids = (core_actions.SCHOOLS, [school.pk]) if school is not None else (None, [])
    action = actions_door.create(
        user, kind=ACTION_KINDS[item.finding_kind], region=campaign.region, text=item.text, addressee_text=item.addressee,
        deadline_text=item.deadline_text, campaign=campaign, municipality=school.municipality if school is not None else None,
        school_ids=school_ids, addressee_kind=kind, source=f"«{name}»" + (f", {place}" if place else "") + f" (импорт № {batch.pk})",
        context=campaign.period_end)
    item.action = action
    item.written = {"action": {"status": action.status}}
    item.save(update_fields=["action", "written"])


def _keep_corrections(item: ImportItem, user) -> int:
    """Corrections a reviewer made to a finding, kept as (text, corrected label) pairs for retraining."""
    read = item.data
    pairs = []
    if item.finding_kind != (read.get("kind") or ""):
        pairs.append((CorrectionExample.Kind.FINDING_KIND, item.finding_kind, read.get("kind") or ""))
    if item.finding_kind == "deficit" and item.group != group_of(read.get("group") or ""):
        pairs.append((CorrectionExample.Kind.GROUP, GROUP_LABELS.get(item.group, ""), read.get("group") or ""))
    if item.code != (read.get("code") or ""):
        pairs.append((CorrectionExample.Kind.CODE, item.code, read.get("code") or ""))
    if item.addressee != (read.get("addressee") or read.get("responsible") or "")[:1000]:
        from shnor.core.actions import addressee_kind

        pairs.append((CorrectionExample.Kind.ADDRESSEE, addressee_kind(item.addressee) if item.addressee else "", read.get("addressee_kind") or ""))
    CorrectionExample.objects.bulk_create(
        CorrectionExample(kind=kind, text=item.text, label=label[:1000], predicted=predicted[:1000], created_by=user)
        for kind, label, predicted in pairs if label)
    return len([p for p in pairs if p[1]])


def _activity(item: ImportItem) -> workflow.ImportedActivity:
    data = item.data
    return workflow.ImportedActivity(
        title=item.text, status=item.status, actual_result=data.get("actual_result") or "", activity_type_id=item.activity_type_id,
        direction_id=item.direction_id, order=10000 + item.order,
        # The document's own title of the evidence ("" when none); readings before it had only the citation (`text`).
        evidence=[workflow.ImportedEvidence(kind=ev.get("kind") or "", title=(ev.get("title") if "title" in ev else ev.get("text")) or "",
                                            number=ev.get("number") or "",
                                            date=ev.get("date") or None, issuer=ev.get("issuer") or "", url=ev.get("url") or "")
                  for ev in data.get("evidence", [])],
        expected_result=data.get("expected_result") or "", reason=reason_of(data, item.status),
        section=data.get("section") or "", number=data.get("number") or "", deadline_text=(data.get("deadline") or {}).get("text") or "",
        responsible=data.get("responsible") or "",
        quantities=quantities_of(data), planned_activity_id=item.planned_activity_id, decided=item.match_decided)


_STATUS_WORDS = re.compile(r"^\s*(?:не\s+выполнен[оа]?|выполнен[оа]?\s+частично|частично\s+выполнен[оа]?|частично|перенесен[оа]?|"
                           r"не\s+проведен[оа]?|не\s+состоял[оа]?сь)\s*[:.,;—–-]?\s*", re.I)


def reason_of(data: dict, status: str) -> str:
    """The reason for non-fulfilment: as the reader found it, else what the result cell says after «не выполнено»
    («Не выполнено: собрание перенесено из-за карантина» → «собрание перенесено из-за карантина»)."""
    if data.get("reason"):
        return data["reason"]
    if status not in ReportEntry.NEED_REASON:
        return ""
    result = (data.get("actual_result") or "").strip()
    rest = _STATUS_WORDS.sub("", result, count=1).strip()
    return rest[:1].upper() + rest[1:] if rest and rest != result or (rest and status == ReportEntry.Status.NOT_DONE) else ""


_LOWER_BOUND = re.compile(r"(?:более|больше|свыше|не\s+менее|не\s+меньше|как\s+минимум|минимум|от)\s+$", re.I)


_BOUND_WORD = re.compile(r"^(?:более|больше|свыше|не\s+менее|не\s+меньше|не\s+более|менее|меньше|минимум|как\s+минимум|от|до)\b", re.I)


def quantities_of(data: dict) -> list[dict]:
    """The row's quantities as stored on its entry; «более 20 консультаций» stays a lower bound (`at_least`)."""
    text = " ".join(str(data.get(k) or "") for k in ("text", "actual_result"))
    found = []
    for q in data.get("quantities") or []:
        at_least = q.get("at_least")
        if not at_least:  # the reader's own word first; readings before it had none
            at = text.find(q.get("text") or "\0")
            at_least = at > 0 and bool(_LOWER_BOUND.search(text[max(0, at - 20):at]))
        written = q.get("text") or ""
        # As a person reads it: the bound as written («более 20 педагогов») or said («не менее 20 педагогов»).
        label = f"не менее {written}" if at_least and not _BOUND_WORD.match(written) else written
        found.append({"value": q.get("value"), "unit": q.get("unit") or "", "text": written, "label": label, "of": q.get("of"),
                      "at_least": bool(at_least), "at_most": bool(q.get("at_most")),
                      **({"previous": q["previous"]} if q.get("previous") is not None else {})})
    return found


def _value_items(items: list[ImportItem]) -> tuple[list[tuple[ImportItem, workflow.ImportedValue]], list[tuple[ImportItem, workflow.ImportedChange]]]:
    """The school's indicator items as values (a level, with the level before when the document gives one) and as
    changes («повысилось на 1,1 %»: kept as a change, never as a value), each checked now so that the message can
    say where it was read."""
    indicators = {i.code: i for i in Indicator.objects.all()}
    seen: set[tuple] = set()
    values, changes = [], []
    for item in items:
        if item.kind != ImportItem.Kind.INDICATOR:
            continue
        read = item.data
        indicator = indicators.get(read.get("code") or "")
        # A document often states a value twice (a table and the text): the first one is written.
        subject, is_change = (read.get("subject") or "")[:100], bool(read.get("change"))
        key = (read.get("code"), subject, is_change)
        if indicator is None or key in seen:
            continue
        seen.add(key)
        try:
            if is_change:
                amount = workflow.validate_indicator_change(indicator, read.get("value"))
                changes.append((item, workflow.ImportedChange(indicator, subject, amount, read.get("unit") or "", item.text)))
                continue
            value = workflow.validate_indicator_value(indicator, read.get("value"))
            previous = read.get("previous")
            previous = None if previous is None else workflow.validate_indicator_value(indicator, previous)
        except workflow.IndicatorValueError as exc:
            raise IntakeError(f"{item.where or item.text[:60]}: {exc} Исправьте документ или снимите отметку «включить» с этого показателя.") from None
        values.append((item, workflow.ImportedValue(indicator, subject, value, previous)))
    return values, changes


def _keep(item: ImportItem, written: workflow.Written) -> None:
    item.entry_id, item.indicator_value_id, item.previous = written.entry_id, written.value_id, written.previous
    item.indicator_change_id, item.evidence_ids, item.written = written.change_id, written.evidence_ids, written.state
    item.save(update_fields=["entry", "indicator_value", "indicator_change", "previous", "evidence_ids", "written"])


def _matching_planned(blank: list[ReportEntry], text: str) -> ReportEntry | None:
    """Of the report's blank planned entries, the one whose title is the extracted activity's."""
    best, best_score = None, 0.0
    for entry in blank:
        score = fuzz.token_set_ratio(entry.title.casefold(), text.casefold())
        if score > best_score:
            best, best_score = entry, score
    return best if best_score >= TITLE_MATCH else None


@transaction.atomic
def undo_batch(batch: ImportBatch, user) -> None:
    """Take back everything the batch wrote, exactly; refused once a report it touched has moved on
    or a person changed what it wrote (the workflow names the items and who changed them)."""
    batch = ImportBatch.objects.select_for_update().select_related("campaign").get(pk=batch.pk)
    if batch.status != ImportBatch.Status.COMMITTED:
        raise IntakeError("Отменить можно только внесённый импорт.")
    source = f"импорт № {batch.pk}"
    try:
        for report in SchoolReport.objects.filter(pk__in=batch.certified_report_ids or []).order_by("pk"):
            workflow.withdraw_document_certification(report, user, source=source)
        _undo_needs_and_actions(batch, user, source)
        items = list(ImportItem.objects.filter(file__batch=batch).exclude(entry=None, indicator_value=None, indicator_change=None)
                     .select_related("entry", "indicator_value", "indicator_change"))
        reports = dict(SchoolReport.objects.filter(campaign=batch.campaign, school_id__in={i.indicator_value.school_id for i in items if i.indicator_value})
                       .values_list("school_id", "pk"))
        written = [workflow.Written(
            report_id=i.entry.report_id if i.entry else i.indicator_change.report_id if i.indicator_change else reports.get(i.indicator_value.school_id),
            entry_id=i.entry_id, value_id=i.indicator_value_id, change_id=i.indicator_change_id,
            previous=i.previous, evidence_ids=i.evidence_ids or [], state=i.written) for i in items]
        workflow.remove_imported([w for w in written if w.report_id is not None], user, source=source, since=batch.committed_at)
        for report in SchoolReport.objects.filter(pk__in=batch.created_report_ids or []).order_by("pk"):
            workflow.discard_untouched_report(report, user, source=source)
    except (workflow.WorkflowError, actions_door.ActionError, diagnosis_door.DiagnosisError) as exc:
        raise IntakeError(str(exc)) from exc
    ImportItem.objects.filter(file__batch=batch).update(entry=None, indicator_value=None, indicator_change=None, need=None, action=None, previous=None,
                                                        evidence_ids=[], written=None)
    batch.status, batch.undone_at, batch.certified_report_ids, batch.created_report_ids = ImportBatch.Status.UNDONE, timezone.now(), [], []
    batch.save()
    record(user, "intake.undo", batch, f"Импорт № {batch.pk} отменён", region=batch.campaign.region)


def _undo_needs_and_actions(batch: ImportBatch, user, source: str) -> None:
    """The needs and recommendations the batch wrote, deleted through their doors; a need a person changed since
    (its wording, code, or the measures linked to it) is named and the undo refused."""
    items = list(ImportItem.objects.filter(file__batch=batch).exclude(need=None, action=None).select_related("need__school", "action"))
    changed = []
    for item in items:
        then = (item.written or {}).get("need")  # a state kept before a field existed lacks it: not compared
        if item.need is not None and then and any(v != then.get(k, v) for k, v in _need_state(item.need).items()):
            changed.append(f"«{item.need.text[:80]}» ({item.need.school})")
    if changed:
        raise IntakeError("Отменить импорт нельзя: после него изменили внесённую им диагностику — " + "; ".join(changed[:10])
                          + ". Отмена удалила бы эту работу, поэтому импорт не отменён: уберите лишнее вручную.")
    for item in items:
        if item.need is not None:
            diagnosis_door.delete_need(item.need, user)
        if item.action is not None:
            actions_door.remove_imported(item.action, user, source=source)
