"""Load the demo region. Idempotent: objects are found by natural keys; nothing is duplicated."""

from __future__ import annotations

import random
import re
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from shnor.core.russian import agree
from shnor.monitoring.indicators import load_indicators
from shnor.monitoring.models import Campaign, Evidence, Indicator, IndicatorValue, ReportEntry, SchoolReport
from shnor.plans.catalog import load_catalogue
from shnor.plans.models import ActivityType, Framework, PlannedActivity, Roadmap
from shnor.registry.models import Membership, Municipality, Region, School, SchoolStatus

from . import bryansk, live
from .actions import load_actions
from .diagnosis import load_diagnoses, load_vpr
from .municipal import load_municipal_roadmap

CAMPAIGNS = [
    # code, title, start, end, period text, due date
    ("bryansk-2020-h2", "Мониторинг реализации дорожных карт ШНОР, II полугодие 2020 года", date(2020, 7, 1), date(2020, 12, 31), "июль – декабрь 2020 года", date(2021, 1, 15)),
    ("bryansk-2021-h1", "Мониторинг реализации дорожных карт ШНОР, январь – июнь 2021 года", date(2021, 1, 1), date(2021, 6, 30), "январь – июнь 2021 года", date(2021, 6, 25)),
]
LIVE = "bryansk-2021-h2"  # the campaign in progress: its code kept, its dates relative to the loading day (live.py)
NUMBER = re.compile(r"\{N:([^}]+)\}")


# Reasons for non-fulfilment as schools write them: the demo's partly done, not done and postponed entries carry one.
REASONS = [
    "Перенесено в связи с карантином по ОРВИ.",
    "Курсы перенесены организатором (ЦНППМ) на следующее полугодие.",
    "Не набрана группа участников.",
    "Болезнь ответственного педагога.",
    "Мероприятие совпало с периодом ВПР, перенесено по решению педагогического совета.",
]


def _fill(text: str, rng: random.Random) -> str:
    """Replace «{N:noun}» with a number and the noun agreeing with it («{N:педагог}» → «12 педагогов»)."""
    def one(match):
        n = rng.choice([2, 3, 4, 5, 6, 7, 8, 9, 12, 14, 16, 18, 24, 27])
        return agree(n, match.group(1))
    return NUMBER.sub(one, text)


@transaction.atomic
def load_demo() -> dict[str, int]:
    load_catalogue()
    load_indicators()
    region, _ = Region.objects.get_or_create(code=bryansk.REGION[0], defaults={"name": bryansk.REGION[1]})
    schools = _schools(region)
    framework = Framework.objects.get(code="cluster4")
    types = {t.code: t for t in ActivityType.objects.all()}
    _roadmaps(schools, framework, types)
    campaigns = {}
    previous = None
    today = timezone.localdate()
    period = live.period_around(today)
    for code, title, start, end, period_text, due in [*CAMPAIGNS, (LIVE, period.title, period.start, period.end, period.text, period.due)]:
        campaign, created = Campaign.objects.get_or_create(code=code, defaults=dict(
            title=title, region=region, period_start=start, period_end=end, period_text=period_text,
            framework=framework, due_date=due, previous=previous,
            status=Campaign.Status.OPEN if code == LIVE else Campaign.Status.CLOSED,
        ))
        if created:
            campaign.schools.set(schools.values())
            campaign.indicators.set(Indicator.objects.filter(code__in=["quality", "success_rate", "failing", "olympiad_participants", "kpk_teachers"]))
        campaigns[code] = campaign
        previous = campaign
    users = _users(region, schools)
    rng = random.Random(2021)
    _reports(campaigns["bryansk-2020-h2"], schools, types, _done_2020(), users, rng, indicator_index=0)
    _reports(campaigns["bryansk-2021-h1"], schools, types, bryansk.DONE_2021_H1, users, rng, indicator_index=1, not_done=bryansk.NOT_DONE_2021_H1, unplanned=bryansk.UNPLANNED)
    load_actions(campaigns["bryansk-2021-h1"], schools, users)
    load_diagnoses(schools)
    load_vpr([campaigns["bryansk-2020-h2"], campaigns["bryansk-2021-h1"]], schools)
    # After the diagnoses: the period's activities are not among the measures of the reproduced campaigns' needs.
    _open_campaign(campaigns[LIVE], schools, types, users, rng, today)
    load_municipal_roadmap(region, campaigns, users, live_campaign=campaigns[LIVE])
    return {"schools": len(schools), "campaigns": len(campaigns), "reports": SchoolReport.objects.filter(campaign__region=region).count()}


