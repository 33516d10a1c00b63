"""The one door into monitoring: every change of a report, its entries, evidence and indicator values.

The school report's workflow: draft → submitted → certified → accepted, or returned with remarks.
Each step is one atomic function: it locks the report row (`select_for_update`), checks the
version the user saw (optimistic locking: two people editing the same report must not overwrite
each other silently), checks that the campaign is open and the user's right, changes the state,
bumps the version and writes the audit log. Intake and the Excel import come in here too
(`import_into_report`, `remove_imported`, `set_indicator_values`); they never write these tables.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from shnor.audit.log import diff, record
from shnor.audit.models import AuditEvent
from shnor.core.russian import gender_of, verb_past
from shnor.core.text import clip, shorten_file_name
from shnor.plans.models import PlannedActivity
from shnor.registry.models import Scope

from . import coverage_counts, versions
from .models import (
    Campaign,
    Evidence,
    Indicator,
    IndicatorChange,
    IndicatorValue,
    MunicipalReport,
    ReportEntry,
    SchoolReport,
)
from .notices import notify

Status = SchoolReport.Status


class WorkflowError(Exception):
    """A refused action; the message is Russian and says what to do."""


class StaleEdit(WorkflowError):
    pass


CAMPAIGN_CLOSED = "Кампания закрыта: изменить отчёт нельзя. Открыть её снова может региональный координатор."


def _check_open(campaign: Campaign) -> None:
    if campaign.status == Campaign.Status.CLOSED:
        raise WorkflowError(CAMPAIGN_CLOSED)


# ---------------------------------------------------------------------------------------------------------
# Indicator values: one validation for every path (the report form, the API, the Excel import, intake, restore)
# ---------------------------------------------------------------------------------------------------------

VALUE_LIMIT = Decimal(10) ** 9  # the column is NUMERIC(12, 3): nine digits before the point
COUNT_UNITS = {"чел.", "шт."}
SCORE_UNITS = {"балл"}
MAX_PERCENT = MAX_SCORE = Decimal(100)


class IndicatorValueError(WorkflowError):
    """A value an indicator cannot take; `reason` is the bare reason, for a table's row message."""

    def __init__(self, indicator: Indicator, reason: str):
        self.reason = reason
        super().__init__(f"Показатель «{indicator.name}»: {reason}.")


def validate_indicator_value(indicator: Indicator, value) -> Decimal:
    """The value as the column stores it (three decimals), or IndicatorValueError saying what is wrong.

    Ranges by the indicator's unit: a percentage 0–100, a score 0–100, a count (чел., шт.) a whole number
    of at least 0; any other unit at least 0 and within the column.
    """
    if value is None or value == "":
        raise IndicatorValueError(indicator, "значение не указано")
    value = _number(indicator, value, "")
    unit = indicator.unit
    shown = format(value.normalize(), "f")
    shown = (shown if len(shown) <= 24 else f"{value:.3E}").replace(".", ",")
    if value < 0:
        raise IndicatorValueError(indicator, f"значение {shown} отрицательное, а показатель «{indicator.name}» не бывает меньше нуля")
    if unit == "%" and value > MAX_PERCENT:
        raise IndicatorValueError(indicator, f"значение {shown} % больше 100 %: проверьте, не записано ли число человек вместо доли")
    if unit in SCORE_UNITS and value > MAX_SCORE:
        raise IndicatorValueError(indicator, f"средний балл {shown} больше 100")
    if value >= VALUE_LIMIT:
        raise IndicatorValueError(indicator, f"значение {shown} слишком большое")
    if unit in COUNT_UNITS and value != value.to_integral_value():
        raise IndicatorValueError(indicator, f"значение {shown} должно быть целым числом ({unit})")
    return value.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)


def validate_indicator_change(indicator: Indicator, amount) -> Decimal:
    """A change as the column stores it: any sign, within the column; IndicatorValueError otherwise."""
    amount = _number(indicator, amount, "изменение ")
    if abs(amount) >= VALUE_LIMIT:
        raise IndicatorValueError(indicator, f"изменение «{amount}» — не число или слишком большое")
    return amount.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)


def _number(indicator: Indicator, value, what: str) -> Decimal:
    """`value` (a Decimal, a number or a text with a decimal comma) as a finite Decimal; IndicatorValueError
    naming `what` («изменение ») otherwise."""
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        raise IndicatorValueError(indicator, f"{what}«{value}» — не число") from None
    if not number.is_finite():
        raise IndicatorValueError(indicator, f"{what}«{value}» — не число")
    return number


def planned_for(campaign: Campaign, school) -> list[PlannedActivity]:
    """The school's current roadmap activities due within the campaign's period."""
    activities = PlannedActivity.objects.filter(roadmap__school=school, roadmap__is_current=True).order_by("roadmap", "order", "pk")
    return [a for a in activities if a.falls_within(campaign.period_start, campaign.period_end)]


@transaction.atomic
def open_report(campaign: Campaign, school, user=None) -> SchoolReport:
    """The school's report for the campaign; created with one entry per planned activity on first use."""
    report = SchoolReport.objects.filter(campaign=campaign, school=school).first()
    if report is not None:
        return report
    _check_open(Campaign.objects.get(pk=campaign.pk))  # as stored: the caller's copy may predate a closing
    report, created = SchoolReport.objects.get_or_create(campaign=campaign, school=school)
    if created:
        ReportEntry.objects.bulk_create(
            ReportEntry(report=report, planned_activity=a, title=a.title, activity_type_id=a.activity_type_id,
                        expected_result=a.expected_result, order=i)
            for i, a in enumerate(planned_for(campaign, school), start=1)
        )
        versions.bump([campaign.pk])
        record(user, "report.create", report, f"Создан отчёт школы {school} по кампании «{campaign.title}»", school=school)
    return report


