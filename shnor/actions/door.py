"""The one writer of the actions tables: every change is one transaction with an audit event."""

from __future__ import annotations

import re
from datetime import date

from django.db import transaction
from django.utils import timezone

from shnor.audit.log import record
from shnor.core import actions as core
from shnor.core.text import clip
from shnor.monitoring import versions
from shnor.registry.models import Municipality, Region, School

from .models import Action


class ActionError(Exception):
    """A refused change; the message is Russian and says what to do."""


def _name_pattern(name: str) -> re.Pattern:
    """«Рогнединский район» in any case: «Рогнединского района», «(Рогнединский район)»; every word of the name, so that
    «Брянской области» is not «Брянский район»."""
    words = [w[:-2] if len(w) > 5 else w for w in name.lower().split()]
    return re.compile(r"\b" + r"\s+".join(re.escape(w) + r"\w*" for w in words))


def find_municipality(region: Region, text: str) -> Municipality | None:
    """The region's municipality named in an addressee («… (Рогнединский район)», «… Рогнединского района»)."""
    lowered = (text or "").lower()
    for m in Municipality.objects.filter(region=region).order_by("-name"):
        if _name_pattern(m.name).search(lowered):
            return m
    return None


def resolve_addressee(region: Region, text: str, *, municipality: Municipality | None = None, school_ids=(),
                      kind: str | None = None) -> tuple[str, Municipality | None, list[School]]:
    """(kind, municipality, schools) of an addressee as written. Named schools stay with «образовательным организациям»
    and «кураторам»; without them the item is for every ШНОР school of the municipality (or region)."""
    kind = kind or core.addressee_kind(text)
    municipality = find_municipality(region, text) or municipality
    schools = list(School.objects.filter(pk__in=list(school_ids), municipality__region=region)) if school_ids else []
    if kind == core.SCHOOLS and not schools:
        kind = core.ALL_SCHOOLS
    if kind not in (core.SCHOOLS, core.CURATORS):
        schools = []
    if kind not in (core.MUNICIPALITY, core.ALL_SCHOOLS):
        municipality = None
    return kind, municipality, schools


def _fields(region: Region, text: str, addressee_text: str, deadline_text: str, deadline: date | None,
            context: date | None, municipality, school_ids, addressee_kind) -> tuple[dict, list[School]]:
    text = (text or "").strip()
    if not text:
        raise ActionError("Текст рекомендации или решения пуст.")
    kind, muni, schools = resolve_addressee(region, addressee_text, municipality=municipality, school_ids=school_ids, kind=addressee_kind)
    read = core.read_deadline(deadline_text, context)
    return {"text": text, "addressee_kind": kind, "addressee_text": (addressee_text or "").strip().rstrip(":")[:1000],
            "municipality": muni, "deadline_text": read.text[:200], "deadline": read.deadline or (None if read.standing or read.starts_on else deadline),
            "starts_on": read.starts_on, "is_standing": read.standing}, schools


@transaction.atomic
def create(user, *, kind: str, region: Region, text: str, addressee_text: str = "", deadline_text: str = "",
           deadline: date | None = None, campaign=None, municipality: Municipality | None = None, school_ids=(),
           addressee_kind: str | None = None, source: str = "", context: date | None = None) -> Action:
    """A new recommendation or decision, not started. `context` is the date the deadline's words are read against."""
    fields, schools = _fields(region, text, addressee_text, deadline_text, deadline, context, municipality, school_ids, addressee_kind)
    action = Action.objects.create(kind=kind, region=region, campaign=campaign, source=source[:1000], **fields)
    action.schools.set(schools)
    versions.bump([action.campaign_id])  # the next campaign's справка reads the execution of its previous one's actions
    record(user, "action.create", action, f"Записана {action.get_kind_display()}: {clip(action.text, 200)}", municipality=action.municipality,
           region=region, changes={"addressee": action.addressee, "deadline": action.deadline_text, "source": source})
    return action


@transaction.atomic
def update(action: Action, user, *, text: str, addressee_text: str = "", deadline_text: str = "", deadline: date | None = None,
           municipality: Municipality | None = None, school_ids=(), addressee_kind: str | None = None, source: str = "",
           context: date | None = None) -> bool:
    """Re-issued: an open item takes the new wording; a closed one (done, not done, cancelled) stays as it was.
    True when something changed."""
    action = Action.objects.select_for_update().get(pk=action.pk)
    if not action.is_open:
        return False
    fields, schools = _fields(action.region, text, addressee_text, deadline_text, deadline, context, municipality, school_ids, addressee_kind)
    fields["source"] = source[:1000] or action.source
    before = {k: getattr(action, k) for k in fields}
    if before == fields and {s.pk for s in action.schools.all()} == {s.pk for s in schools}:
        return False
    for k, v in fields.items():
        setattr(action, k, v)
    action.save()
    action.schools.set(schools)
    versions.bump([action.campaign_id])
    record(user, "action.update", action, f"Уточнена {action.get_kind_display()}: {clip(action.text, 200)}", municipality=action.municipality,
           region=action.region, changes={"text": action.text, "deadline": action.deadline_text})
    return True


