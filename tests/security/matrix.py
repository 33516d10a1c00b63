"""Every web URL of the project with the arguments to call it and the roles that may use it.

tests/security/test_access_matrix.py walks the URL resolver and fails on any URL that has no row here, so a
new page cannot escape the access check: add its row (and think about who may open it) when you add a page.
The API (api/) has its own matrix in tests/api/test_access_matrix.py; the admin is checked as a whole.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

ROLES = ["anonymous", "outsider", "far_coordinator", "coordinator", "municipal", "municipal2", "curator", "curator2", "head",
         "staff", "head_b1", "observer"]
LOGGED_IN = frozenset(ROLES) - {"anonymous"}
REGIONAL = frozenset({"coordinator", "far_coordinator"})
COORDINATORS = REGIONAL | {"municipal", "municipal2"}
ANALYSTS = COORDINATORS | {"observer"}
# Who sees the test campaign (its schools a1, a2 in m1 and b1 in m2, region «test»).
CAMPAIGN = frozenset({"coordinator", "municipal", "municipal2", "curator", "curator2", "head", "staff", "head_b1", "observer"})
CAMPAIGN_ANALYSTS = CAMPAIGN & ANALYSTS
SEES_A1 = frozenset({"coordinator", "municipal", "curator", "head", "staff", "observer"})
ROADMAP_A1 = frozenset({"coordinator", "municipal", "curator", "head"})
DIAGNOSES_A1 = frozenset({"coordinator", "municipal", "curator"})
ROADMAP_LOADERS = COORDINATORS | {"curator", "curator2", "head", "head_b1"}
# The own roadmap and report of municipality m1: its municipal coordinator, the region's coordinator and observer.
SEES_M1 = frozenset({"coordinator", "municipal", "observer"})
EDITS_M1_ROADMAP = frozenset({"coordinator", "municipal"})


@dataclass(frozen=True)
class Rule:
    kwargs: Callable[[object], dict]
    allowed: frozenset
    method: str = "GET"
    query: str = ""  # may name objects: "?school={a1}" (a1, a2, b1 of the world)
    ok: frozenset = field(default_factory=lambda: frozenset({200}))  # what an allowed role may get (GET)
    data: dict = field(default_factory=dict)  # a valid-looking POST, so that the role check is reached


def query(rule: Rule, o) -> str:
    """The rule's query with the world's school ids filled in."""
    return rule.query.format(a1=o.world.a1.pk, a2=o.world.a2.pk, b1=o.world.b1.pk)


def _c(o):
    return {"code": o.world.campaign.code}


RULES: dict[str, Rule] = {
    "home": Rule(lambda o: {}, LOGGED_IN),
    "password_change": Rule(lambda o: {}, LOGGED_IN),
    "password_change_done": Rule(lambda o: {}, LOGGED_IN),
    "audit_log": Rule(lambda o: {}, COORDINATORS),
    "school_list": Rule(lambda o: {}, LOGGED_IN),
    "school_import": Rule(lambda o: {}, REGIONAL),
    "school_template": Rule(lambda o: {}, REGIONAL),
    "school_detail": Rule(lambda o: {"pk": o.world.a1.pk}, SEES_A1),
    "catalogue": Rule(lambda o: {}, COORDINATORS),
    "activity_type_edit": Rule(lambda o: {"code": "pk_courses"}, REGIONAL),
    "direction_edit": Rule(lambda o: {"pk": o.direction.pk}, REGIONAL),
    "roadmap_edit": Rule(lambda o: {"school_pk": o.world.a1.pk}, ROADMAP_A1),
    "roadmap_activity_edit": Rule(lambda o: {"school_pk": o.world.a1.pk, "activity_pk": o.activity.pk}, ROADMAP_A1),
    "roadmap_activity_delete": Rule(lambda o: {"school_pk": o.world.a1.pk, "activity_pk": o.activity.pk}, ROADMAP_A1, "POST"),
    "campaign_list": Rule(lambda o: {}, LOGGED_IN),
    "campaign_create": Rule(lambda o: {}, REGIONAL),
    "campaign_detail": Rule(_c, CAMPAIGN),
    "campaign_chart": Rule(lambda o: {**_c(o), "key": "coverage"}, CAMPAIGN),
    "coverage_detail": Rule(_c, CAMPAIGN, query="?direction=teachers&type=pk_courses"),
    "campaign_remind": Rule(_c, frozenset({"coordinator"})),
    "campaign_close": Rule(_c, frozenset({"coordinator"}), "POST"),
    "campaign_reopen": Rule(_c, frozenset({"coordinator"}), "POST"),
    "export_table": Rule(lambda o: {**_c(o), "table": "coverage", "fmt": "xlsx"}, CAMPAIGN),
    "report_detail": Rule(lambda o: {**_c(o), "school_pk": o.world.a1.pk}, SEES_A1),
    "report_edit": Rule(lambda o: {**_c(o), "school_pk": o.world.a1.pk}, frozenset({"head", "staff"})),
    "report_action": Rule(lambda o: {**_c(o), "school_pk": o.world.a1.pk, "action": "certify"}, frozenset({"curator"}), "POST",
                          data={"version": 1}),
    "report_autosave": Rule(lambda o: {**_c(o), "school_pk": o.world.a1.pk}, frozenset({"head", "staff"}), "POST"),
    "evidence_file": Rule(lambda o: {"pk": o.evidence.pk}, SEES_A1),
    "evidence_edit": Rule(lambda o: {"pk": o.evidence.pk}, frozenset({"head", "staff"})),
    # A stale version: the school's people reach the workflow (which refuses), so the evidence stays for the next role.
    "evidence_delete": Rule(lambda o: {"pk": o.evidence.pk}, frozenset({"head", "staff"}), "POST", data={"version": 0}),
    "municipal_report_detail": Rule(lambda o: {**_c(o), "municipality_pk": o.world.m1.pk}, SEES_M1),
    "municipal_report_edit": Rule(lambda o: {**_c(o), "municipality_pk": o.world.m1.pk}, frozenset({"municipal"})),
    "municipal_report_action": Rule(lambda o: {**_c(o), "municipality_pk": o.world.m1.pk, "action": "certify"}, frozenset({"coordinator"}),
                                    "POST", data={"version": 1}),
    "municipal_roadmap": Rule(lambda o: {"municipality_pk": o.world.m1.pk}, SEES_M1),
    "municipal_roadmap_activity_edit": Rule(lambda o: {"municipality_pk": o.world.m1.pk, "activity_pk": o.municipal_activity.pk},
                                            EDITS_M1_ROADMAP),
    "municipal_roadmap_activity_delete": Rule(lambda o: {"municipality_pk": o.world.m1.pk, "activity_pk": o.municipal_activity.pk},
                                              EDITS_M1_ROADMAP, "POST"),
    "reports_accept": Rule(lambda o: {}, COORDINATORS, "POST", data={"report": ["1:1"]}),
    "curator_queue": Rule(lambda o: {}, frozenset({"curator", "curator2"})),
    "spravka": Rule(_c, CAMPAIGN_ANALYSTS),
    "finding_add": Rule(_c, frozenset({"coordinator"}), "POST"),
    "findings_regenerate": Rule(_c, frozenset({"coordinator"}), "POST"),
    "finding_edit": Rule(lambda o: {**_c(o), "pk": o.finding.pk}, frozenset({"coordinator"}), "POST"),
    "finding_drop": Rule(lambda o: {**_c(o), "pk": o.finding.pk}, frozenset({"coordinator"}), "POST"),
    "spravka_issue": Rule(_c, frozenset({"coordinator"}), "POST"),
    "spravka_template": Rule(_c, frozenset({"coordinator"}), "POST"),
    "spravka_download": Rule(lambda o: {**_c(o), "fmt": "html"}, CAMPAIGN_ANALYSTS),
    "document_list": Rule(_c, CAMPAIGN),
    "document_download": Rule(lambda o: {**_c(o), "kind": "plan-vs-actual", "fmt": "html"}, SEES_A1,
                              query="?school={a1}"),
    # Without a school or municipality the document is the region's: only its coordinator issues it.
    "document_issue": Rule(lambda o: {**_c(o), "kind": "plan-vs-actual"}, frozenset({"coordinator"}), "POST"),
    "document_template_file": Rule(lambda o: {**_c(o), "kind": "monitoring"}, CAMPAIGN_ANALYSTS),
    "document_template": Rule(lambda o: {**_c(o), "kind": "note"}, frozenset({"coordinator"}), "POST"),
    # The region's ZIP of school reports: its coordinator orders it; the bundle's files for those who see all its schools.
    "document_bundle_start": Rule(_c, frozenset({"coordinator"}), "POST"),
    "document_bundle_progress": Rule(lambda o: {**_c(o), "pk": o.bundle.pk}, frozenset({"coordinator", "observer"})),
    "document_bundle_file": Rule(lambda o: {**_c(o), "pk": o.bundle.pk}, frozenset({"coordinator", "observer"})),
    "document_issued_file": Rule(lambda o: {**_c(o), "pk": o.issued.pk, "fmt": "docx"}, frozenset({"coordinator", "observer"})),
    "issued_file": Rule(lambda o: {**_c(o), "pk": o.issued.pk, "fmt": "docx"}, frozenset({"coordinator", "observer"})),
    "issued_pdf_retry": Rule(lambda o: {**_c(o), "pk": o.issued.pk}, frozenset({"coordinator"}), "POST"),
    "dashboard_schools": Rule(_c, CAMPAIGN_ANALYSTS),
    "analysis_retry": Rule(_c, CAMPAIGN_ANALYSTS, "POST"),
    "dashboard": Rule(lambda o: {}, ANALYSTS),
    "task_list": Rule(lambda o: {}, LOGGED_IN),  # each sees the items addressed to them (tests/actions)
    "task_done": Rule(lambda o: {"pk": o.task.pk}, frozenset({"coordinator", "municipal"}), "POST"),
    "action_evidence": Rule(lambda o: {"pk": o.task.pk}, frozenset({"coordinator", "municipal", "observer"})),
    "intake_upload": Rule(_c, frozenset({"coordinator", "municipal", "municipal2", "head", "staff", "head_b1"})),
    "intake_batch": Rule(lambda o: {"pk": o.batch.pk}, frozenset({"coordinator", "head"})),
    "intake_progress": Rule(lambda o: {"pk": o.batch.pk}, frozenset({"coordinator", "head"})),
    "intake_review": Rule(lambda o: {"pk": o.batch.pk}, frozenset({"coordinator", "head"}), "POST"),
    "intake_undo": Rule(lambda o: {"pk": o.batch.pk}, frozenset({"coordinator", "head"}), "POST"),
    "intake_retry": Rule(lambda o: {"pk": o.batch.pk}, frozenset({"coordinator", "head"}), "POST"),
    "exchange": Rule(lambda o: {}, LOGGED_IN),
    "exchange_export": Rule(lambda o: {"table": "schools", "fmt": "csv"}, LOGGED_IN),
    "exchange_campaign_export": Rule(lambda o: {**_c(o), "table": "reports", "fmt": "csv"}, CAMPAIGN),
    "exchange_roadmap_import": Rule(lambda o: {}, ROADMAP_LOADERS),
    "exchange_roadmap_template": Rule(lambda o: {}, ROADMAP_LOADERS),
    "exchange_indicator_import": Rule(lambda o: {}, COORDINATORS),
    "exchange_action_import": Rule(lambda o: {}, LOGGED_IN),  # each row is checked against the user's right to mark it
    "exchange_indicator_template": Rule(lambda o: {}, COORDINATORS),
    "exchange_need_import": Rule(lambda o: {}, COORDINATORS | {"curator", "curator2"}),
    "need_add": Rule(lambda o: {"school_pk": o.world.a1.pk}, DIAGNOSES_A1),
    "need_edit": Rule(lambda o: {"school_pk": o.world.a1.pk, "pk": o.need.pk}, DIAGNOSES_A1),
    "need_measures": Rule(lambda o: {"school_pk": o.world.a1.pk, "pk": o.need.pk}, DIAGNOSES_A1),
    "need_delete": Rule(lambda o: {"school_pk": o.world.a1.pk, "pk": o.need.pk}, DIAGNOSES_A1, "POST"),
    "need_adopt_risks": Rule(lambda o: {"school_pk": o.world.a1.pk}, DIAGNOSES_A1, "POST"),
}
# Pages for everyone, signed in or not.
PUBLIC = {"login", "logout", "favicon"}
# Checked as a whole: only staff accounts reach the admin.
SEPARATE = ("admin/", "api/")


@dataclass
class Objects:
    world: object
    activity: object
    direction: object
    evidence: object
    finding: object
    issued: object
    task: object
    batch: object
    need: object
    municipal_activity: object
    bundle: object


def build_objects(world) -> Objects:
    from django.core.files.base import ContentFile
    from django.core.files.uploadedfile import SimpleUploadedFile

    from shnor.actions import door as actions_door
    from shnor.analysis.models import DocumentBundle, Finding, IssuedReport
    from shnor.diagnosis.models import Need
    from shnor.intake.models import ImportBatch
    from shnor.monitoring import workflow
    from shnor.monitoring.models import Evidence
    from shnor.plans.models import Direction, PlannedActivity, Roadmap

    activity = world.roadmap.activities.first()
    # Municipality m1's own roadmap in the campaign, its report opened (so deleting the activity is refused, whoever asks).
    municipal_roadmap = Roadmap.objects.create(municipality=world.m1, title="Муниципальная дорожная карта", framework=world.framework)
    municipal_activity = PlannedActivity.objects.create(roadmap=municipal_roadmap, number="1", title="Семинар МОЦ для руководителей ШНОР")
    world.campaign.municipalities.add(world.m1)
    workflow.open_municipal_report(world.campaign, world.m1)
    # An open report refers to the activity: deleting it is then refused with a message, whoever asks.
    report = workflow.open_report(world.campaign, world.a1)
    entry = report.entries.first() or report.entries.create(title="Семинар", status="done")
    workflow.save_report(report, world.users["head"], report.version, [],
                         evidence=[workflow.EvidenceInput(entry.pk, "file", file=SimpleUploadedFile("prikaz.pdf", b"%PDF-1.4"))])
    finding = Finding.objects.create(campaign=world.campaign, kind="conclusion", text="Вывод для проверки доступа")
    issued = IssuedReport(campaign=world.campaign, number=1, title="Справка")
    issued.docx.save("spravka.docx", ContentFile(b"PK docx"), save=False)
    issued.save()
    task = actions_door.create(world.users["coordinator"], kind="recommendation", region=world.region, campaign=world.campaign,
                               text="Подготовить отчёт", addressee_text="Органу местного самоуправления (Первый район)",
                               deadline_text="до 01.12.2030")
    actions_door.set_status(task, world.users["coordinator"], "in_progress", evidence_file=SimpleUploadedFile("prikaz.pdf", b"%PDF-1.4"))
    batch = ImportBatch.objects.create(campaign=world.campaign, created_by=world.users["head"], status="ready")
    bundle = DocumentBundle(campaign=world.campaign, total=3, done=3, status="ready")
    bundle.file.save("otchet.zip", ContentFile(b"PK zip"), save=False)
    bundle.save()
    return Objects(world, activity, Direction.objects.filter(framework=world.framework).first(),
                   Evidence.objects.get(entry=entry), finding, issued, task, batch,
                   Need.objects.create(school=world.a1, kind="deficit", group="assessment", text="Дефицит оценочных компетенций"),
                   municipal_activity, bundle)


def web_patterns():
    """(route, name) of every URL pattern outside SEPARATE, walking included URLconfs."""
    from django.urls import URLResolver, get_resolver

    def walk(patterns, prefix=""):
        for p in patterns:
            route = prefix + str(p.pattern)
            if isinstance(p, URLResolver):
                if route.startswith(SEPARATE):
                    continue
                yield from walk(p.url_patterns, route)
            else:
                yield route, p.name

    return list(walk(get_resolver().url_patterns))