@transaction.atomic
def discard_untouched_report(report: SchoolReport, user, *, source: str) -> bool:
    """Delete a report an import created (open_report) when it holds nothing but its planned entries as they were
    created: the import that opened it is undone. A report anyone wrote into since is kept; False then."""
    report = _lock(report, None)
    touched = (report.status != SchoolReport.Status.DRAFT or report.summary or report.indicator_values.exists()
               or report.indicator_changes.exists() or Evidence.objects.filter(entry__report=report).exists()
               or report.entries.filter(planned_activity=None).exists()
               or report.entries.exclude(status="", actual_result="", reason="", quantities=[]).exists())
    if touched:
        return False
    school, campaign = report.school, report.campaign
    record(user, "report.delete", report, f"Удалён пустой отчёт школы {school} по кампании «{campaign.title}», созданный импортом ({source})",
           school=school)
    report.delete()
    versions.bump([campaign.pk])
    return True


def _lock(report: SchoolReport, version: int | None) -> SchoolReport:
    return _locked(SchoolReport.objects.select_related("campaign", "school__municipality"), report.pk, version)


def _locked(reports, pk: int, version: int | None):
    """The report (school's or municipality's) locked for the step, refused when someone changed it since `version`
    was read or when its campaign is closed."""
    locked = reports.select_for_update().get(pk=pk)
    if version is not None and locked.version != version:
        who = (locked.updated_by.get_full_name() or locked.updated_by.username) if locked.updated_by else "другой пользователь"
        changed = verb_past("изменил", gender_of(who)) if locked.updated_by else "изменил"
        raise StaleEdit(
            f"Отчёт уже {changed} {who} ({timezone.localtime(locked.updated_at):%d.%m.%Y %H:%M}). "
            "Ваши изменения не сохранены: откройте отчёт заново, проверьте его и внесите правки ещё раз."
        )
    _check_open(locked.campaign)
    return locked


def _notify(report: SchoolReport, event: str) -> None:
    """The e-mail about a step goes to the task queue once the step is committed (never for a step rolled back)."""
    transaction.on_commit(lambda: notify.enqueue(report.pk, event))


def _bump(report: SchoolReport | MunicipalReport, user, **fields) -> None:
    """Every step that changes a report ends here: its version, the campaign's data version (the stamp of the stored
    analyses) and, when the status moves, the maintained coverage, all in the step's transaction."""
    before = report.status
    report.version += 1
    report.updated_by = user if getattr(user, "is_authenticated", False) else None
    for name, value in fields.items():
        setattr(report, name, value)
    report.save()
    versions.bump([report.campaign_id])
    coverage_counts.report_moved(report, before, report.status)


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
    reason: str | None = None  # why not (fully) done, required for ReportEntry.NEED_REASON at submission; None: kept
    expected_result: str | None = None  # only an unplanned entry's own; a planned one keeps its roadmap's


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
    changes = _apply_entries(report, user, entries, evidence, owner={"report": report})
    for (indicator_id, subject), value in (indicators or {}).items():
        changes.update(_set_indicator(report, indicator_id, subject, value))
    if summary is not None and summary != report.summary:
        changes["общие выводы"] = [report.summary[:60], summary[:60]]
        report.summary = summary
    if changes:  # a save that changes nothing keeps the version: a colleague's open form stays current
        _bump(report, user)
        record(user, "report.edit", report, f"Изменён отчёт школы {report.school}", school=report.school, changes=changes)
    return report


def _apply_entries(report, user, entries: list[EntryChange], evidence: list[EvidenceInput] | None, *, owner: dict) -> dict[str, object]:
    """Apply a form's entry changes and new evidence to a locked report (a school's or a municipality's); returns
    the changes for the audit log. `owner`: the new entries' owner field ({"report": …} or {"municipal_report": …})."""
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
                **owner, title=change.title.strip(), status=change.status, actual_result=change.actual_result,
                activity_type_id=change.activity_type_id, direction_id=change.direction_id, order=next_order,
                reason=(change.reason or "").strip(), expected_result=(change.expected_result or "").strip(),
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
                  "direction_id": entry.direction_id, "title": entry.title, "reason": entry.reason, "expected_result": entry.expected_result}
        entry.status, entry.actual_result = change.status, change.actual_result
        entry.activity_type_id, entry.direction_id = change.activity_type_id, change.direction_id
        if change.reason is not None:
            entry.reason = change.reason.strip()
        if entry.is_unplanned and change.title.strip():
            entry.title = change.title.strip()
        if entry.is_unplanned and change.expected_result is not None:
            entry.expected_result = change.expected_result.strip()
        after = {"status": entry.status, "actual_result": entry.actual_result, "activity_type_id": entry.activity_type_id,
                 "direction_id": entry.direction_id, "title": entry.title, "reason": entry.reason, "expected_result": entry.expected_result}
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
    return changes


def _set_indicator(report: SchoolReport, indicator_id: int, subject: str, value: Decimal | None) -> dict:
    campaign = report.campaign
    current = IndicatorValue.objects.filter(indicator_id=indicator_id, school=report.school, campaign=campaign, subject=subject).first()
    old = current.value if current else None
    indicator = Indicator.objects.get(pk=indicator_id)
    # The log names the indicator and shows values as people write them: «Качество знаний: 41,5 % → 42 %».
    label = f"{indicator.name} ({subject})" if subject else indicator.name
    if value is None:
        if current:
            current.delete()
            return {label: [indicator.format(old), None]}
        return {}
    value = validate_indicator_value(current.indicator if current else Indicator.objects.get(pk=indicator_id), value)
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
    return {label: [None if old is None else indicator.format(old), indicator.format(value)]}


@transaction.atomic
def submit(report: SchoolReport, user, version: int | None) -> SchoolReport:
    report = _lock(report, version)
    if not Scope.of(user).can_submit_report_of(report.school):
        raise WorkflowError("Отправить отчёт может только руководитель школы.")
    if report.status not in SchoolReport.EDITABLE:
        raise WorkflowError(f"Отчёт уже в состоянии «{report.get_status_display()}».")
    _check_complete(report)
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
    _notify(report, "certified")
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
    _notify(report, "accepted")
    return report