def _done_2020() -> dict[str, set[int]]:
    done = {code: set(schools) - bryansk.DROPPED_2020_H2.get(code, set()) for code, schools in bryansk.DONE_2021_H1.items()}
    for code, schools in bryansk.ADDED_2020_H2.items():
        done[code] = done.get(code, set()) | schools
    return done


def _schools(region) -> dict[int, School]:
    result = {}
    for number, muni_name, short, full, kind, slug in bryansk.SCHOOLS:
        muni, _ = Municipality.objects.get_or_create(region=region, name=muni_name)
        school, _ = School.objects.get_or_create(
            municipality=muni, short_name=short,
            defaults={"full_name": full, "kind": kind, "website": f"https://{slug}.bryanskedu.example", "email": f"{slug}@bryanskedu.example"},
        )
        SchoolStatus.objects.get_or_create(school=school, year=2020, defaults={
            "status": SchoolStatus.Kind.SHNOR, "basis_number": "1024", "basis_date": date(2020, 12, 14),
            "basis_issuer": "департамента образования и науки Брянской области",
            "criteria": "Низкие результаты ВПР и ГИА два года подряд; неблагоприятный социальный контекст",
        })
        SchoolStatus.objects.get_or_create(school=school, year=2021, defaults={
            "status": SchoolStatus.Kind.RISK if number in bryansk.LEFT_SHNOR_2021 else SchoolStatus.Kind.SHNOR,
            "basis_number": bryansk.NEXT_YEAR_BASIS[0], "basis_date": date(2021, 8, 30), "basis_issuer": bryansk.NEXT_YEAR_BASIS[1],
            "criteria": "Демонстрационные данные: " + ("результаты ВПР и качество знаний выросли два полугодия подряд"
                                                        if number in bryansk.LEFT_SHNOR_2021 else "результаты остаются низкими"),
        })
        result[number] = school
    return result


def _roadmaps(schools, framework, types) -> None:
    for number, school in schools.items():
        roadmap, created = Roadmap.objects.get_or_create(school=school, is_current=True, defaults={
            "title": "Дорожная карта по переходу в эффективный режим работы на 2020–2022 годы", "framework": framework,
            "period_start": date(2020, 9, 1), "period_end": date(2022, 8, 31),
            "approved_by": f"приказ {school.short_name} от 28.08.2020 № {40 + number}",
        })
        if not created:
            continue
        codes = sorted({c for c, s in bryansk.DONE_2021_H1.items() if number in s} | {c for c, s in bryansk.NOT_DONE_2021_H1.items() if number in s}
                       | {c for c, s in _done_2020().items() if number in s}, key=lambda c: types[c].order)
        for order, code in enumerate(codes, start=1):
            variants = bryansk.TEXTS[code]
            title = variants[number % len(variants)][0]
            activity = PlannedActivity(roadmap=roadmap, number=str(order), title=title, activity_type=types[code], order=order,
                                       responsible="заместитель директора по УВР" if order % 2 else "директор",
                                       expected_result="Повышение качества образования; устранение выявленных дефицитов")
            activity.set_deadline("в течение учебного года" if order % 3 else "по графику")
            if code in ("mentoring", "student_projects"):
                activity.set_deadline("с 01 февраля 2021 года")
            activity.save()
            activity.directions.set([m.direction for m in types[code].mappings.filter(direction__framework=framework, is_primary=True)])


def _users(region, schools) -> dict[str, object]:
    User = get_user_model()
    users = {}
    for username, last, first, role, scope, position in bryansk.USERS:
        user, created = User.objects.get_or_create(username=username, defaults={"last_name": last, "first_name": first, "email": f"{username}@shnor.example"})
        if created:
            user.set_password(bryansk.DEMO_PASSWORD)
            user.save()
        users[username] = user
        if role == "regional" or (role == "observer" and scope == "region"):
            Membership.objects.get_or_create(user=user, role=role, region=region, municipality=None, school=None, defaults={"position": position})
        elif role == "municipal":
            muni = Municipality.objects.get(region=region, name=scope)
            Membership.objects.get_or_create(user=user, role=role, municipality=muni, region=None, school=None, defaults={"position": position})
        else:
            for number in scope if isinstance(scope, list) else [scope]:
                Membership.objects.get_or_create(user=user, role=role, school=schools[number], region=None, municipality=None, defaults={"position": position})
    admin, created = User.objects.get_or_create(username="admin", defaults={"is_staff": True, "is_superuser": True, "email": "admin@shnor.example", "last_name": "Администратор"})
    if created:
        admin.set_password(bryansk.DEMO_PASSWORD)
        admin.save()
    return users


