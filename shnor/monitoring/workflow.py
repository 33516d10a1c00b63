"""The school report's workflow: draft → submitted → certified → accepted, or returned with remarks.

Each step is one atomic function: it locks the report row (`select_for_update`), checks the
version the user saw (optimistic locking: two people editing the same report must not overwrite
each other silently), checks the user's right, changes the state and writes the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from shnor.audit.log import diff, record
from shnor.core.text import shorten_file_name
from shnor.plans.models import PlannedActivity
from shnor.registry.models import Scope

from .models import Campaign, Evidence, IndicatorValue, ReportEntry, SchoolReport

Status = SchoolReport.Status


class WorkflowError(Exception):
    """A refused action; the message is Russian and says what to do."""


class StaleEdit(WorkflowError):
    pass


def planned_for(campaign: Campaign, school) -> list[PlannedActivity]:
    """The school's current roadmap activities due within the campaign's period."""
    activities = PlannedActivity.objects.filter(roadmap__school=school, roadmap__is_current=True).order_by("roadmap", "order", "pk")
    return [a for a in activities if a.falls_within(campaign.period_start, campaign.period_end)]


@transaction.atomic
def open_report(campaign: Campaign, school, user=None) -> SchoolReport:
    """The school's report for the campaign; created with one entry per planned activity on first use."""
    report, created = SchoolReport.objects.get_or_create(campaign=campaign, school=school)
    if created:
        ReportEntry.objects.bulk_create(
            ReportEntry(report=report, planned_activity=a, title=a.title, activity_type_id=a.activity_type_id, order=i)
            for i, a in enumerate(planned_for(campaign, school), start=1)
        )
        record(user, "report.create", report, f"Создан отчёт школы {school} по кампании «{campaign.title}»", school=school)
    return report


def _lock(report: SchoolReport, version: int | None) -> SchoolReport:
    locked = SchoolReport.objects.select_for_update().select_related("campaign", "school__municipality").get(pk=report.pk)
    if version is not None and locked.version != version:
        who = (locked.updated_by.get_full_name() or locked.updated_by.username) if locked.updated_by else "другой пользователь"
        raise StaleEdit(
            f"Отчёт уже изменил {who} ({timezone.localtime(locked.updated_at):%d.%m.%Y %H:%M}). "
            "Ваши изменения не сохранены: откройте отчёт заново, проверьте его и внесите правки ещё раз."
        )
    return locked


def _bump(report: SchoolReport, user, **fields) -> None:
    report.version += 1
    report.updated_by = user if getattr(user, "is_authenticated", False) else None
    for name, value in fields.items():
        setattr(report, name, value)
    report.save()


@dataclass
class EntryChange:
    """What a form says about one entry; `pk` None for a new, unplanned entry."""

    pk: int | None
    title: str
    status: str
    actual_result: str
    activity_type_id: int | None = None
    direction_id: int | None = None
    delete: bool = False


@dataclass
class EvidenceInput:
    entry_pk: int | None  # None: attach to the new entry with the same position in `entries`
    kind: str
    title: str = ""
    number: str = ""
    date: date | None = None
    url: str = ""
    file: object | None = None  # an UploadedFile
    new_entry_index: int | None = None