@transaction.atomic
def accept_many(reports: list[tuple[SchoolReport, int | None]], user) -> tuple[list[SchoolReport], list[str]]:
    """Accept several (report, version seen) in one transaction; each refusal (a report returned or changed meanwhile,
    one the user may not accept) is reported by school and leaves the others accepted (its own savepoint is undone)."""
    accepted, refused = [], []
    for report, version in sorted(reports, key=lambda pair: pair[0].pk):  # id order: two coordinators lock alike
        try:
            accepted.append(accept(report, user, version))
        except WorkflowError as exc:
            refused.append(f"{report.school}: {exc}")
    return accepted, refused


@transaction.atomic
def return_report(report: SchoolReport, user, version: int | None, remarks: str, entry_remarks: dict[int, str] | None = None) -> SchoolReport:
    """Back to the school with remarks: on the whole report and/or per entry (`entry_remarks`: entry pk → remark).

    Each entry keeps its state at the return, so that the curator later sees what changed since.
    """
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
    entries = list(report.entries.prefetch_related("evidence"))
    per_entry = {pk: text.strip() for pk, text in (entry_remarks or {}).items() if text and text.strip()}
    unknown = set(per_entry) - {e.pk for e in entries}
    if unknown:
        raise WorkflowError("Замечание относится к записи, которой нет в отчёте: откройте отчёт заново.")
    if not remarks and not per_entry:
        raise WorkflowError("Укажите замечания: школа должна знать, что исправить.")
    changes: dict[str, list] = {"замечания": [None, remarks]} if remarks else {}
    for entry in entries:
        entry.remark = per_entry.get(entry.pk, "")
        entry.at_return = entry.snapshot()
        if entry.remark:
            changes[f"замечание: {entry.title[:60]}"] = [None, entry.remark]
    ReportEntry.objects.bulk_update(entries, ["remark", "at_return"])
    _bump(report, user, status=Status.RETURNED, returned_at=timezone.now(), remarks=remarks)
    record(user, "report.return", report, f"Отчёт школы {report.school} возвращён на доработку", school=report.school, changes=changes)
    _notify(report, "returned")
    return report


@transaction.atomic
def recall(report: SchoolReport, user, version: int | None) -> SchoolReport:
    """The head takes a submitted report back into the draft, as long as the curator has not acted on it."""
    report = _lock(report, version)
    if not Scope.of(user).can_submit_report_of(report.school):
        raise WorkflowError("Отозвать отчёт может только руководитель школы.")
    if report.status != Status.SUBMITTED:
        raise WorkflowError(f"Отозвать можно только отправленный отчёт, который куратор ещё не заверил; сейчас он в состоянии "
                            f"«{report.get_status_display()}».")
    _bump(report, user, status=Status.DRAFT, submitted_at=None, submitted_by=None)
    record(user, "report.recall", report, f"Руководитель отозвал отчёт школы {report.school} для исправления", school=report.school)
    return report


def _lock_evidence(evidence: Evidence, user, version: int | None = None) -> tuple[Evidence, SchoolReport | MunicipalReport]:
    if evidence.entry.municipal_report_id:
        report = _lock_municipal(evidence.entry.municipal_report, version)
        if not Scope.of(user).can_edit_municipal_report(report.municipality):
            raise WorkflowError("Изменять подтверждения может только муниципальный координатор.")
        owner = {"entry__municipal_report": report}
    else:
        report = _lock(evidence.entry.report, version)
        if not Scope.of(user).can_edit_report_of(report.school):
            raise WorkflowError("Изменять подтверждения могут только руководитель и сотрудники школы.")
        owner = {"entry__report": report}
    if not report.is_editable:
        raise WorkflowError(f"Отчёт в состоянии «{report.get_status_display()}»: подтверждения изменить нельзя.")
    evidence = Evidence.objects.select_related("entry").filter(pk=evidence.pk, **owner).first()
    if evidence is None:
        raise WorkflowError("Подтверждение уже удалено. Откройте отчёт заново.")
    return evidence, report


def _owner_words(report) -> tuple[str, dict]:
    """(«школы МБОУ …» or «муниципалитета …», the audit record's place) of a school's or a municipality's report."""
    if isinstance(report, MunicipalReport):
        return f"муниципалитета {report.municipality}", {"municipality": report.municipality}
    return f"школы {report.school}", {"school": report.school}


EVIDENCE_FIELDS = ("kind", "title", "number", "date", "url")


@transaction.atomic
def update_evidence(evidence: Evidence, user, **fields) -> Evidence:
    """Correct an evidence's kind, title, number, date or link (the file stays) until the report is submitted."""
    evidence, report = _lock_evidence(evidence, user)
    before = {f: getattr(evidence, f) for f in EVIDENCE_FIELDS}
    for name in EVIDENCE_FIELDS:
        if name in fields:
            setattr(evidence, name, fields[name])
    delta = diff({k: str(v or "") for k, v in before.items()}, {f: str(getattr(evidence, f) or "") for f in EVIDENCE_FIELDS})
    if delta:
        evidence.save()
        _bump(report, user)
        whose, place = _owner_words(report)
        record(user, "evidence.edit", report, f"Исправлено подтверждение в отчёте {whose}: {clip(evidence.describe(), 80)}",
               changes=delta, **place)
    return evidence


@transaction.atomic
def delete_evidence(evidence: Evidence, user, version: int | None) -> None:
    """Remove an evidence (and its file) until the report is submitted; `version`: the report as the person saw it."""
    evidence, report = _lock_evidence(evidence, user, version)
    described = clip(evidence.describe(), 80)
    stored = evidence.file.name if evidence.file else ""
    evidence.delete()
    if stored:
        storage = Evidence._meta.get_field("file").storage
        transaction.on_commit(lambda: storage.delete(stored))  # the file goes only if the row is gone for good
    _bump(report, user)
    whose, place = _owner_words(report)
    record(user, "evidence.delete", report, f"Удалено подтверждение из отчёта {whose}: {described}",
           changes={"подтверждение": [described, None]}, **place)


@transaction.atomic
def save_and_submit(report: SchoolReport, user, version: int, entries, indicators=None, evidence=None, summary=None) -> SchoolReport:
    """Save the form and submit in one transaction: a refused submission leaves nothing half-done."""
    report = save_report(report, user, version, entries, indicators, evidence, summary)
    return submit(report, user, report.version)


