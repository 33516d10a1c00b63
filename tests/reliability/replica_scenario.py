"""The read-replica scenario, run by test_replica.py in a child process whose DATABASE_URL is a primary cluster and
DATABASE_REPLICA_URL its streaming replica (`python -m tests.reliability.replica_scenario`). Prints one JSON line of
what it saw; the test asserts on it.

A head submits a report; with the replica's replay then paused, so that it is certainly behind, a curator certifies
it on the primary; an analytics read (the coverage export, as a coordinator downloads it) then comes from the replica
and does not yet see the certification; a write made inside the analytics block lands on the primary; the справка
issued right after the certification sees it. Replay resumed, the replica catches up and the export sees it too.
"""

from __future__ import annotations

import json
import os
import sys
import time
from datetime import date

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")


def _one(alias: str, sql: str):
    from django.db import connections

    with connections[alias].cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


def wait_for_replay(timeout: float = 20) -> float:
    """Seconds until the replica has replayed everything the primary has written."""
    started = time.monotonic()
    # The insert position, not pg_current_wal_lsn() (the write position): the throw-away primary commits
    # asynchronously (synchronous_commit = off), so a commit's record may still be in the WAL buffers past the
    # write position, and the replica would "catch up" without it.
    target = _one("default", "SELECT pg_current_wal_insert_lsn()::text")
    while time.monotonic() - started < timeout:
        if _one("replica", f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn"):
            return time.monotonic() - started
        time.sleep(0.05)
    raise TimeoutError("the replica did not catch up")


def world():
    """A region of two schools, a campaign, a head and a curator of the first, the regional coordinator."""
    from django.contrib.auth import get_user_model

    from shnor.monitoring.models import Campaign
    from shnor.plans.models import ActivityType, Framework, PlannedActivity, Roadmap
    from shnor.registry.models import Membership, Municipality, Region, School

    region = Region.objects.create(code="replica-test", name="Область реплики")
    municipality = Municipality.objects.create(region=region, name="Район реплики")
    school = School.objects.create(municipality=municipality, short_name="МБОУ Репликовская СОШ", full_name="МБОУ Репликовская средняя школа")
    other = School.objects.create(municipality=municipality, short_name="МБОУ Вторая СОШ", full_name="МБОУ Вторая средняя школа")
    framework = Framework.objects.get(code="cluster4")
    roadmap = Roadmap.objects.create(school=school, framework=framework, period_start=date(2021, 9, 1), period_end=date(2023, 8, 31))
    activity = PlannedActivity(roadmap=roadmap, number="1", title="Курсы повышения квалификации учителей математики",
                               activity_type=ActivityType.objects.get(code="pk_courses"), order=1)
    activity.set_deadline("Октябрь 2021")
    activity.save()
    campaign = Campaign.objects.create(code="replica-2021-h2", title="Мониторинг реплики, I полугодие 2021/2022", region=region,
                                       period_start=date(2021, 9, 1), period_end=date(2021, 12, 31), framework=framework,
                                       due_date=date(2022, 1, 20))
    campaign.schools.set([school, other])
    users = {}
    for name, role, scope in [("r_head", Membership.Role.HEAD, {"school": school}), ("r_curator", Membership.Role.CURATOR, {"school": school}),
                              ("r_coordinator", Membership.Role.REGIONAL, {"region": region})]:
        users[name] = get_user_model().objects.create_user(username=name, password="replica-pass-42", last_name="Репликова")
        Membership.objects.create(user=users[name], role=role, **scope)
    return campaign, school, users


def main() -> dict:
    import django

    django.setup()
    from django.db import connections
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from shnor.analysis import spravka
    from shnor.audit.log import record
    from shnor.audit.models import AuditEvent
    from shnor.monitoring import workflow
    from shnor.monitoring.models import SchoolReport
    from shnor.routers import analytics_reads

    seen: dict = {"databases": sorted(connections.settings), "replica_in_recovery": _one("replica", "SELECT pg_is_in_recovery()"),
                  "primary_in_recovery": _one("default", "SELECT pg_is_in_recovery()"),
                  "streaming": _one("default", "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'")}
    campaign, school, users = world()
    seen["caught_up_s"] = wait_for_replay()
    with analytics_reads(), CaptureQueriesContext(connections["replica"]) as on_replica, \
            CaptureQueriesContext(connections["default"]) as on_primary:
        seen["replica_sees_the_campaign"] = campaign.schools.count() == 2
    seen["analytics_queries"] = {"replica": len(on_replica), "primary": len(on_primary)}

    report = workflow.open_report(campaign, school)
    entry = report.entries.get()
    report = workflow.save_report(report, users["r_head"], report.version,
                                  [workflow.EntryChange(entry.pk, entry.title, "done", "Курсы пройдены, 4 учителя")])
    report = workflow.submit(report, users["r_head"], report.version)
    wait_for_replay()
    _one("replica", "SELECT pg_wal_replay_pause()::text")
    report = workflow.certify(report, users["r_curator"], report.version)
    seen["primary_status"] = SchoolReport.objects.get(pk=report.pk).status
    with analytics_reads():
        seen["analytics_status_while_paused"] = SchoolReport.objects.get(pk=report.pk).status
        # A write inside the analytics block goes to the primary.
        event = record(users["r_coordinator"], "replica.check", campaign, "проверка записи во время чтения с реплики")
    seen["write_on_primary"] = AuditEvent.objects.using("default").filter(pk=event.pk).exists()
    seen["write_on_replica_while_paused"] = AuditEvent.objects.using("replica").filter(pk=event.pk).exists()

    coordinator = Client()
    coordinator.force_login(users["r_coordinator"])
    export = reverse("exchange_export", args=["completeness", "csv"]) + f"?campaign={campaign.code}"
    with CaptureQueriesContext(connections["replica"]) as export_on_replica:
        response = coordinator.get(export)
        body = b"".join(response.streaming_content).decode("utf-8-sig")
    seen["export_status"] = response.status_code
    seen["export_queries_on_replica"] = len(export_on_replica)
    seen["export_while_paused"] = body

    with analytics_reads():  # as if a caller had wrapped it: issuing reads the primary all the same
        issued = spravka.issue(campaign, users["r_coordinator"], "Р. Репликова", "координатор")
    notes = " ".join(issued.content.get("notes") or [])
    seen["issued_says_no_certified_report"] = "Ни одна школа не представила заверенный отчёт" in notes
    seen["issued_mentions_the_school"] = "Репликовская" in json.dumps(issued.content, ensure_ascii=False)
    with analytics_reads():
        draft = spravka.prepare(campaign).spravka.as_dict()  # analytics read of the draft: the lagging replica
    seen["draft_on_replica_says_no_certified_report"] = "Ни одна школа не представила заверенный отчёт" in " ".join(draft.get("notes") or [])

    _one("replica", "SELECT pg_wal_replay_resume()::text")
    seen["caught_up_after_resume_s"] = wait_for_replay()
    with analytics_reads():
        seen["analytics_status_after_resume"] = SchoolReport.objects.get(pk=report.pk).status
    seen["export_after_resume"] = b"".join(coordinator.get(export).streaming_content).decode("utf-8-sig")
    seen["replica_refuses_writes"] = False
    try:
        _one("replica", "CREATE TABLE replica_write_check (id int)")
    except Exception as exc:  # psycopg's ReadOnlySqlTransaction, wrapped by Django
        seen["replica_refuses_writes"] = "read-only" in str(exc)
    return seen


if __name__ == "__main__":
    result = main()
    sys.stdout.write(json.dumps(result, ensure_ascii=False, default=str) + "\n")