@transaction.atomic
def cancel(action: Action, user, reason: str) -> bool:
    """An open item withdrawn (its decision was dropped from the справка); True when it was open."""
    action = Action.objects.select_for_update().get(pk=action.pk)
    if not action.is_open:
        return False
    action.status, action.note = core.CANCELLED, reason
    action.status_changed_at, action.status_changed_by = timezone.now(), user if getattr(user, "is_authenticated", False) else None
    action.save(update_fields=["status", "note", "status_changed_at", "status_changed_by"])
    versions.bump([action.campaign_id])
    record(user, "action.cancel", action, f"Отменена {action.get_kind_display()}: {clip(action.text, 200)} ({reason})",
           municipality=action.municipality, region=action.region)
    return True


MARKABLE = (core.NOT_STARTED, core.IN_PROGRESS, core.DONE, core.NOT_DONE)


@transaction.atomic
def set_status(action: Action, user, status: str, *, note: str = "", order_number: str = "", order_date: date | None = None,
               evidence_url: str = "", evidence_file=None, expected: str | None = None) -> Action:
    """The addressee's mark: a status with a note and evidence. The caller checks the right (access.can_mark) and the
    file (shnor.uploads). `expected` is the status the user saw: a mark made on a stale page is refused."""
    action = Action.objects.select_for_update().get(pk=action.pk)
    if status not in MARKABLE:
        raise ActionError("Выберите состояние: не начато, в работе, выполнено или не выполнено.")
    if action.status == core.CANCELLED:
        raise ActionError("Это решение отменено: его исполнение не отмечается.")
    if expected and expected != action.status:
        raise ActionError(f"Состояние уже изменено другим пользователем: теперь «{action.get_status_display()}». Обновите страницу.")
    note = (note or "").strip()
    if status in (core.DONE, core.NOT_DONE) and not note and not order_number and not evidence_url and not evidence_file and not action.evidence_file:
        raise ActionError("Опишите, что сделано (или почему не выполнено), или приложите подтверждение: приказ, ссылку или файл.")
    before = {"status": action.status, "note": action.note, "order_number": action.order_number, "order_date": action.order_date,
              "evidence_url": action.evidence_url}
    action.status, action.note = status, note
    action.order_number, action.order_date, action.evidence_url = (order_number or "").strip()[:100], order_date, (evidence_url or "").strip()
    action.status_changed_at, action.status_changed_by = timezone.now(), user
    if evidence_file is not None:
        if action.evidence_file:
            action.evidence_file.delete(save=False)
        action.evidence_file_name = evidence_file.name[:300]
        action.evidence_file.save(evidence_file.name, evidence_file, save=False)
    action.save()
    versions.bump([action.campaign_id])
    after = {"status": status, "note": action.note, "order_number": action.order_number, "order_date": order_date, "evidence_url": action.evidence_url}
    changes = {k: [str(before[k] or ""), str(after[k] or "")] for k in after if before[k] != after[k]}
    if evidence_file is not None:
        changes["evidence_file"] = ["", action.evidence_file_name]
    record(user, "action.status", action, f"Исполнение: «{action.get_status_display()}» — {clip(action.text, 200)}",
           municipality=action.municipality, region=action.region, changes=changes)
    return action


@transaction.atomic
def remove_imported(action: Action, user, *, source: str) -> None:
    """Take back an item an import wrote (its import is undone). Refused once its addressee marked it: their
    work would be lost (the message names the item)."""
    action = Action.objects.select_for_update().filter(pk=action.pk).first()
    if action is None:
        return  # deleted since: nothing of anybody's is lost
    if action.status != core.NOT_STARTED or action.note or action.order_number or action.evidence_url or action.evidence_file:
        raise ActionError(f"Отменить импорт нельзя: исполнение пункта «{clip(action.text, 80)}» уже отмечено "
                          f"(«{action.get_status_display()}»). Отмена удалила бы эту отметку.")
    record(user, "action.delete", action, f"Удалена {action.get_kind_display()} (отмена: {source}): {clip(action.text, 200)}",
           municipality=action.municipality, region=action.region)
    action.delete()