# ---------------------------------------------------------------------------------------------------------
# A municipality's report on its own roadmap: the municipal coordinator fills it in and submits it, the regional
# coordinator certifies it and then accepts it (or returns it). No curator step: a municipality has no curator.
# ---------------------------------------------------------------------------------------------------------

MStatus = MunicipalReport.Status


def municipal_planned_for(campaign: Campaign, municipality) -> list[PlannedActivity]:
    """The municipality's own current roadmap activities due within the campaign's period."""
    activities = PlannedActivity.objects.filter(roadmap__municipality=municipality, roadmap__is_current=True).order_by("roadmap", "order", "pk")
    return [a for a in activities if a.falls_within(campaign.period_start, campaign.period_end)]


@transaction.atomic
def open_municipal_report(campaign: Campaign, municipality, user=None) -> MunicipalReport:
    """The municipality's own report for the campaign; created with one entry per planned activity on first use."""
    report = MunicipalReport.objects.filter(campaign=campaign, municipality=municipality).first()
    if report is not None:
        return report
    campaign = Campaign.objects.get(pk=campaign.pk)  # as stored: the caller's copy may predate a closing
    _check_open(campaign)
    if not campaign.municipalities.filter(pk=municipality.pk).exists():
        raise WorkflowError(f"Кампания «{campaign.title}» не включает дорожную карту муниципалитета {municipality}.")
    report, created = MunicipalReport.objects.get_or_create(campaign=campaign, municipality=municipality)
    if created:
        ReportEntry.objects.bulk_create(
            ReportEntry(municipal_report=report, planned_activity=a, title=a.title, activity_type_id=a.activity_type_id,
                        expected_result=a.expected_result, order=i)
            for i, a in enumerate(municipal_planned_for(campaign, municipality), start=1)
        )
        record(user, "municipal_report.create", report,
               f"Создан отчёт муниципалитета {municipality} о дорожной карте по кампании «{campaign.title}»", municipality=municipality)
    return report


def _lock_municipal(report: MunicipalReport, version: int | None) -> MunicipalReport:
    return _locked(MunicipalReport.objects.select_related("campaign", "municipality__region"), report.pk, version)


@transaction.atomic
def save_municipal_report(report: MunicipalReport, user, version: int, entries: list[EntryChange],
                          evidence: list[EvidenceInput] | None = None, summary: str | None = None) -> MunicipalReport:
    report = _lock_municipal(report, version)
    if not Scope.of(user).can_edit_municipal_report(report.municipality):
        raise WorkflowError("Заполнять отчёт о муниципальной дорожной карте может только муниципальный координатор.")
    if not report.is_editable:
        raise WorkflowError(f"Отчёт в состоянии «{report.get_status_display()}» изменить нельзя.")
    changes = _apply_entries(report, user, entries, evidence, owner={"municipal_report": report})
    if summary is not None and summary != report.summary:
        changes["общие выводы"] = [report.summary[:60], summary[:60]]
        report.summary = summary
    if changes:
        _bump(report, user)
        record(user, "municipal_report.edit", report, f"Изменён отчёт муниципалитета {report.municipality} о дорожной карте",
               municipality=report.municipality, changes=changes)
    return report


@transaction.atomic
def submit_municipal(report: MunicipalReport, user, version: int | None) -> MunicipalReport:
    report = _lock_municipal(report, version)
    if not Scope.of(user).can_edit_municipal_report(report.municipality):
        raise WorkflowError("Отправить отчёт о муниципальной дорожной карте может только муниципальный координатор.")
    if report.status not in MunicipalReport.EDITABLE:
        raise WorkflowError(f"Отчёт уже в состоянии «{report.get_status_display()}».")
    _check_complete(report)
    _bump(report, user, status=MStatus.SUBMITTED, submitted_at=timezone.now(), submitted_by=user, remarks="")
    record(user, "municipal_report.submit", report, f"Муниципальный координатор отправил отчёт муниципалитета {report.municipality}",
           municipality=report.municipality)
    return report


def _check_complete(report) -> None:
    """What a report must have to be submitted: every planned activity marked, some activity, every reason given."""
    from shnor.core.russian import agree

    unmarked = report.entries.filter(planned_activity__isnull=False, status="").count()
    if unmarked:
        raise WorkflowError(f"Отметьте выполнение всех запланированных мероприятий: не отмечено {agree(unmarked, 'мероприятие')}.")
    if not report.entries.exists():
        raise WorkflowError("В отчёте нет ни одного мероприятия: добавьте выполненные мероприятия.")
    no_reason = report.entries.missing_reason().count()
    if no_reason:
        raise WorkflowError(
            "Укажите причину невыполнения для мероприятий, выполненных частично, не выполненных или перенесённых: "
            f"без причины {agree(no_reason, 'мероприятие')}."
        )


def _municipal_step(report: MunicipalReport, user, version: int | None, *, expected: str, refused: str) -> MunicipalReport:
    report = _lock_municipal(report, version)
    if not Scope.of(user).can_certify_municipal_report(report.municipality):
        raise WorkflowError(refused)
    if report.status != expected:
        raise WorkflowError(f"Сейчас отчёт в состоянии «{report.get_status_display()}»: это действие с ним невозможно.")
    return report


@transaction.atomic
def certify_municipal(report: MunicipalReport, user, version: int | None) -> MunicipalReport:
    report = _municipal_step(report, user, version, expected=MStatus.SUBMITTED,
                             refused="Заверить отчёт о муниципальной дорожной карте может только региональный координатор.")
    _bump(report, user, status=MStatus.CERTIFIED, certified_at=timezone.now(), certified_by=user)
    record(user, "municipal_report.certify", report, f"Региональный координатор заверил отчёт муниципалитета {report.municipality}",
           municipality=report.municipality)
    return report


