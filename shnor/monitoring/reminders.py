"""Reminder e-mails to schools that have not submitted their report by the due date."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import django_tasks
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from shnor.audit.log import record
from shnor.audit.models import AuditEvent
from shnor.registry.models import Membership

from .completeness import completeness
from .models import Campaign


def recipients_for(school) -> list[str]:
    emails = {school.email} if school.email else set()
    emails |= {
        m.user.email
        for m in Membership.objects.filter(school=school, role__in=[Membership.Role.HEAD, Membership.Role.STAFF]).select_related("user")
        if m.user.email and m.user.is_active
    }
    return sorted(emails)


# Pressing «Напомнить» again within this time asks for an explicit «отправить ещё раз».
REPEAT_GUARD = timedelta(hours=1)


@dataclass
class Preview:
    """What «Напомнить просрочившим» would send, and when it last sent."""

    letters: list[tuple[object, list[str]]] = field(default_factory=list)  # (school, addresses)
    missing: list[str] = field(default_factory=list)
    last_at: datetime | None = None
    last_count: int = 0

    @property
    def recent(self) -> bool:
        return self.last_at is not None and timezone.now() - self.last_at < REPEAT_GUARD


def preview(campaign: Campaign, schools=None) -> Preview:
    result = Preview()
    for row in completeness(campaign, schools).overdue:
        to = recipients_for(row.school)
        if to:
            result.letters.append((row.school, to))
        else:
            result.missing.append(row.school.short_name)
    last = AuditEvent.objects.filter(action="campaign.remind", object_type=Campaign._meta.label_lower, object_id=str(campaign.pk)).order_by("-at").first()
    if last is not None:
        changes = last.changes or {}
        result.last_at = last.at
        result.last_count = changes.get("отправлено", len(changes.get("школы", [])) - len(changes.get("без адреса", [])))
    return result


@transaction.atomic
def send_reminders(campaign: Campaign, user, schools=None) -> tuple[int, list[str]]:
    """Send one letter per overdue school. Returns (letters sent, schools without any address)."""
    overdue = completeness(campaign, schools).overdue
    messages, missing = [], []
    for row in overdue:
        to = recipients_for(row.school)
        if not to:
            missing.append(row.school.short_name)
            continue
        link = settings.SITE_URL.rstrip("/") + reverse("report_detail", args=[campaign.code, row.school.pk])
        body = (
            f"Здравствуйте!\n\nСрок сдачи отчёта по кампании «{campaign.title}» истёк {campaign.due_date:%d.%m.%Y}, "
            f"а отчёт школы {row.school.short_name} ещё не отправлен (состояние: {row.label}).\n"
            f"Пожалуйста, заполните и отправьте отчёт: {link}\n\n"
            "Это письмо отправлено системой ШНОР-Монитор."
        )
        messages.append(EmailMessage(f"Напоминание: отчёт по кампании «{campaign.title}»", body, to=to))
    if messages:
        get_connection().send_messages(messages)
    record(user, "campaign.remind", campaign, f"Отправлены напоминания по кампании «{campaign.title}»: {len(messages)}",
           region=campaign.region, changes={"школы": [r.school.short_name for r in overdue], "без адреса": missing, "отправлено": len(messages)})
    return len(messages), missing


@django_tasks.task()
def remind(campaign_id: int, user_id: int) -> dict:
    """The task behind the «Напомнить» button: `send_reminders` on the worker (an SMTP server may be slow)."""
    sent, missing = send_reminders(Campaign.objects.get(pk=campaign_id), get_user_model().objects.get(pk=user_id))
    return {"sent": sent, "missing": missing}
