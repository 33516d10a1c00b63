"""The demo's municipal roadmap: Рогнединский район's own plan of support of its ШНОР, carried out by the отдел
образования and the МОЦ, monitored in every demo campaign apart from the schools' reports (idempotent)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from shnor.core.russian import format_date_numeric
from shnor.monitoring.models import Campaign, Evidence, MunicipalReport, ReportEntry
from shnor.monitoring.workflow import municipal_planned_for
from shnor.plans.models import ActivityType, Framework, PlannedActivity, Roadmap
from shnor.registry.models import Municipality

MUNICIPALITY = "Рогнединский район"
OTDEL = "Отдел образования администрации Рогнединского района"
MOC = "Муниципальный методический центр"
ORG, TEACHERS = "Организационно-управленческие меры", "Работа с педагогами"

ACTIVITIES = [
    # section, title, activity type, deadline as written, responsible, expected result
    (ORG, "Совещание с руководителями ШНОР «Анализ результатов ВПР и ГИА 2020 года, меры по их улучшению»", "leadership_training",
     "октябрь 2020", OTDEL, "Определены проблемы и меры поддержки по каждой школе"),
    (ORG, "Утверждение муниципальной программы поддержки школ с низкими образовательными результатами", "leadership_training",
     "до 01 декабря 2020 года", OTDEL, "Программа утверждена приказом отдела образования"),
    (TEACHERS, "Методический интенсив для учителей математики «Решение задач повышенной сложности»", "methodical_events",
     "март 2021", MOC, "Не менее 8 учителей математики ШНОР освоили приёмы решения задач повышенной сложности"),
    (TEACHERS, "Стажировка педагогов ШНОР на базе школы-лидера", "leader_school_network",
     "апрель 2021", "МОЦ, школа-лидер", "Педагоги ШНОР перенесли практики школы-лидера в свои уроки"),
]
# The campaign in progress is dated around the loading day (live.py): its two activities are dated within its period,
# one behind the day, one at its end. (section, title, activity type, days after the period's start or None for
# a week before its end, responsible, expected result)
LIVE_ACTIVITIES = [
    (TEACHERS, "Вебинар для заместителей директоров «Внутренняя система оценки качества образования»", "webinars", 60, MOC,
     "Обновлены положения о ВСОКО в 4 школах"),
    (TEACHERS, "Муниципальный фестиваль открытых уроков учителей ШНОР", "open_lessons", None, MOC, "Проведено не менее 6 открытых уроков"),
]

# What the municipality reported, per campaign: activity number → (status, actual result, reason, evidence).
REPORTED = {
    "bryansk-2020-h2": {
        1: ("done", "Совещание проведено 22.10.2020, участвовали руководители 4 школ; по каждой школе определены меры поддержки.", "",
            ("order", "22.10.2020", "118", "О проведении совещания руководителей ШНОР")),
        2: ("done", "Программа утверждена, доведена до школ.", "", ("order", "27.11.2020", "131", "Об утверждении муниципальной программы поддержки ШНОР")),
    },
    "bryansk-2021-h1": {
        3: ("done", "Интенсив проведён 17–18 марта 2021 года, участвовали 9 учителей математики из 4 школ.", "",
            ("order", "10.03.2021", "37", "О проведении методического интенсива")),
        4: ("partial", "Стажировку прошли педагоги 2 школ из 4.", "Ограничения на очные мероприятия по ОРВИ; стажировка остальных школ перенесена на осень.",
            ("minutes", "28.04.2021", "3", "Протокол заседания МОЦ")),
    },
}


def load_municipal_roadmap(region, campaigns: dict[str, Campaign], users, live_campaign: Campaign) -> None:
    muni = Municipality.objects.get(region=region, name=MUNICIPALITY)
    roadmap, created = Roadmap.objects.get_or_create(municipality=muni, is_current=True, defaults={
        "title": "Муниципальная дорожная карта поддержки школ с низкими образовательными результатами", "framework": Framework.objects.get(code="cluster4"),
        "period_start": date(2020, 9, 1), "period_end": date(2022, 8, 31),
        "approved_by": "приказ отдела образования администрации Рогнединского района от 01.09.2020 № 96",
    })
    if created:
        types = {t.code: t for t in ActivityType.objects.all()}
        for number, (section, title, code, deadline, responsible, expected) in enumerate(ACTIVITIES, start=1):
            activity = PlannedActivity(roadmap=roadmap, number=str(number), section=section, title=title, activity_type=types.get(code),
                                       responsible=responsible, expected_result=expected, order=number)
            activity.set_deadline(deadline)
            activity.save()
        start, end = live_campaign.period_start, live_campaign.period_end
        for number, (section, title, code, days, responsible, expected) in enumerate(LIVE_ACTIVITIES, start=len(ACTIVITIES) + 1):
            when = start + timedelta(days=days) if days is not None else end - timedelta(days=7)
            activity = PlannedActivity(roadmap=roadmap, number=str(number), section=section, title=title, activity_type=types.get(code),
                                       responsible=responsible, expected_result=expected, order=number)
            activity.set_deadline(f"до {format_date_numeric(when)}")
            activity.save()
        Roadmap.objects.filter(pk=roadmap.pk).update(period_end=max(roadmap.period_end, end))
    for code, campaign in campaigns.items():
        campaign.municipalities.add(muni)
        if code in REPORTED and not MunicipalReport.objects.filter(campaign=campaign, municipality=muni).exists():
            _report(campaign, muni, REPORTED[code], users)


def _report(campaign: Campaign, muni, reported: dict, users) -> None:
    """An accepted report of a finished campaign, written as the municipality would (the demo writes its past
    directly, as load.py does the schools' reports: the workflow refuses a closed campaign)."""
    stamp = timezone.make_aware(datetime.combine(campaign.due_date - timedelta(days=3), time(11, 0)))
    report = MunicipalReport.objects.create(
        campaign=campaign, municipality=muni, status=MunicipalReport.Status.ACCEPTED, version=3,
        submitted_at=stamp, submitted_by=users["municipal"], certified_at=stamp + timedelta(days=1), certified_by=users["coordinator"],
        accepted_at=stamp + timedelta(days=2), accepted_by=users["coordinator"],
        summary="Мероприятия муниципальной дорожной карты выполняются; перенесённое включено в план следующего полугодия.")
    MunicipalReport.objects.filter(pk=report.pk).update(updated_at=report.accepted_at)
    for order, activity in enumerate(municipal_planned_for(campaign, muni), start=1):
        status, result, reason, (kind, day, number, title) = reported[int(activity.number)]
        entry = ReportEntry.objects.create(
            municipal_report=report, planned_activity=activity, title=activity.title, activity_type_id=activity.activity_type_id,
            expected_result=activity.expected_result, status=status, actual_result=result, reason=reason, order=order)
        Evidence.objects.create(entry=entry, kind=kind, issuer=OTDEL if kind == "order" else "", number=number,
                                date=datetime.strptime(day, "%d.%m.%Y").date(), title=title)