@transaction.atomic
def accept_municipal(report: MunicipalReport, user, version: int | None) -> MunicipalReport:
    report = _municipal_step(report, user, version, expected=MStatus.CERTIFIED,
                             refused="Принять отчёт о муниципальной дорожной карте может только региональный координатор.")
    _bump(report, user, status=MStatus.ACCEPTED, accepted_at=timezone.now(), accepted_by=user)
    record(user, "municipal_report.accept", report, f"Региональный координатор принял отчёт муниципалитета {report.municipality}",
           municipality=report.municipality)
    return report


@transaction.atomic
def return_municipal(report: MunicipalReport, user, version: int | None, remarks: str) -> MunicipalReport:
    report = _lock_municipal(report, version)
    if not Scope.of(user).can_certify_municipal_report(report.municipality):
        raise WorkflowError("Вернуть отчёт о муниципальной дорожной карте может только региональный координатор.")
    if report.status not in (MStatus.SUBMITTED, MStatus.CERTIFIED):
        if report.status == MStatus.ACCEPTED:
            raise WorkflowError("Принятый отчёт закрыт для изменений и не может быть возвращён.")
        raise WorkflowError(f"Вернуть можно только отправленный или заверенный отчёт; сейчас он в состоянии «{report.get_status_display()}».")
    remarks = (remarks or "").strip()
    if not remarks:
        raise WorkflowError("Укажите замечания: муниципалитет должен знать, что исправить.")
    entries = list(report.entries.prefetch_related("evidence"))
    for entry in entries:
        entry.remark = ""
        entry.at_return = entry.snapshot()
    ReportEntry.objects.bulk_update(entries, ["remark", "at_return"])
    _bump(report, user, status=MStatus.RETURNED, returned_at=timezone.now(), remarks=remarks)
    record(user, "municipal_report.return", report, f"Отчёт муниципалитета {report.municipality} возвращён на доработку",
           municipality=report.municipality, changes={"замечания": [None, remarks]})
    return report


@transaction.atomic
def recall_municipal(report: MunicipalReport, user, version: int | None) -> MunicipalReport:
    """The municipal coordinator takes a submitted report back into the draft before the region certifies it."""
    report = _lock_municipal(report, version)
    if not Scope.of(user).can_edit_municipal_report(report.municipality):
        raise WorkflowError("Отозвать отчёт может только муниципальный координатор.")
    if report.status != MStatus.SUBMITTED:
        raise WorkflowError(f"Отозвать можно только отправленный, ещё не заверенный отчёт; сейчас он в состоянии «{report.get_status_display()}».")
    _bump(report, user, status=MStatus.DRAFT, submitted_at=None, submitted_by=None)
    record(user, "municipal_report.recall", report, f"Муниципальный координатор отозвал отчёт муниципалитета {report.municipality}",
           municipality=report.municipality)
    return report


@transaction.atomic
def save_and_submit_municipal(report: MunicipalReport, user, version: int, entries, evidence=None, summary=None) -> MunicipalReport:
    report = save_municipal_report(report, user, version, entries, evidence, summary)
    return submit_municipal(report, user, report.version)


@transaction.atomic
def create_campaign(form, user) -> Campaign:
    campaign = form.save(commit=False)
    campaign.created_by = user
    campaign.save()
    form.save_m2m()
    versions.bump([campaign.pk])
    record(user, "campaign.create", campaign, f"Создана кампания «{campaign.title}» ({campaign.schools.count()} шк.)", region=campaign.region)
    return campaign


# ---------------------------------------------------------------------------------------------------------
# Campaigns: closing freezes every report of the campaign; only the regional coordinator reopens it
# ---------------------------------------------------------------------------------------------------------


def _set_campaign_status(campaign: Campaign, user, status: str, *, verb: str, already: str, action: str, outcome: str) -> Campaign:
    campaign = Campaign.objects.select_for_update().select_related("region").get(pk=campaign.pk)
    if not Scope.of(user).coordinates_region(campaign.region_id):
        raise WorkflowError(f"{verb} кампанию может только региональный координатор.")
    if campaign.status == status:
        raise WorkflowError(already)
    before = campaign.get_status_display()
    campaign.status = status
    campaign.save(update_fields=["status"])
    versions.bump([campaign.pk])
    record(user, action, campaign, f"Кампания «{campaign.title}» {outcome}", region=campaign.region,
           changes={"состояние": [before, campaign.get_status_display()]})
    return campaign


@transaction.atomic
def close_campaign(campaign: Campaign, user) -> Campaign:
    return _set_campaign_status(campaign, user, Campaign.Status.CLOSED, verb="Закрыть", already="Кампания уже закрыта.",
                                action="campaign.close", outcome="закрыта: отчёты больше не меняются")


@transaction.atomic
def reopen_campaign(campaign: Campaign, user) -> Campaign:
    return _set_campaign_status(campaign, user, Campaign.Status.OPEN, verb="Открыть снова", already="Кампания и так открыта.",
                                action="campaign.reopen", outcome="открыта снова: отчёты можно менять")


# ---------------------------------------------------------------------------------------------------------
# Imports: what intake reads from documents and what the Excel import loads enter the reports here
# ---------------------------------------------------------------------------------------------------------


@dataclass
class ImportedEvidence:
    kind: str
    title: str = ""
    number: str = ""
    date: date | None = None
    issuer: str = ""
    url: str = ""


@dataclass
class ImportedActivity:
    title: str
    status: str
    actual_result: str
    activity_type_id: int | None
    direction_id: int | None
    order: int
    evidence: list[ImportedEvidence] = field(default_factory=list)
    expected_result: str = ""
    reason: str = ""
    section: str = ""  # as the document writes it; kept on an unplanned entry
    number: str = ""  # likewise
    deadline_text: str = ""  # likewise
    responsible: str = ""  # likewise
    quantities: list[dict] = field(default_factory=list)
    # The planned activity this row reports on, as the importer matched it (or a person chose in review);
    # `decided`: the importer decided (None then means «нет в плане») and `match` is not asked.
    planned_activity_id: int | None = None
    decided: bool = False


@dataclass
class ImportedValue:
    indicator: Indicator
    subject: str
    value: object  # validated here: validate_indicator_value
    previous: object = None  # «с 28 до 10 человек»: the level before (28), validated likewise; None when not stated