def _moment(d: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(d, time(hour, 0)))


def _reports(campaign, schools, types, done, users, rng, *, indicator_index, not_done=None, unplanned=()) -> None:
    not_done = not_done or {}
    indicators = {i.code: i for i in Indicator.objects.all()}
    for number, school in schools.items():
        if SchoolReport.objects.filter(campaign=campaign, school=school).exists():
            continue
        accepted = number % 3 != 0
        submitted_at = _moment(campaign.due_date - timedelta(days=number % 5), 10)
        report = SchoolReport.objects.create(
            campaign=campaign, school=school, version=3 if accepted else 2,
            status=SchoolReport.Status.ACCEPTED if accepted else SchoolReport.Status.CERTIFIED,
            submitted_at=submitted_at, certified_at=submitted_at + timedelta(days=2), accepted_at=submitted_at + timedelta(days=5) if accepted else None,
            submitted_by=users["head"] if number == 9 else None, certified_by=users["curator"] if number in (9, 10, 14, 15) else None,
            accepted_by=users["coordinator"] if accepted else None,
            summary="Мероприятия дорожной карты выполняются в соответствии со сроками.",
        )
        # auto_now stamps the loading time; the demo shows when the report was really last changed.
        SchoolReport.objects.filter(pk=report.pk).update(updated_at=report.accepted_at or report.certified_at)
        planned = {a.activity_type.code: a for a in PlannedActivity.objects.filter(roadmap__school=school, roadmap__is_current=True).select_related("activity_type")}
        order = 0
        for code in sorted(planned, key=lambda c: types[c].order):
            status = "done" if number in done.get(code, set()) else not_done.get(code, {}).get(number)
            if status is None:
                continue  # planned for another half-year
            order += 1
            variant = bryansk.TEXTS[code][number % len(bryansk.TEXTS[code])]
            if status == "done" and (number + order) % 7 == 0:
                status = "partial"
            reason = REASONS[(number + order) % len(REASONS)] if status in ReportEntry.NEED_REASON else ""
            entry = ReportEntry.objects.create(report=report, planned_activity=planned[code], title=planned[code].title,
                                               activity_type=types[code], status=status, actual_result=_fill(variant[1], rng), order=order,
                                               expected_result=planned[code].expected_result, reason=reason)
            if status in ReportEntry.DONE:
                _evidence(entry, school, variant[2], campaign, order, rng)
        for school_number, code, title, result in unplanned:
            if school_number == number:
                order += 1
                ReportEntry.objects.create(report=report, title=title, activity_type=types[code], status="done", actual_result=result, order=order)
        values = bryansk.INDICATORS[number]
        for code, value in (("quality", values[indicator_index]), ("success_rate", values[2 + indicator_index]), ("failing", values[4 + indicator_index])):
            IndicatorValue.objects.create(indicator=indicators[code], school=school, campaign=campaign, report=report,
                                          period_start=campaign.period_start, period_end=campaign.period_end,
                                          value=Decimal(str(value)), source="отчёт школы")


def _evidence(entry, school, spec, campaign, order, rng) -> None:
    kind, text = spec
    day = min(campaign.period_start + timedelta(days=rng.randint(10, 150)), timezone.localdate())
    if kind == "order":
        Evidence.objects.create(entry=entry, kind="order", issuer=school.short_name, number=f"{rng.randint(12, 140)}-о", date=day, title=text)
    elif kind == "minutes":
        Evidence.objects.create(entry=entry, kind="minutes", number=str(rng.randint(1, 6)), date=day, title=f"Протокол {text}")
    elif kind == "link":
        Evidence.objects.create(entry=entry, kind="link", url=f"{school.website}/{text}", title=f"Страница на сайте школы: {text.split('/')[-1]}")
    else:
        Evidence.objects.create(entry=entry, kind="other", title=text)


