"""Intake: store uploaded files, read them into reviewable items, commit them into reports, undo.

Each file is read in its own transaction: a file that fails leaves a message and nothing else, and the
other files of the batch are still read. Committing a batch is one transaction; so is undoing it.
"""

from __future__ import annotations

import hashlib
import logging
import os
from dataclasses import dataclass

import django_tasks
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from rapidfuzz import fuzz

from shnor import background
from shnor.audit.log import record
from shnor.core.documents import ACCEPTED_EXTENSIONS, DocumentError, accepted_formats, read_document
from shnor.core.documents.bounded import Limits, run_bounded
from shnor.core.reading import ReadingContext, SchoolRef, extract, extraction_to_dict
from shnor.core.text import shorten_file_name
from shnor.monitoring import workflow
from shnor.monitoring.models import Campaign, Indicator, ReportEntry, SchoolReport
from shnor.plans.classifier import classify
from shnor.plans.models import ActivityType, Direction

from .models import ImportBatch, ImportFile, ImportItem, TrainingExample

log = logging.getLogger(__name__)
INTERRUPTED = ("Чтение файла прервалось: вероятно, файл слишком большой или повреждён. Повторно он не читается — "
               "сохраните документ заново (например, в Word) и загрузите ещё раз.")
TITLE_MATCH = 85  # rapidfuzz token_set_ratio above which an extracted activity is the planned one


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
    return ReadingContext(
        schools=[SchoolRef(s.pk, s.full_name, s.short_name, s.municipality.name) for s in schools],
        type_directions={t.code: t.direction for t in maps.types if t.direction},
        classify=classify,
        reference_date=campaign.period_start,
        schools_total=len(schools),
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
        earlier = ImportFile.objects.filter(sha256=digest, batch__campaign=campaign, batch__status=ImportBatch.Status.COMMITTED).select_related("batch").first()
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
    return document.format, extraction_to_dict(extract(document, context))


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
        school_id = batch.school_id or _only_school(payload)
        f.format, f.extraction, f.school_id, f.status = fmt, payload, school_id, ImportFile.Status.READ
        f.save()
        ImportItem.objects.bulk_create(_items(f, payload, school_id, batch.campaign))


def _only_school(payload: dict) -> int | None:
    ids = {s["school_id"] for s in payload.get("schools", []) if s.get("school_id")}
    return ids.pop() if len(ids) == 1 else None


def _items(f: ImportFile, payload: dict, school_id, campaign) -> list[ImportItem]:
    types = dict(ActivityType.objects.values_list("code", "pk"))
    directions = dict(Direction.objects.filter(framework=campaign.framework).values_list("code", "pk"))
    items = []
    for order, a in enumerate(payload.get("activities", []), start=1):
        mentioned = [s["school_id"] for s in a.get("schools", []) if s.get("school_id")]
        items.append(ImportItem(
            file=f, kind=ImportItem.Kind.ACTIVITY, where=a.get("where", "")[:200], text=a["text"], data=a, order=order,
            school_id=mentioned[0] if len(mentioned) == 1 else school_id,
            activity_type_id=types.get(a.get("activity_type")), predicted_type=a.get("activity_type") or "",
            confidence=a.get("confidence"), direction_id=directions.get(a.get("direction")), status=a.get("status") or "",
            # Lines of an analytical справка («курсы — 16 (100%)») are counts over many schools, not one school's work.
            include=a.get("count") is None,
        ))
    base = len(items)
    for order, i in enumerate(payload.get("indicators", []), start=base + 1):
        items.append(ImportItem(file=f, kind=ImportItem.Kind.INDICATOR, where=i.get("where", "")[:200], text=i.get("text") or i["name"],
                                data=i, order=order, school_id=school_id, include=bool(i.get("code")) and not i.get("change")))
    base = len(items)
    for order, finding in enumerate(payload.get("findings", []), start=base + 1):
        items.append(ImportItem(file=f, kind=ImportItem.Kind.FINDING, where=finding.get("where", "")[:200], text=finding["text"],
                                data=finding, order=order, school_id=school_id, include=False))
    return items


@dataclass
class ReviewChange:
    item_id: int
    include: bool
    school_id: int | None
    activity_type_id: int | None
    direction_id: int | None
    status: str


@transaction.atomic
def save_review(batch: ImportBatch, changes: list[ReviewChange], user) -> int:
    if batch.status != ImportBatch.Status.READY:
        raise IntakeError("Этот импорт уже не редактируется.")
    items = {i.pk: i for i in ImportItem.objects.filter(file__batch=batch)}
    changed = 0
    for c in changes:
        item = items.get(c.item_id)
        if item is None:
            continue
        new = (c.include, c.school_id, c.activity_type_id, c.direction_id, c.status)
        if new != (item.include, item.school_id, item.activity_type_id, item.direction_id, item.status):
            item.include, item.school_id, item.activity_type_id, item.direction_id, item.status = new
            item.save(update_fields=["include", "school", "activity_type", "direction", "status"])
            changed += 1
    if changed:
        record(user, "intake.review", batch, f"Проверка импорта № {batch.pk}: изменено элементов {changed}", region=batch.campaign.region)
    return changed


@transaction.atomic
def commit_batch(batch: ImportBatch, user) -> dict[str, int]:
    """Write the included items into the schools' reports, all or nothing, through the monitoring workflow."""
    batch = ImportBatch.objects.select_for_update().select_related("campaign").get(pk=batch.pk)
    if batch.status != ImportBatch.Status.READY:
        raise IntakeError("Внести можно только прочитанный и ещё не внесённый импорт.")
    items = list(ImportItem.objects.filter(file__batch=batch, include=True).exclude(kind=ImportItem.Kind.FINDING).select_related("activity_type", "school"))
    missing = [i for i in items if i.school_id is None]
    if missing:
        raise IntakeError(f"Не указана школа для элементов: {', '.join(i.where or i.text[:40] for i in missing[:5])}"
                          f"{' и других' if len(missing) > 5 else ''}. Выберите школу или снимите отметку «включить».")
    counts = {"entries": 0, "filled": 0, "indicators": 0, "corrections": 0}
    by_school: dict[int, list[ImportItem]] = {}
    for item in items:
        by_school.setdefault(item.school_id, []).append(item)
    try:
        for school_id in sorted(by_school):  # reports locked in one order: two commits never wait for each other in a circle
            _commit_school(batch, by_school[school_id], user, counts)
    except workflow.WorkflowError as exc:
        raise IntakeError(str(exc)) from exc
    batch.status, batch.committed_at, batch.committed_by = ImportBatch.Status.COMMITTED, timezone.now(), user
    batch.save()
    record(user, "intake.commit", batch, f"Импорт № {batch.pk} внесён: записей {counts['entries']}, заполнено запланированных {counts['filled']}, "
           f"показателей {counts['indicators']}", region=batch.campaign.region, changes=counts)
    return counts


def _commit_school(batch: ImportBatch, items: list[ImportItem], user, counts: dict[str, int]) -> None:
    school = items[0].school
    activities = [i for i in items if i.kind == ImportItem.Kind.ACTIVITY]
    values = _value_items(items)
    report = workflow.open_report(batch.campaign, school, user)
    entries_written, values_written = workflow.import_into_report(
        report, user, [_activity(i) for i in activities], [v for _, v in values], source=f"импорт № {batch.pk}", match=_matching_planned)
    for item, written in zip(activities, entries_written, strict=True):
        _keep(item, written)
        counts["filled" if written.previous is not None else "entries"] += 1
        if item.activity_type_id and item.predicted_type != (item.activity_type.code if item.activity_type else ""):
            TrainingExample.objects.create(text=item.text, activity_type_id=item.activity_type_id, predicted_type=item.predicted_type, created_by=user)
            counts["corrections"] += 1
    for (item, _), written in zip(values, values_written, strict=True):
        _keep(item, written)
        counts["indicators"] += 1


def _activity(item: ImportItem) -> workflow.ImportedActivity:
    data = item.data
    return workflow.ImportedActivity(
        title=item.text, status=item.status, actual_result=data.get("actual_result") or "", activity_type_id=item.activity_type_id,
        direction_id=item.direction_id, order=10000 + item.order,
        evidence=[workflow.ImportedEvidence(kind=ev.get("kind") or "", title=ev.get("title") or ev.get("text") or "", number=ev.get("number") or "",
                                            date=ev.get("date") or None, issuer=ev.get("issuer") or "", url=ev.get("url") or "")
                  for ev in data.get("evidence", [])])


def _value_items(items: list[ImportItem]) -> list[tuple[ImportItem, workflow.ImportedValue]]:
    """The school's indicator items as values, each checked now so that the message can say where it was read."""
    indicators = {i.code: i for i in Indicator.objects.all()}
    seen: set[tuple] = set()
    values = []
    for item in items:
        if item.kind != ImportItem.Kind.INDICATOR:
            continue
        indicator = indicators.get(item.data.get("code") or "")
        # A document often states a value twice (a table and the text): the first one is written.
        key = (item.data.get("code"), item.data.get("subject") or "")
        if indicator is None or key in seen:
            continue
        seen.add(key)
        try:
            value = workflow.validate_indicator_value(indicator, item.data.get("value"))
        except workflow.IndicatorValueError as exc:
            raise IntakeError(f"{item.where or item.text[:60]}: {exc} Исправьте документ или снимите отметку «включить» с этого показателя.") from None
        values.append((item, workflow.ImportedValue(indicator, (item.data.get("subject") or "")[:100], value)))
    return values


def _keep(item: ImportItem, written: workflow.Written) -> None:
    item.entry_id, item.indicator_value_id, item.previous = written.entry_id, written.value_id, written.previous
    item.evidence_ids, item.written = written.evidence_ids, written.state
    item.save(update_fields=["entry", "indicator_value", "previous", "evidence_ids", "written"])


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
    items = list(ImportItem.objects.filter(file__batch=batch).exclude(entry=None, indicator_value=None).select_related("entry", "indicator_value"))
    reports = dict(SchoolReport.objects.filter(campaign=batch.campaign, school_id__in={i.indicator_value.school_id for i in items if i.indicator_value})
                   .values_list("school_id", "pk"))
    written = [workflow.Written(
        report_id=i.entry.report_id if i.entry else reports.get(i.indicator_value.school_id), entry_id=i.entry_id, value_id=i.indicator_value_id,
        previous=i.previous, evidence_ids=i.evidence_ids or [], state=i.written) for i in items]
    try:
        workflow.remove_imported([w for w in written if w.report_id is not None], user, source=f"импорт № {batch.pk}", since=batch.committed_at)
    except workflow.WorkflowError as exc:
        raise IntakeError(str(exc)) from exc
    ImportItem.objects.filter(file__batch=batch).update(entry=None, indicator_value=None, previous=None, evidence_ids=[], written=None)
    batch.status, batch.undone_at = ImportBatch.Status.UNDONE, timezone.now()
    batch.save()
    record(user, "intake.undo", batch, f"Импорт № {batch.pk} отменён", region=batch.campaign.region)