@dataclass
class ImportedChange:
    """«повысилось на 1,1 %»: a change without a level, kept as a change (never turned into a value)."""

    indicator: Indicator
    subject: str
    amount: object  # signed; validated here: validate_indicator_change
    unit: str  # as the document writes it: "%", "п.п.", "чел."
    text: str = ""


@dataclass
class Written:
    """What an import wrote into a report, kept by the importer (intake) so that it can be undone exactly.

    `previous`: the fields before, when an existing entry or value was changed (None: it was created).
    `state`: the fields as the import left them, so that a later change by a person is seen before undo.
    """

    report_id: int
    entry_id: int | None = None
    value_id: int | None = None
    change_id: int | None = None
    previous: dict | None = None
    evidence_ids: list[int] = field(default_factory=list)
    state: dict | None = None


ENTRY_FIELDS = ("status", "actual_result", "activity_type_id", "direction_id", "expected_result", "reason", "section",
                "number", "deadline_text", "responsible", "quantities")
# Picks the blank planned entry an imported activity completes (None: the activity is a new, unplanned entry).
PlannedMatch = Callable[[list[ReportEntry], str], "ReportEntry | None"]


def _entry_state(entry: ReportEntry) -> dict:
    return {**{f: getattr(entry, f) for f in ENTRY_FIELDS}, "title": entry.title,
            "evidence": sorted(entry.evidence.values_list("pk", flat=True))}


def _value_state(value: IndicatorValue) -> dict:
    return {"value": str(value.value), "source": value.source, "previous": None if value.previous is None else str(value.previous)}


def _change_state(change: IndicatorChange) -> dict:
    return {"amount": str(change.amount), "unit": change.unit, "text": change.text, "source": change.source}


def _differs(now: dict, then: dict) -> bool:
    """A state kept before a field existed lacks it: that field is not compared."""
    return any(now[k] != then.get(k, now[k]) for k in now)


def _lock_for_import(report: SchoolReport, user) -> SchoolReport:
    report = _lock(report, None)
    scope = Scope.of(user)
    if not (scope.coordinates_school(report.school) or scope.can_edit_report_of(report.school)):
        raise WorkflowError(f"Вносить данные в отчёт школы {report.school} вы не можете.")
    if not report.is_editable:
        raise WorkflowError(f"Отчёт школы {report.school} в состоянии «{report.get_status_display()}»: вносить в него нельзя. "
                            "Снимите отметку с её элементов или попросите вернуть отчёт на доработку.")
    return report


@transaction.atomic
def import_into_report(report: SchoolReport, user, activities: list[ImportedActivity], values: list[ImportedValue], *,
                       source: str, match: PlannedMatch | None = None,
                       changes: list[ImportedChange] = ()) -> tuple[list[Written], list[Written], list[Written]]:
    """Write imported activities (filling the blank planned entries `match` picks), values and changes into one report.

    Returns what was written for each activity, each value and each change, in their order, for `remove_imported`.
    Values and changes are validated first: one bad number and nothing is written.
    """
    report = _lock_for_import(report, user)
    checked = [(validate_indicator_value(v.indicator, v.value),
                None if v.previous is None else validate_indicator_value(v.indicator, v.previous)) for v in values]
    amounts = [validate_indicator_change(c.indicator, c.amount) for c in changes]
    blank = list(report.entries.filter(planned_activity__isnull=False, status="", actual_result=""))
    entries_written: list[Written] = []
    audit: dict[str, list] = {}
    for a in activities:
        if a.decided:
            planned = next((e for e in blank if e.planned_activity_id == a.planned_activity_id), None) if a.planned_activity_id else None
        else:
            planned = match(blank, a.title) if match else None
        if planned is not None:
            blank.remove(planned)  # one planned entry is completed by one activity
            written = Written(report.pk, planned.pk, previous={f: getattr(planned, f) for f in ENTRY_FIELDS})
            planned.status = a.status or planned.status
            planned.actual_result = (planned.actual_result + "\n" if planned.actual_result else "") + a.actual_result
            planned.activity_type_id = planned.activity_type_id or a.activity_type_id
            planned.direction_id = planned.direction_id or a.direction_id
            planned.expected_result = planned.expected_result or a.expected_result
            planned.reason = planned.reason or a.reason
            planned.quantities = a.quantities or planned.quantities
            planned.save()
            entry = planned
            audit[entry.title[:60]] = [None, entry.status]
        else:
            entry = ReportEntry.objects.create(report=report, title=a.title[:4000], activity_type_id=a.activity_type_id,
                                               direction_id=a.direction_id, status=a.status, actual_result=a.actual_result, order=a.order,
                                               expected_result=a.expected_result, reason=a.reason, section=a.section[:500],
                                               number=a.number[:30], deadline_text=a.deadline_text[:300],
                                               responsible=a.responsible[:500], quantities=a.quantities)
            written = Written(report.pk, entry.pk)
            audit[f"новое: {entry.title[:60]}"] = [None, entry.status]
        for ev in a.evidence:
            created = Evidence.objects.create(
                entry=entry, kind=ev.kind if ev.kind in Evidence.Kind.values else Evidence.Kind.OTHER, title=ev.title[:1000],
                number=ev.number[:50], date=ev.date, issuer=ev.issuer[:300], url=ev.url[:1000], created_by=user)
            written.evidence_ids.append(created.pk)
        written.state = _entry_state(entry)
        entries_written.append(written)
    values_written: list[Written] = []
    campaign = report.campaign
    for v, (value, previous) in zip(values, checked, strict=True):
        subject = v.subject[:100]
        current = IndicatorValue.objects.filter(indicator=v.indicator, school=report.school, campaign=campaign, subject=subject).first()
        if current is not None:
            written = Written(report.pk, value_id=current.pk, previous=_value_state(current))
            audit[f"показатель {v.indicator.name}"] = [str(current.value), str(value)]
            current.value, current.previous, current.source = value, previous, source[:200]
            current.save(update_fields=["value", "previous", "source"])
        else:
            current = IndicatorValue.objects.create(
                indicator=v.indicator, school=report.school, campaign=campaign, report=report, subject=subject,
                period_start=campaign.period_start, period_end=campaign.period_end, value=value, previous=previous, source=source[:200])
            written = Written(report.pk, value_id=current.pk)
            audit[f"показатель {v.indicator.name}"] = [None, str(value)]
        written.state = _value_state(current)
        values_written.append(written)
    changes_written: list[Written] = []
    for c, amount in zip(changes, amounts, strict=True):
        row = dict(amount=amount, unit=c.unit[:10], text=c.text, source=source[:200])
        current = IndicatorChange.objects.filter(indicator=c.indicator, school=report.school, campaign=campaign, subject=c.subject[:100]).first()
        if current is not None:
            written = Written(report.pk, change_id=current.pk, previous=_change_state(current))
            IndicatorChange.objects.filter(pk=current.pk).update(**row)
            current.refresh_from_db()
        else:
            current = IndicatorChange.objects.create(indicator=c.indicator, school=report.school, campaign=campaign, report=report,
                                                     subject=c.subject[:100], **row)
            written = Written(report.pk, change_id=current.pk)
        audit[f"изменение показателя {c.indicator.name}"] = [written.previous and written.previous["amount"], str(amount)]
        written.state = _change_state(current)
        changes_written.append(written)
    _bump(report, user)
    record(user, "report.import", report, f"В отчёт школы {report.school} внесены данные: {source}", school=report.school, changes=audit)
    return entries_written, values_written, changes_written