def _live_activities(campaign, schools, types, today) -> None:
    """Each school's roadmap gains the activities of the campaign in progress, dated within its period (live.py);
    the roadmap's period is stretched to hold them."""
    period = live.Period(campaign.period_start, campaign.period_end, campaign.due_date)
    for number, school in schools.items():
        roadmap = Roadmap.objects.get(school=school, is_current=True)
        if roadmap.activities.filter(deadline_end__gte=campaign.period_start).exclude(deadline_text__in=["в течение учебного года", "по графику"]).exists():
            continue
        end_year = campaign.period_end.year + (1 if campaign.period_end.month >= 9 else 0)
        if roadmap.period_end < date(end_year, 8, 31):
            roadmap.period_end = date(end_year, 8, 31)
            roadmap.title = f"Дорожная карта по переходу в эффективный режим работы на {roadmap.period_start.year}–{end_year} годы"
            roadmap.save(update_fields=["period_end", "title"])
        order = roadmap.activities.count()
        for code, deadline in live.deadlines(number, period, today):
            order += 1
            title = bryansk.TEXTS[code][(number + 1) % len(bryansk.TEXTS[code])][0]
            activity = PlannedActivity(roadmap=roadmap, number=str(order), section="II этап", title=title, activity_type=types[code], order=order,
                                       responsible="заместитель директора по УВР" if order % 2 else "директор",
                                       expected_result="Повышение качества образования; устранение выявленных дефицитов")
            activity.set_deadline(deadline)
            activity.save()
            activity.directions.set([m.direction for m in types[code].mappings.filter(direction__framework=campaign.framework, is_primary=True)])


def _open_campaign(campaign, schools, types, users, rng, today) -> None:
    """The campaign in progress: reports in every state, stamped in the days before `today`; activities whose own
    deadline is ahead are left unmarked, and in a draft some whose deadline has passed."""
    from shnor.monitoring.workflow import open_report

    _live_activities(campaign, schools, types, today)
    for number, state in live.STATES.items():
        school = schools[number]
        if SchoolReport.objects.filter(campaign=campaign, school=school).exists():
            continue
        report = open_report(campaign, school)
        for i, entry in enumerate(report.entries.select_related("activity_type", "planned_activity")):
            due = entry.planned_activity.deadline_end if entry.planned_activity else None
            if due is not None and due >= today or (state == "draft" and i % 2):
                continue
            code = entry.activity_type.code if entry.activity_type else ""
            entry.status = "postponed" if state != "accepted" and i == 2 else "done"
            if entry.status == "done":
                entry.actual_result = _fill(bryansk.TEXTS[code][0][1], rng) if code in bryansk.TEXTS else "Проведено"
            else:
                entry.actual_result, entry.reason = "Перенесено на следующий месяц", REASONS[number % len(REASONS)]
            entry.save()
            if entry.status == "done":
                _evidence(entry, school, bryansk.TEXTS[code][0][2], campaign, i + 1, rng)
        stamp = _moment(today - timedelta(days=2 + number % 5), 11)
        report.status = state
        report.version = 2
        if state in ("submitted", "certified", "accepted", "returned"):
            report.submitted_at = stamp - timedelta(days=4)
        if state in ("certified", "accepted"):
            report.certified_at = stamp - timedelta(days=3)
            report.certified_by = users["curator"] if number in (9, 10, 14, 15) else None
        if state == "accepted":
            report.accepted_at, report.accepted_by = stamp - timedelta(days=1), users["coordinator"]
        if state == "returned":
            report.remarks = "Не приложены подтверждающие документы по курсам повышения квалификации; уточните число педагогов."
            report.returned_at = stamp
        report.save()
        SchoolReport.objects.filter(pk=report.pk).update(updated_at=report.accepted_at or report.certified_at or report.returned_at or stamp)
        if number in live.REPORTED:  # the reports sent so far give this period's indicators (a little up on January – June 2021)
            values = bryansk.INDICATORS[number]
            for code, value in (("quality", values[1] + 1.2), ("success_rate", min(values[3] + 0.4, 100)), ("failing", max(values[5] - 1, 0))):
                IndicatorValue.objects.create(indicator=Indicator.objects.get(code=code), school=school, campaign=campaign, report=report,
                                              period_start=campaign.period_start, period_end=campaign.period_end,
                                              value=Decimal(str(round(value, 1))), source="отчёт школы")
