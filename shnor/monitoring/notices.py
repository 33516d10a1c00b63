"""Workflow e-mails: a report returned (with its remarks), certified or accepted is told to the people concerned.

The workflow enqueues `notify` once its transaction has committed; the worker sends the letter (an SMTP server may
be slow, and a failed letter must not undo the step).
"""

from __future__ import annotations

import django_tasks
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.urls import reverse

from shnor.registry.models import Membership

from .models import SchoolReport
from .reminders import recipients_for

SIGNATURE = "\n\nЭто письмо отправлено системой ШНОР-Монитор."


def coordinators_of(school) -> list[str]:
    """The coordinators who accept the school's reports: the region's and the school's municipality's."""
    people = get_user_model().objects.filter(is_active=True).exclude(email="").filter(
        pk__in=Membership.objects.filter(role=Membership.Role.REGIONAL, region_id=school.municipality.region_id).values("user")
    ) | get_user_model().objects.filter(is_active=True).exclude(email="").filter(
        pk__in=Membership.objects.filter(role=Membership.Role.MUNICIPAL, municipality_id=school.municipality_id).values("user")
    )
    return sorted({u.email for u in people})


def letter(report: SchoolReport, event: str) -> EmailMessage | None:
    """The letter for `event` ("returned", "certified", "accepted"); None when nobody concerned has an address."""
    campaign, school = report.campaign, report.school
    link = settings.SITE_URL.rstrip("/") + reverse("report_detail", args=[campaign.code, school.pk])
    about = f"отчёт школы {school.short_name} по кампании «{campaign.title}»"
    if event == "returned":
        to = recipients_for(school)
        remarks = [f"— {report.remarks}"] if report.remarks else []
        remarks += [f"— к мероприятию «{e.title[:200]}»: {e.remark}" for e in report.entries.exclude(remark="")]
        body = (f"Здравствуйте!\n\nКуратор вернул {about} на доработку. Замечания:\n" + "\n".join(remarks)
                + f"\n\nИсправьте отчёт и отправьте его снова: {link}")
        subject = f"Отчёт возвращён на доработку: {campaign.title}"
    elif event == "certified":
        to = coordinators_of(school)
        body = f"Здравствуйте!\n\nКуратор заверил {about}. Отчёт ждёт принятия: {link}"
        subject = f"Отчёт заверен и ждёт принятия: {school.short_name}"
    elif event == "accepted":
        to = recipients_for(school)
        body = f"Здравствуйте!\n\nКоординатор принял {about}. Спасибо! Отчёт: {link}"
        subject = f"Отчёт принят: {campaign.title}"
    else:
        raise ValueError(f"unknown event {event!r}")
    return EmailMessage(subject, body + SIGNATURE, to=to) if to else None


@django_tasks.task()
def notify(report_id: int, event: str) -> int:
    """Send the letter about the report's step; the number of addresses it went to (0: nobody with an address)."""
    report = SchoolReport.objects.select_related("campaign", "school__municipality").get(pk=report_id)
    message = letter(report, event)
    if message is None:
        return 0
    get_connection().send_messages([message])
    return len(message.to)