def _changed_after(written: Written) -> tuple[str, ReportEntry | IndicatorValue | IndicatorChange] | None:
    """(what changed, the row) when a person changed what the import wrote; None when it is as written."""
    if written.entry_id is not None:
        entry = ReportEntry.objects.filter(pk=written.entry_id).first()
        if entry is None or written.state is None:
            return None  # deleted since: nothing of anybody's is lost by undoing it
        now = _entry_state(entry)
        if now["evidence"] != written.state["evidence"]:
            return "добавлено или удалено подтверждение", entry
        if _differs(now, written.state):
            return "запись изменена", entry
        return None
    if written.change_id is not None:
        change = IndicatorChange.objects.filter(pk=written.change_id).select_related("indicator").first()
        if change is not None and written.state is not None and _differs(_change_state(change), written.state):
            return "изменение показателя исправлено", change
        return None
    value = IndicatorValue.objects.filter(pk=written.value_id).select_related("indicator").first()
    if value is None or written.state is None:
        return None
    if _differs(_value_state(value), written.state):
        return "значение изменено", value
    return None


def _who_changed(report: SchoolReport, row, since: datetime | None) -> list[str]:
    """The people who changed the report since the import (its audit log), and who attached evidence to the row."""
    people = []
    if isinstance(row, ReportEntry):
        after = set((row.evidence.all() if since is None else row.evidence.filter(created_at__gt=since)).values_list("created_by", flat=True))
        people += _users(after)
    events = AuditEvent.objects.filter(object_type=SchoolReport._meta.label_lower, object_id=str(report.pk), action="report.edit")
    if since is not None:
        events = events.filter(at__gt=since)
    people += _users(set(events.values_list("user", flat=True)))
    return sorted(set(people))


def _users(ids) -> list[str]:
    from django.contrib.auth import get_user_model

    return [u.get_full_name() or u.username for u in get_user_model().objects.filter(pk__in=[i for i in ids if i])]


@transaction.atomic
def remove_imported(written: list[Written], user, *, source: str, since: datetime | None = None) -> None:
    """Take back what an import wrote, exactly; refused when a report moved on or a person changed an item since."""
    by_report: dict[int, list[Written]] = defaultdict(list)
    for w in written:
        by_report[w.report_id].append(w)
    reports = [_lock(r, None) for r in SchoolReport.objects.filter(pk__in=by_report).order_by("pk")]
    locked = [r for r in reports if not r.is_editable]
    if locked:
        raise WorkflowError("Отменить импорт нельзя: отчёты уже отправлены или приняты — "
                            + ", ".join(f"{r.school} («{r.get_status_display()}»)" for r in locked) + ". Сначала отчёт должны вернуть на доработку.")
    changed = []
    for report in reports:
        for w in by_report[report.pk]:
            found = _changed_after(w)
            if found is not None:
                what, row = found
                name = row.title[:80] if isinstance(row, ReportEntry) else row.indicator.name
                who = _who_changed(report, row, since)
                changed.append(f"«{name}» ({report.school}: {what}{'; кто: ' + ', '.join(who) if who else ''})")
    if changed:
        raise WorkflowError(
            "Отменить импорт нельзя: после него люди изменили то, что он внёс, — "
            + "; ".join(changed[:10]) + (" и другие" if len(changed) > 10 else "")
            + ". Отмена удалила бы их работу, поэтому импорт не отменён: уберите лишнее из отчёта вручную."
        )
    for report in reports:
        for w in by_report[report.pk]:
            Evidence.objects.filter(pk__in=w.evidence_ids).delete()
            if w.entry_id is not None and w.previous is not None:
                ReportEntry.objects.filter(pk=w.entry_id).update(**w.previous)
            elif w.entry_id is not None:
                ReportEntry.objects.filter(pk=w.entry_id).delete()
            elif w.value_id is not None and w.previous is not None:
                before = w.previous.get("previous")
                IndicatorValue.objects.filter(pk=w.value_id).update(value=Decimal(w.previous["value"]), source=w.previous["source"],
                                                                    previous=None if before is None else Decimal(before))
            elif w.value_id is not None:
                IndicatorValue.objects.filter(pk=w.value_id).delete()
            elif w.change_id is not None and w.previous is not None:
                IndicatorChange.objects.filter(pk=w.change_id).update(**{**w.previous, "amount": Decimal(w.previous["amount"])})
            elif w.change_id is not None:
                IndicatorChange.objects.filter(pk=w.change_id).delete()
        _bump(report, user)
        record(user, "report.import_undo", report, f"Из отчёта школы {report.school} убраны данные: {source}", school=report.school)