@transaction.atomic
def save_report(
    report: SchoolReport,
    user,
    version: int,
    entries: list[EntryChange],
    indicators: dict[tuple[int, str], Decimal | None] | None = None,
    evidence: list[EvidenceInput] | None = None,
    summary: str | None = None,
) -> SchoolReport:
    report = _lock(report, version)
    scope = Scope.of(user)
    if not scope.can_edit_report_of(report.school):
        raise WorkflowError("Редактировать отчёт могут только руководитель и сотрудники школы.")
    if not report.is_editable:
        raise WorkflowError(f"Отчёт в состоянии «{report.get_status_display()}» изменить нельзя.")
    existing = {e.pk: e for e in report.entries.all()}
    changes: dict[str, object] = {}
    new_entries: list[ReportEntry] = []
    next_order = max((e.order for e in existing.values()), default=0)
    for change in entries:
        if change.pk is None:
            if change.delete or not change.title.strip():
                new_entries.append(None)  # keeps positions aligned with new_entry_index
                continue
            next_order += 1
            entry = ReportEntry.objects.create(
                report=report, title=change.title.strip(), status=change.status, actual_result=change.actual_result,
                activity_type_id=change.activity_type_id, direction_id=change.direction_id, order=next_order,
            )
            new_entries.append(entry)
            changes[f"новое: {entry.title[:60]}"] = [None, change.status]
            continue
        entry = existing.get(change.pk)
        if entry is None:
            raise WorkflowError("Запись отчёта не найдена: возможно, её удалили. Откройте отчёт заново.")
        if change.delete:
            if not entry.is_unplanned:
                raise WorkflowError("Запланированное мероприятие удалить нельзя: отметьте его статус.")
            changes[f"удалено: {entry.title[:60]}"] = [entry.status, None]
            entry.delete()
            continue
        before = {"status": entry.status, "actual_result": entry.actual_result, "activity_type_id": entry.activity_type_id,
                  "direction_id": entry.direction_id, "title": entry.title}
        entry.status, entry.actual_result = change.status, change.actual_result
        entry.activity_type_id, entry.direction_id = change.activity_type_id, change.direction_id
        if entry.is_unplanned and change.title.strip():
            entry.title = change.title.strip()
        after = {"status": entry.status, "actual_result": entry.actual_result, "activity_type_id": entry.activity_type_id,
                 "direction_id": entry.direction_id, "title": entry.title}
        delta = diff(before, after)
        if delta:
            entry.save()
            changes[entry.title[:60]] = delta
    for item in evidence or []:
        entry_pk = item.entry_pk
        if entry_pk is None and item.new_entry_index is not None:
            target = new_entries[item.new_entry_index] if item.new_entry_index < len(new_entries) else None
            entry_pk = target.pk if target else None
        if entry_pk is None or (entry_pk not in existing and entry_pk not in {e.pk for e in new_entries if e}):
            continue
        ev = Evidence(entry_id=entry_pk, kind=item.kind, title=item.title, number=item.number, date=item.date, url=item.url, created_by=user)
        if item.file is not None:
            ev.file_name = shorten_file_name(item.file.name, max_chars=300)
            ev.file_size = item.file.size
            ev.file.save(item.file.name, item.file, save=False)
        ev.save()
        changes[f"подтверждение: {ev.describe()[:80]}"] = [None, "добавлено"]
    for (indicator_id, subject), value in (indicators or {}).items():
        changes.update(_set_indicator(report, indicator_id, subject, value))
    if summary is not None and summary != report.summary:
        changes["общие выводы"] = [report.summary[:60], summary[:60]]
        report.summary = summary
    _bump(report, user)
    if changes:
        record(user, "report.edit", report, f"Изменён отчёт школы {report.school}", school=report.school, changes=changes)
    return report


def _set_indicator(report: SchoolReport, indicator_id: int, subject: str, value: Decimal | None) -> dict:
    campaign = report.campaign
    current = IndicatorValue.objects.filter(indicator_id=indicator_id, school=report.school, campaign=campaign, subject=subject).first()
    old = current.value if current else None
    if value is None:
        if current:
            current.delete()
            return {f"показатель {indicator_id}": [str(old), None]}
        return {}
    if current and current.value == value:
        return {}
    if current:
        current.value = value
        current.report = report
        current.save()
    else:
        IndicatorValue.objects.create(
            indicator_id=indicator_id, school=report.school, campaign=campaign, report=report, subject=subject,
            period_start=campaign.period_start, period_end=campaign.period_end, value=value, source="отчёт школы",
        )
    return {f"показатель {indicator_id}": [None if old is None else str(old), str(value)]}


