"""The only functions that change a school's diagnosis: its needs and the measures linked to them.

Each is atomic, checks the user's right (the school's curator or its coordinators) and writes the audit log.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction

from shnor.audit.log import diff, record
from shnor.core import needs as catalogue
from shnor.core.periods import parse_period
from shnor.core.text import clip
from shnor.monitoring import versions
from shnor.monitoring.models import ReportEntry
from shnor.plans.models import PlannedActivity
from shnor.registry.models import Scope

from .models import Measure, Need


class DiagnosisError(Exception):
    """A refused change; the message is Russian and says what to do."""


@dataclass
class NeedInput:
    kind: str
    text: str
    group: str = ""
    code: str = ""  # empty: classified from the text; given: confirmed by the person who entered it
    period_text: str = ""
    found_by: str = Need.FoundBy.CURATOR
    source_name: str = ""
    source_place: str = ""
    entry_id: int | None = None  # on adding: the school's report entry whose row states it (kept when the need is changed)


FIELDS = ("kind", "group", "text", "code", "confidence", "code_confirmed", "period_text", "found_by", "source_name", "source_place")


def _require(user, school) -> None:
    if user is not None and not Scope.of(user).can_diagnose(school):
        raise PermissionDenied("Диагностику школы вносят её куратор и координаторы.")


def _apply(need: Need, data: NeedInput, user) -> None:
    text = " ".join(data.text.split())
    if not text:
        raise DiagnosisError("Напишите формулировку: причину, дефицит или риск так, как он записан в документе.")
    if data.kind not in Need.Kind.values:
        raise DiagnosisError("Выберите вид: причина, дефицит или рисковый профиль.")
    item = catalogue.catalogue().get(data.code) if data.code else None
    if data.code and (item is None or item.kind != data.kind):
        raise DiagnosisError("Выбранный пункт каталога относится к другому виду; выберите пункт того же вида или оставьте поле пустым.")
    if item:
        need.code, need.confidence, need.code_confirmed = item.code, None, True
    else:
        match = catalogue.classify(text, data.kind)
        need.code, need.confidence, need.code_confirmed = match.code or "", Decimal(str(match.confidence)), False
    group = data.group or (item.group if item else "")
    if data.kind == Need.Kind.DEFICIT and not group and need.code:
        group = catalogue.catalogue()[need.code].group
    need.kind, need.group, need.text = data.kind, group if data.kind == Need.Kind.DEFICIT else "", text
    period = parse_period(data.period_text or "")
    need.period_text, need.period_start, need.period_end = period.text, period.start, period.end
    need.found_by, need.source_name, need.source_place = data.found_by, data.source_name.strip(), data.source_place.strip()
    need.updated_by = user if getattr(user, "is_authenticated", False) else None


def _snapshot(need: Need) -> dict:
    return {f: getattr(need, f) for f in FIELDS}


@transaction.atomic
def add_need(school, user, data: NeedInput) -> Need:
    _require(user, school)
    need = Need(school=school)
    _apply(need, data, user)
    if data.entry_id is not None:
        need.entry = _school_entries(school, [data.entry_id])[0]
    need.save()
    versions.bump_school(school.pk)  # the analyses of the school's campaigns read its needs
    record(user, "need.add", need, f"Диагностика школы {school}: внесено — {need.get_kind_display()} «{clip(need.text, 120)}»", school=school)
    return need


@transaction.atomic
def change_need(need: Need, user, data: NeedInput) -> Need:
    need = Need.objects.select_for_update().select_related("school__municipality").get(pk=need.pk)
    _require(user, need.school)
    before = _snapshot(need)
    _apply(need, data, user)
    need.save()
    versions.bump_school(need.school_id)
    record(user, "need.change", need, f"Диагностика школы {need.school}: изменено — «{clip(need.text, 120)}»", school=need.school,
           changes=diff(before, _snapshot(need)))
    return need


@transaction.atomic
def delete_need(need: Need, user) -> None:
    need = Need.objects.select_for_update().select_related("school__municipality").get(pk=need.pk)
    _require(user, need.school)
    record(user, "need.delete", need, f"Диагностика школы {need.school}: удалено — {need.get_kind_display()} «{clip(need.text, 120)}»",
           school=need.school)
    need.delete()
    versions.bump_school(need.school_id)


@transaction.atomic
def set_measures(need: Need, activity_ids: Iterable[int], user) -> list[int]:
    """Make exactly these roadmap activities of the school the measures against the need; returns their ids."""
    need = Need.objects.select_for_update().select_related("school__municipality").get(pk=need.pk)
    _require(user, need.school)
    wanted = set(activity_ids)
    valid = set(PlannedActivity.objects.filter(pk__in=wanted, roadmap__school=need.school).values_list("pk", flat=True))
    if wanted - valid:
        raise DiagnosisError("Можно связать только мероприятия дорожной карты этой школы; обновите страницу и выберите снова.")
    current = set(need.measures.values_list("activity_id", flat=True))
    if wanted == current:
        return sorted(current)
    need.measures.filter(activity_id__in=current - wanted).delete()
    confirmer = user if getattr(user, "is_authenticated", False) else None
    Measure.objects.bulk_create(Measure(need=need, activity_id=a, confirmed_by=confirmer) for a in sorted(wanted - current))
    versions.bump_school(need.school_id)
    record(user, "need.measures", need, f"Диагностика школы {need.school}: меры по «{clip(need.text, 80)}» — "
           f"связано мероприятий дорожной карты: {len(wanted)}", school=need.school,
           changes={"activities": [sorted(current), sorted(wanted)]})
    return sorted(wanted)


def _school_entries(school, entry_ids: Iterable[int]) -> list[ReportEntry]:
    wanted = set(entry_ids)
    entries = list(ReportEntry.objects.filter(pk__in=wanted, report__school=school).order_by("pk"))
    if len(entries) != len(wanted):
        raise DiagnosisError("Можно связать только записи отчётов этой школы; обновите страницу и выберите снова.")
    return entries


@transaction.atomic
def set_measure_entries(need: Need, entry_ids: Iterable[int], user) -> list[int]:
    """Make exactly these entries of the school's reports (measures not in its roadmap) the measures against the need."""
    need = Need.objects.select_for_update().select_related("school__municipality").get(pk=need.pk)
    _require(user, need.school)
    entries = _school_entries(need.school, entry_ids)
    current = sorted(need.measure_entries.values_list("pk", flat=True))
    wanted = [e.pk for e in entries]
    if wanted == current:
        return current
    need.measure_entries.set(entries)
    versions.bump_school(need.school_id)
    record(user, "need.measures", need, f"Диагностика школы {need.school}: меры по «{clip(need.text, 80)}» — "
           f"связано мероприятий вне дорожной карты: {len(wanted)}", school=need.school,
           changes={"report_entries": [current, wanted]})
    return wanted


@transaction.atomic
def adopt_registry_risks(status, user) -> list[Need]:
    """The risk profiles of a school's yearly status become its needs of kind risk (those not there yet)."""
    school = status.school
    _require(user, school)
    have = set(school.needs.filter(kind=Need.Kind.RISK).values_list("code", flat=True))
    added = []
    for direction in status.risk_profiles.filter(framework__code="risk500").order_by("order", "code"):
        if direction.code in have:
            continue
        need = Need(school=school)
        _apply(need, NeedInput(Need.Kind.RISK, direction.name, code=direction.code if direction.code in catalogue.catalogue() else "",
                               period_text=f"{status.year}/{status.year + 1} учебный год", found_by=Need.FoundBy.REGISTRY,
                               source_name=status.basis), user)
        need.save()
        added.append(need)
    if added:
        versions.bump_school(school.pk)
        record(user, "need.adopt_risks", status, f"Диагностика школы {school}: перенесены рисковые профили из реестра "
               f"({len(added)})", school=school)
    return added