@transaction.atomic
def certify_by_document(report: SchoolReport, user, *, basis: str, file_name: str = "", data: bytes | None = None) -> SchoolReport:
    """A report that arrived signed by the head and the curator, certified by a coordinator from that document:
    «заверен по документу», the signed file kept as its evidence. The report then counts like one certified on the site."""
    from django.core.files.base import ContentFile

    report = _lock(report, None)
    if not Scope.of(user).coordinates_school(report.school):
        raise WorkflowError(f"Заверить отчёт школы {report.school} по документу может только её координатор.")
    if not report.is_editable:
        raise WorkflowError(f"Отчёт школы {report.school} уже в состоянии «{report.get_status_display()}»: по документу его не заверить.")
    if data is not None:
        report.basis_file.save(shorten_file_name(file_name or "документ", max_chars=120), ContentFile(data), save=False)
    now = timezone.now()
    _bump(report, user, status=Status.CERTIFIED, certified_at=now, certified_by=user, certified_basis=basis[:500])
    record(user, "report.certify_by_document", report,
           f"Отчёт школы {report.school} заверен по документу: {basis}", school=report.school, changes={"status": [Status.DRAFT, Status.CERTIFIED]})
    _notify(report, "certified")
    return report


@transaction.atomic
def withdraw_document_certification(report: SchoolReport, user, *, source: str) -> SchoolReport:
    """Undo of `certify_by_document` (the import it came with is undone): back to a draft, the signed file removed.
    Refused once the report moved on (accepted)."""
    report = _lock(report, None)
    if report.status != Status.CERTIFIED or not report.certified_basis:
        raise WorkflowError(f"Отчёт школы {report.school} в состоянии «{report.get_status_display()}»: заверение по документу не снять.")
    if report.basis_file:
        report.basis_file.delete(save=False)
    _bump(report, user, status=Status.DRAFT, certified_at=None, certified_by=None, certified_basis="", basis_file="")
    record(user, "report.certify_by_document_undo", report, f"Снято заверение по документу отчёта школы {report.school}: {source}",
           school=report.school)
    return report


@dataclass
class ValueInput:
    """One value of the Excel import: of a school, for a campaign or for a period of its own."""

    school_id: int
    indicator: Indicator
    subject: str
    start: date
    end: date
    value: object
    source: str


@dataclass
class ValuesOutcome:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@transaction.atomic
def set_indicator_values(values: list[ValueInput], user, campaign: Campaign | None, *, file_name: str) -> ValuesOutcome:
    """Load many values at once (the Excel import): all or nothing, each checked by validate_indicator_value."""
    from shnor.registry.models import School

    checked = [validate_indicator_value(x.indicator, x.value) for x in values]
    school_ids = {x.school_id for x in values}
    existing_qs = IndicatorValue.objects.select_for_update().filter(school_id__in=school_ids, indicator_id__in={x.indicator.pk for x in values})
    reports: dict[int, SchoolReport] = {}
    if campaign is not None:
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        _check_open(campaign)
        existing_qs = existing_qs.filter(campaign=campaign)
        reports = {r.school_id: r for r in SchoolReport.objects.select_for_update().filter(campaign=campaign, school_id__in=school_ids)
                   .select_related("school")}
        closed = [r for r in reports.values() if r.is_locked]
        if closed:
            raise WorkflowError("Принятые отчёты закрыты для изменений: " + ", ".join(str(r.school) for r in closed[:10])
                                + ". Уберите их строки из файла или попросите координатора вернуть отчёт.")
    else:
        existing_qs = existing_qs.filter(campaign__isnull=True)
    existing = {(e.school_id, e.indicator_id, e.subject, e.period_start, e.period_end): e for e in existing_qs}
    to_create, to_update = [], []
    outcome = ValuesOutcome()
    changes: dict[int, dict[str, list]] = defaultdict(dict)
    for x, value in zip(values, checked, strict=True):
        label = x.indicator.name + (f" ({x.subject})" if x.subject else "")
        current = existing.get((x.school_id, x.indicator.pk, x.subject, x.start, x.end))
        report = reports.get(x.school_id)
        if current is None:
            # A value of a campaign goes with the school's report when there is one, so that the school sees it in its form.
            to_create.append(IndicatorValue(indicator=x.indicator, school_id=x.school_id, campaign=campaign, report=report,
                                            period_start=x.start, period_end=x.end, subject=x.subject, value=value, source=x.source))
            changes[x.school_id][label] = [None, str(value)]
        elif current.value != value or current.source != x.source:
            if current.value != value:
                changes[x.school_id][label] = [str(current.value), str(value)]
            current.value, current.source = value, x.source
            to_update.append(current)
        else:
            outcome.unchanged += 1
    IndicatorValue.objects.bulk_create(to_create, batch_size=2000)
    IndicatorValue.objects.bulk_update(to_update, ["value", "source"], batch_size=2000)
    if campaign is not None:  # values of periods without a campaign are read by no campaign's analysis
        versions.bump([campaign.pk])
    for school_id in changes:
        if school_id in reports:
            _bump(reports[school_id], user)  # a colleague's open form with the old values is then refused as stale
    schools = School.objects.select_related("municipality").in_bulk(list(changes))
    where = f"в кампанию «{campaign.title}»" if campaign else "по периодам из файла"
    for school_id, delta in changes.items():
        record(user, "indicators.import", campaign, f"Загружены показатели школы {schools[school_id]} {where} из файла «{file_name}»",
               school=schools[school_id], changes=delta)
    region = campaign.region if campaign else None
    outcome.created, outcome.updated = len(to_create), len(to_update)
    record(user, "indicators.import", campaign,
           f"Загрузка показателей {where} из файла «{file_name}»: новых {outcome.created}, изменено {outcome.updated}, без изменений {outcome.unchanged}",
           region=region if region else (next(iter(schools.values())).municipality.region if schools else None))
    return outcome


@transaction.atomic
def campaign_changed(campaign: Campaign, user=None) -> None:
    """The campaign itself was edited (its schools, period, framework, previous campaign: the admin's form): what its
    analysis reads changed, and its maintained coverage is rebuilt from the full computation."""
    versions.bump([campaign.pk])
    coverage_counts.rebuild(campaign)