@transaction.atomic
def submit(report: SchoolReport, user, version: int | None) -> SchoolReport:
    report = _lock(report, version)
    if not Scope.of(user).can_submit_report_of(report.school):
        raise WorkflowError("Отправить отчёт может только руководитель школы.")
    if report.status not in SchoolReport.EDITABLE:
        raise WorkflowError(f"Отчёт уже в состоянии «{report.get_status_display()}».")
    unmarked = report.entries.filter(planned_activity__isnull=False, status="").count()
    if unmarked:
        from shnor.core.russian import agree

        raise WorkflowError(
            f"Отметьте выполнение всех запланированных мероприятий: не отмечено {agree(unmarked, 'мероприятие')}."
        )
    if not report.entries.exists():
        raise WorkflowError("В отчёте нет ни одного мероприятия: добавьте выполненные мероприятия.")
    _bump(report, user, status=Status.SUBMITTED, submitted_at=timezone.now(), submitted_by=user, remarks="")
    record(user, "report.submit", report, f"Руководитель отправил отчёт школы {report.school}", school=report.school)
    return report


@transaction.atomic
def certify(report: SchoolReport, user, version: int | None) -> SchoolReport:
    report = _lock(report, version)
    if not Scope.of(user).can_certify_report_of(report.school):
        raise WorkflowError("Заверить отчёт может только куратор этой школы.")
    if report.status != Status.SUBMITTED:
        raise WorkflowError(f"Заверить можно только отправленный отчёт; сейчас он в состоянии «{report.get_status_display()}».")
    _bump(report, user, status=Status.CERTIFIED, certified_at=timezone.now(), certified_by=user)
    record(user, "report.certify", report, f"Куратор заверил отчёт школы {report.school}", school=report.school)
    return report


@transaction.atomic
def accept(report: SchoolReport, user, version: int | None) -> SchoolReport:
    report = _lock(report, version)
    if not Scope.of(user).can_accept_report_of(report.school):
        raise WorkflowError("Принять отчёт может только координатор.")
    if report.status != Status.CERTIFIED:
        raise WorkflowError(f"Принять можно только заверенный куратором отчёт; сейчас он в состоянии «{report.get_status_display()}».")
    _bump(report, user, status=Status.ACCEPTED, accepted_at=timezone.now(), accepted_by=user)
    record(user, "report.accept", report, f"Координатор принял отчёт школы {report.school}", school=report.school)
    return report


@transaction.atomic
def return_report(report: SchoolReport, user, version: int | None, remarks: str) -> SchoolReport:
    report = _lock(report, version)
    scope = Scope.of(user)
    allowed = (report.status == Status.SUBMITTED and (scope.can_certify_report_of(report.school) or scope.can_accept_report_of(report.school))) or (
        report.status == Status.CERTIFIED and scope.can_accept_report_of(report.school)
    )
    if not allowed:
        if report.status == Status.ACCEPTED:
            raise WorkflowError("Принятый отчёт закрыт для изменений и не может быть возвращён.")
        raise WorkflowError("Вернуть этот отчёт на доработку вы не можете.")
    remarks = (remarks or "").strip()
    if not remarks:
        raise WorkflowError("Укажите замечания: школа должна знать, что исправить.")
    _bump(report, user, status=Status.RETURNED, returned_at=timezone.now(), remarks=remarks)
    record(user, "report.return", report, f"Отчёт школы {report.school} возвращён на доработку", school=report.school, changes={"замечания": [None, remarks]})
    return report


@transaction.atomic
def save_and_submit(report: SchoolReport, user, version: int, entries, indicators=None, evidence=None, summary=None) -> SchoolReport:
    """Save the form and submit in one transaction: a refused submission leaves nothing half-done."""
    report = save_report(report, user, version, entries, indicators, evidence, summary)
    return submit(report, user, report.version)


@transaction.atomic
def create_campaign(form, user) -> Campaign:
    campaign = form.save(commit=False)
    campaign.created_by = user
    campaign.save()
    form.save_m2m()
    record(user, "campaign.create", campaign, f"Создана кампания «{campaign.title}» ({campaign.schools.count()} шк.)", region=campaign.region)
    return campaign
