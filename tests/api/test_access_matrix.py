"""Who may call which API endpoint: every operation of the schema × every role of `world` and an outsider.

Expected answers: 2xx for the roles entitled to the action; 404 for objects outside the caller's scope;
403 for a forbidden action on a visible object; 400 where the object is named in the body and the caller
cannot see it (the same answer as for an object that does not exist); 401 for anonymous callers.
Every change is tried inside a savepoint that is rolled back, so each role meets the same state, and a
refused call must leave no trace in the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from shnor.audit.models import AuditEvent
from shnor.monitoring.models import IndicatorChange, IndicatorValue

from .conftest import ROLES, certified_report, open_report, submitted_report

SEE_A1 = {"coordinator", "municipal", "curator", "head", "staff", "observer"}
SEE_CAMPAIGN = SEE_A1 | {"municipal2", "curator2", "head_b1"}
WITH_ROLE = set(ROLES) - {"anonymous", "outsider"}
AUTHENTICATED = set(ROLES) - {"anonymous"}
DIAGNOSE_A1 = {"coordinator", "municipal", "curator"}
ERROR_CODES = {400: "invalid", 401: "not_authenticated", 403: "forbidden", 404: "not_found"}


@dataclass
class Case:
    method: str
    path: str  # the schema's path template
    ok: dict  # role → expected 2xx status
    refused: dict = field(default_factory=dict)  # role → 400/403/404 where not the default
    default_refusal: int = 404
    setup: str = ""  # state the report must be in
    body: object = None  # dict or callable(world, state) → dict
    multipart: bool = False


def ok(roles, code=200):
    return {r: code for r in roles}


def no(roles, code):
    return {r: code for r in roles}


CASES = {
    "me": Case("get", "/api/v1/me/", ok(AUTHENTICATED)),
    "regions": Case("get", "/api/v1/regions/", ok(AUTHENTICATED)),
    "region": Case("get", "/api/v1/regions/{code}/", ok(SEE_CAMPAIGN)),
    "municipalities": Case("get", "/api/v1/municipalities/", ok(AUTHENTICATED)),
    "municipality": Case("get", "/api/v1/municipalities/{id}/", ok(SEE_A1)),
    "schools": Case("get", "/api/v1/schools/", ok(AUTHENTICATED)),
    "school": Case("get", "/api/v1/schools/{id}/", ok(SEE_A1)),
    "frameworks": Case("get", "/api/v1/frameworks/", ok(WITH_ROLE), default_refusal=403),
    "framework": Case("get", "/api/v1/frameworks/{code}/", ok(WITH_ROLE), default_refusal=403),
    "activity_types": Case("get", "/api/v1/activity-types/", ok(WITH_ROLE), default_refusal=403),
    "activity_type": Case("get", "/api/v1/activity-types/{code}/", ok(WITH_ROLE), default_refusal=403),
    "indicators": Case("get", "/api/v1/indicators/", ok(WITH_ROLE), default_refusal=403),
    "indicator": Case("get", "/api/v1/indicators/{code}/", ok(WITH_ROLE), default_refusal=403),
    "roadmaps": Case("get", "/api/v1/roadmaps/", ok(AUTHENTICATED)),
    "roadmap": Case("get", "/api/v1/roadmaps/{id}/", ok(SEE_A1)),
    "roadmap_create": Case(
        "post", "/api/v1/roadmaps/", ok({"coordinator", "municipal", "curator"}, 201),
        refused=no({"observer"}, 403), default_refusal=400,
        body=lambda w, s: {"school": w.a2.pk, "title": "Дорожная карта", "framework": "cluster4"},
    ),
    "roadmap_edit": Case(
        "patch", "/api/v1/roadmaps/{id}/", ok({"coordinator", "municipal", "curator", "head"}),
        refused=no({"staff", "observer"}, 403), body={"approved_by": "Приказ от 01.09.2021 № 1"},
    ),
    "activities": Case("get", "/api/v1/planned-activities/", ok(AUTHENTICATED)),
    "activity": Case("get", "/api/v1/planned-activities/{id}/", ok(SEE_A1)),
    "activity_create": Case(
        "post", "/api/v1/planned-activities/", ok({"coordinator", "municipal", "curator", "head"}, 201),
        refused=no({"staff", "observer"}, 403), default_refusal=400,
        body=lambda w, s: {"roadmap": w.roadmap.pk, "title": "Педсовет по итогам ВПР", "activity_type": "methodical_events",
                           "deadline": "Ноябрь 2021", "directions": ["teachers"]},
    ),
    "activity_edit": Case(
        "patch", "/api/v1/planned-activities/{id}/", ok({"coordinator", "municipal", "curator", "head"}),
        refused=no({"staff", "observer"}, 403), body={"responsible": "Заместитель директора по УВР"},
    ),
    "activity_delete": Case(
        "delete", "/api/v1/planned-activities/{id}/", ok({"coordinator", "municipal", "curator", "head"}, 204),
        refused=no({"staff", "observer"}, 403),
    ),
    "campaigns": Case("get", "/api/v1/campaigns/", ok(AUTHENTICATED)),
    "campaign": Case("get", "/api/v1/campaigns/{code}/", ok(SEE_CAMPAIGN)),
    "campaign_create": Case(
        "post", "/api/v1/campaigns/", ok({"coordinator"}, 201), refused=no({"far_coordinator"}, 400), default_refusal=403,
        body=lambda w, s: {"code": "test-2022-h1", "title": "Мониторинг, II полугодие 2021/2022", "region": "test",
                           "period_start": "2022-01-01", "period_end": "2022-06-30", "framework": "cluster4",
                           "due_date": "2022-06-20", "schools": [w.a1.pk, w.a2.pk], "indicators": ["quality"]},
    ),
    "coverage": Case("get", "/api/v1/campaigns/{code}/coverage/", ok(SEE_CAMPAIGN)),
    "completeness": Case("get", "/api/v1/campaigns/{code}/completeness/", ok(SEE_CAMPAIGN)),
    "reports": Case("get", "/api/v1/reports/", ok(AUTHENTICATED)),
    "report": Case("get", "/api/v1/reports/{id}/", ok(SEE_A1), setup="draft"),
    "report_open": Case(
        "post", "/api/v1/reports/", ok({"head", "staff"}, 201), refused=no(SEE_A1 - {"head", "staff"}, 403), default_refusal=400,
        body=lambda w, s: {"campaign": w.campaign.code, "school": w.a1.pk},
    ),
    "report_save": Case(
        "patch", "/api/v1/reports/{id}/", ok({"head", "staff"}), refused=no(SEE_A1 - {"head", "staff"}, 403), setup="draft",
        body=lambda w, r: {"version": r.version, "summary": "Работа ведётся по плану"},
    ),
    "evidence": Case(
        "post", "/api/v1/reports/{id}/evidence/", ok({"head", "staff"}, 201), refused=no(SEE_A1 - {"head", "staff"}, 403),
        setup="draft", multipart=True,
        body=lambda w, r: {"version": r.version, "entry": r.entries.first().pk, "kind": "order", "number": "52",
                           "file": SimpleUploadedFile("prikaz.pdf", b"%PDF-1.4 test", content_type="application/pdf")},
    ),
    "submit": Case(
        "post", "/api/v1/reports/{id}/submit/", ok({"head"}), refused=no(SEE_A1 - {"head"}, 403), setup="marked",
        body=lambda w, r: {"version": r.version},
    ),
    "certify": Case(
        "post", "/api/v1/reports/{id}/certify/", ok({"curator"}), refused=no(SEE_A1 - {"curator"}, 403), setup="submitted",
        body=lambda w, r: {"version": r.version},
    ),
    "accept": Case(
        "post", "/api/v1/reports/{id}/accept/", ok({"coordinator", "municipal"}),
        refused=no(SEE_A1 - {"coordinator", "municipal"}, 403), setup="certified", body=lambda w, r: {"version": r.version},
    ),
    "return": Case(
        "post", "/api/v1/reports/{id}/return/", ok({"coordinator", "municipal", "curator"}),
        refused=no(SEE_A1 - {"coordinator", "municipal", "curator"}, 403), setup="submitted",
        body=lambda w, r: {"version": r.version, "remarks": "Приложите приказ о курсах"},
    ),
    "spravka": Case(
        "get", "/api/v1/campaigns/{code}/spravka/", ok({"coordinator", "municipal", "municipal2", "observer"}),
        refused=no({"curator", "curator2", "head", "staff", "head_b1"}, 403),
    ),
    "spravka_issue": Case(
        # The analysis app refuses roles without analytics (an outsider too) before looking the campaign up.
        "post", "/api/v1/campaigns/{code}/spravka/issue/", ok({"coordinator"}, 201), refused=no({"far_coordinator"}, 404),
        default_refusal=403, body={"author_name": "О. Г. Координатова", "author_position": "методист ЦНППМ"},
    ),
    "document": Case(
        # Without a school or municipality the document is the region's: for those who see all its schools.
        "get", "/api/v1/campaigns/{code}/documents/{kind}/", ok({"coordinator", "observer"}),
    ),
    "intake_upload": Case(
        "post", "/api/v1/campaigns/{code}/intake/", ok({"coordinator", "municipal", "head", "staff"}, 201),
        refused={**no({"curator", "curator2", "observer"}, 403), **no({"municipal2", "head_b1"}, 400)}, multipart=True,
        body=lambda w, s: {"school": w.a1.pk, "files": [SimpleUploadedFile("otchet.txt", REPORT_TEXT.encode())]},
    ),
    "intake_batches": Case("get", "/api/v1/intake/", ok(AUTHENTICATED)),
    "intake_batch": Case("get", "/api/v1/intake/{id}/", ok({"head", "coordinator"}), setup="batch"),
    "intake_review": Case(
        "post", "/api/v1/intake/{id}/review/", ok({"head", "coordinator"}), setup="batch", body={"items": [], "commit": True},
    ),
    "intake_undo": Case("post", "/api/v1/intake/{id}/undo/", ok({"head", "coordinator"}), setup="committed"),
    "actions": Case("get", "/api/v1/actions/", ok(AUTHENTICATED), setup="action"),
    "action": Case("get", "/api/v1/actions/{id}/", ok({"coordinator", "municipal", "observer"}), setup="action"),
    "action_status": Case(
        "post", "/api/v1/actions/{id}/status/", ok({"coordinator", "municipal"}), refused=no({"observer"}, 403), setup="action",
        body={"status": "done", "note": "Проведено совещание", "order_number": "125", "order_date": "2021-11-15"},
    ),
    "indicator_values": Case("get", "/api/v1/indicator-values/", ok(AUTHENTICATED)),
    "indicator_value": Case("get", "/api/v1/indicator-values/{id}/", ok(SEE_A1), setup="draft"),
    "indicator_changes": Case("get", "/api/v1/indicator-changes/", ok(AUTHENTICATED), setup="change"),
    "indicator_change": Case("get", "/api/v1/indicator-changes/{id}/", ok(SEE_A1), setup="change"),
    "needs": Case("get", "/api/v1/needs/", ok(AUTHENTICATED)),
    "need": Case("get", "/api/v1/needs/{id}/", ok(SEE_A1), setup="need"),
    "need_create": Case(
        "post", "/api/v1/needs/", ok(DIAGNOSE_A1, 201), refused=no(SEE_A1 - DIAGNOSE_A1, 403), default_refusal=400,
        body=lambda w, s: {"school": w.a1.pk, "kind": "cause", "text": "Дефицит педагогических кадров"},
    ),
    "need_edit": Case("patch", "/api/v1/needs/{id}/", ok(DIAGNOSE_A1), refused=no(SEE_A1 - DIAGNOSE_A1, 403), setup="need",
                      body={"period_text": "2021/2022 учебный год"}),
    "need_delete": Case("delete", "/api/v1/needs/{id}/", ok(DIAGNOSE_A1, 204), refused=no(SEE_A1 - DIAGNOSE_A1, 403), setup="need"),
    "need_measures": Case("post", "/api/v1/needs/{id}/measures/", ok(DIAGNOSE_A1), refused=no(SEE_A1 - DIAGNOSE_A1, 403), setup="need",
                          body=lambda w, need: {"activities": [w.roadmap.activities.order_by("pk").first().pk]}),
    "needs_coverage": Case(
        "get", "/api/v1/needs-coverage/{code}/", ok({"coordinator", "municipal", "municipal2", "observer"}),
        refused=no({"curator", "curator2", "head", "staff", "head_b1"}, 403),
    ),
    "outcomes": Case("get", "/api/v1/outcomes/{id}/", ok(SEE_A1)),
}


REPORT_TEXT = (
    "Отчёт о реализации дорожной карты МБОУ «Альфа СОШ» за I полугодие 2021/2022 учебного года\n"
    "1. Курсы повышения квалификации учителей математики — выполнено, обучены 3 педагога.\n"
    "2. Проведён семинар «Смысловое чтение на уроках» для учителей школы.\n"
    "Качество знаний — 41,2 %.\n"
)


def _batch(world, commit: bool = False):
    from shnor.intake import services

    batch, _ = services.create_batch(world.campaign, world.a1, [services.Upload("otchet.txt", REPORT_TEXT.encode())], world.users["head"])
    services.start_reading(batch)
    batch.refresh_from_db()
    if commit:
        services.commit_batch(batch, world.users["head"])
    return batch


def _state(world, setup: str):
    from shnor.monitoring import workflow
    from shnor.monitoring.workflow import EntryChange

    if setup == "draft":
        report = open_report(world)
        quality = world.campaign.indicators.get(code="quality")
        return workflow.save_report(report, world.users["head"], report.version, [], indicators={(quality.pk, ""): 61})
    if setup == "marked":
        report = open_report(world)
        changes = [EntryChange(e.pk, e.title, "done", "Сделано") for e in report.entries.all()]
        return workflow.save_report(report, world.users["head"], report.version, changes)
    if setup == "submitted":
        return submitted_report(world)
    if setup == "certified":
        return certified_report(world)
    if setup == "action":
        from shnor.actions import door

        return door.create(world.users["coordinator"], kind="recommendation", region=world.region, campaign=world.campaign,
                           text="взять на контроль", addressee_text="Органу местного самоуправления (Первый район)")
    if setup == "need":
        from shnor.diagnosis.door import NeedInput, add_need

        return add_need(world.a1, world.users["curator"], NeedInput("deficit", "Дефицит оценочных компетенций"))
    if setup == "change":
        from decimal import Decimal

        quality = world.campaign.indicators.get(code="quality")
        workflow.import_into_report(open_report(world), world.users["head"], [], [], source="otchet.docx",
                                    changes=[workflow.ImportedChange(quality, "", Decimal("1.1"), "%", "повысилось на 1,1 %")])
        return None
    if setup in ("batch", "committed"):
        return _batch(world, commit=setup == "committed")
    return None


def _url(world, case: Case, report) -> str:
    activity = world.roadmap.activities.order_by("pk").first()
    ids = {
        "/api/v1/regions/{code}/": world.region.code,
        "/api/v1/municipalities/{id}/": world.m1.pk,
        "/api/v1/schools/{id}/": world.a1.pk,
        "/api/v1/frameworks/{code}/": "cluster4",
        "/api/v1/activity-types/{code}/": "pk_courses",
        "/api/v1/indicators/{code}/": "quality",
        "/api/v1/roadmaps/{id}/": world.roadmap.pk,
        "/api/v1/planned-activities/{id}/": activity.pk,
        "/api/v1/campaigns/{code}/": world.campaign.code,
        "/api/v1/campaigns/{code}/coverage/": world.campaign.code,
        "/api/v1/campaigns/{code}/completeness/": world.campaign.code,
        "/api/v1/campaigns/{code}/spravka/": world.campaign.code,
        "/api/v1/campaigns/{code}/spravka/issue/": world.campaign.code,
        "/api/v1/campaigns/{code}/documents/{kind}/": world.campaign.code,
        "/api/v1/campaigns/{code}/intake/": world.campaign.code,
        "/api/v1/needs-coverage/{code}/": world.campaign.code,
        "/api/v1/outcomes/{id}/": world.a1.pk,
        "/api/v1/indicator-values/{id}/": IndicatorValue.objects.filter(school=world.a1).values_list("pk", flat=True).first(),
        "/api/v1/indicator-changes/{id}/": IndicatorChange.objects.filter(school=world.a1).values_list("pk", flat=True).first(),
    }
    if case.path in ids:
        return case.path.replace("{code}", str(ids[case.path])).replace("{id}", str(ids[case.path])).replace("{kind}", "plan-vs-actual")
    return case.path.replace("{id}", str(report.pk)) if report is not None else case.path


class Rollback(Exception):
    pass


def _attempt(api, world, case: Case, role: str, report):
    body = case.body(world, report) if callable(case.body) else case.body
    url = _url(world, case, report)
    events = AuditEvent.objects.count()
    try:
        with transaction.atomic():
            if case.multipart:
                response = api.client(role).post(url, body)
            else:
                response = api.call(role, case.method, url, body)
            changed = AuditEvent.objects.count() != events
            raise Rollback
    except Rollback:
        pass
    return response, changed


@pytest.mark.parametrize("name", sorted(CASES))
def test_every_endpoint_admits_exactly_its_roles(world, api, name):
    case = CASES[name]
    report = _state(world, case.setup)
    for role in ROLES:
        response, changed = _attempt(api, world, case, role, report)
        if role in case.ok:
            assert response.status_code == case.ok[role], (name, role, response.status_code, response.content[:300])
            continue
        expected = 401 if role == "anonymous" else case.refused.get(role, case.default_refusal)
        assert response.status_code == expected, (name, role, response.status_code, response.content[:300])
        assert response["Content-Type"].startswith("application/json"), (name, role)
        assert response.json()["code"] == ERROR_CODES[expected], (name, role, response.json())
        assert not changed, f"{name}: a refused call by {role} wrote to the audit log"


def test_the_matrix_covers_every_operation_of_the_schema():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    operations = {(method, path) for path, item in schema["paths"].items() for method in item if path.startswith("/api/v1/")}
    covered = {(case.method, case.path) for case in CASES.values()}
    assert operations == covered, f"not in the matrix: {sorted(operations - covered)}; stale: {sorted(covered - operations)}"


def test_lists_hold_nothing_outside_the_callers_scope(world, api):
    _state(world, "change")
    report = _state(world, "draft")
    for url in ["/api/v1/schools/", "/api/v1/reports/", "/api/v1/roadmaps/", "/api/v1/planned-activities/",
                "/api/v1/campaigns/", "/api/v1/indicator-values/", "/api/v1/indicator-changes/", "/api/v1/regions/",
                "/api/v1/municipalities/"]:
        assert api.get("outsider", url).json()["count"] == 0, url
    far_schools = {row["id"] for row in api.get("far_coordinator", "/api/v1/schools/").json()["results"]}
    assert far_schools == {world.far.pk}
    assert api.get("far_coordinator", "/api/v1/reports/").json()["count"] == 0
    b1_reports = api.get("head_b1", "/api/v1/reports/").json()
    assert report.pk not in {r["id"] for r in b1_reports["results"]}
    municipal2 = api.get("municipal2", f"/api/v1/campaigns/{world.campaign.code}/").json()
    assert municipal2["schools"] == [world.b1.pk] and municipal2["schools_total"] == 3


def test_a_filter_cannot_widen_the_scope(world, api):
    _state(world, "draft")
    response = api.get("head_b1", "/api/v1/reports/", {"school": world.a1.pk})
    assert response.status_code == 200 and response.json()["count"] == 0
    response = api.get("head_b1", "/api/v1/schools/", {"municipality": world.m1.pk})
    assert response.json()["count"] == 0
