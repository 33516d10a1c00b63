"""Who may open which page: every view of the monitoring core, every role, and an outsider."""

from __future__ import annotations

import pytest
from django.urls import reverse

from shnor.monitoring import workflow
from shnor.monitoring.models import Evidence
from shnor.monitoring.workflow import EntryChange

ALL_ROLES = ["anonymous", "outsider", "far_coordinator", "coordinator", "municipal", "municipal2", "curator", "curator2", "head", "staff", "head_b1", "observer"]


def urls(world):
    c, a1 = world.campaign.code, world.a1.pk
    activity = world.roadmap.activities.first().pk
    return {
        "home": reverse("home"),
        "campaigns": reverse("campaign_list"),
        "campaign_new": reverse("campaign_create"),
        "campaign": reverse("campaign_detail", args=[c]),
        "coverage_row": reverse("coverage_detail", args=[c]) + "?direction=teachers&type=pk_courses",
        "export": reverse("export_table", args=[c, "coverage", "xlsx"]),
        "report_a1": reverse("report_detail", args=[c, a1]),
        "report_a1_edit": reverse("report_edit", args=[c, a1]),
        "schools": reverse("school_list"),
        "school_a1": reverse("school_detail", args=[a1]),
        "school_import": reverse("school_import"),
        "roadmap_a1": reverse("roadmap_edit", args=[a1]),
        "roadmap_a1_activity": reverse("roadmap_activity_edit", args=[a1, activity]),
        "catalogue": reverse("catalogue"),
        "type_edit": reverse("activity_type_edit", args=["pk_courses"]),
        "queue": reverse("curator_queue"),
        "audit": reverse("audit_log"),
    }


# page → roles that may open it (200); everyone else gets a refusal (302 to login for anonymous, 403 or 404)
ALLOWED = {
    "home": set(ALL_ROLES) - {"anonymous"},
    "campaigns": set(ALL_ROLES) - {"anonymous"},
    "campaign_new": {"coordinator", "far_coordinator"},
    "campaign": {"coordinator", "municipal", "municipal2", "curator", "curator2", "head", "staff", "head_b1", "observer"},
    "coverage_row": {"coordinator", "municipal", "municipal2", "curator", "curator2", "head", "staff", "head_b1", "observer"},
    "export": {"coordinator", "municipal", "municipal2", "curator", "curator2", "head", "staff", "head_b1", "observer"},
    "report_a1": {"coordinator", "municipal", "curator", "head", "staff", "observer"},
    "report_a1_edit": {"head", "staff"},
    "schools": set(ALL_ROLES) - {"anonymous"},
    "school_a1": {"coordinator", "municipal", "curator", "head", "staff", "observer"},
    "school_import": {"coordinator", "far_coordinator"},
    "roadmap_a1": {"coordinator", "municipal", "curator", "head"},
    "roadmap_a1_activity": {"coordinator", "municipal", "curator", "head"},
    "catalogue": {"coordinator", "far_coordinator", "municipal", "municipal2"},
    "type_edit": {"coordinator", "far_coordinator"},
    "queue": {"curator", "curator2"},
    "audit": {"coordinator", "far_coordinator", "municipal", "municipal2"},
}


@pytest.mark.parametrize("page", sorted(ALLOWED))
def test_every_page_admits_exactly_its_roles(world, page):
    url = urls(world)[page]
    for role in ALL_ROLES:
        response = world.client(role).get(url)
        if role in ALLOWED[page]:
            assert response.status_code == 200, (page, role, response.status_code)
        elif role == "anonymous":
            assert response.status_code == 302 and response["Location"].startswith(reverse("login")), (page, role)
        else:
            assert response.status_code in (403, 404), (page, role, response.status_code)


def _submitted_report(world):
    u = world.users
    report = workflow.open_report(world.campaign, world.a1)
    changes = [EntryChange(e.pk, e.title, "done", "Сделано") for e in report.entries.all()]
    report = workflow.save_report(report, u["head"], report.version, changes)
    return workflow.submit(report, u["head"], report.version)


@pytest.mark.parametrize("role", ["outsider", "far_coordinator", "curator2", "head_b1", "municipal2", "observer", "staff", "head"])
def test_outsiders_cannot_certify(world, role):
    report = _submitted_report(world)
    response = world.client(role).post(reverse("report_action", args=[world.campaign.code, world.a1.pk, "certify"]), {"version": report.version})
    assert response.status_code in (403, 404)
    report.refresh_from_db()
    assert report.status == "submitted"


@pytest.mark.parametrize("role", ["outsider", "far_coordinator", "curator", "head", "observer", "municipal2"])
def test_only_a_coordinator_of_the_school_accepts(world, role):
    report = _submitted_report(world)
    report = workflow.certify(report, world.users["curator"], report.version)
    response = world.client(role).post(reverse("report_action", args=[world.campaign.code, world.a1.pk, "accept"]), {"version": report.version})
    assert response.status_code in (403, 404)
    report.refresh_from_db()
    assert report.status == "certified"


def test_the_curator_certifies_through_the_page(world):
    report = _submitted_report(world)
    response = world.client("curator").post(reverse("report_action", args=[world.campaign.code, world.a1.pk, "certify"]), {"version": report.version})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == "certified"


@pytest.mark.parametrize("target", ["//evil.example/phish", "https://evil.example/phish", "/\\evil.example", "javascript:alert(1)"])
def test_after_an_action_the_page_never_redirects_to_another_site(world, target):
    report = _submitted_report(world)
    response = world.client("curator").post(reverse("report_action", args=[world.campaign.code, world.a1.pk, "certify"]),
                                            {"version": report.version, "next": target})
    assert response.status_code == 302 and response["Location"] == reverse("report_detail", args=[world.campaign.code, world.a1.pk])


def test_after_an_action_the_page_returns_to_a_page_of_the_site(world):
    report = _submitted_report(world)
    response = world.client("curator").post(reverse("report_action", args=[world.campaign.code, world.a1.pk, "certify"]),
                                            {"version": report.version, "next": "/campaigns/"})
    assert response["Location"] == "/campaigns/"


def test_a_stale_action_shows_a_message_and_changes_nothing(world):
    report = _submitted_report(world)
    client = world.client("curator")
    response = client.post(reverse("report_action", args=[world.campaign.code, world.a1.pk, "certify"]), {"version": report.version - 1}, follow=True)
    assert "Ваши изменения не сохранены" in response.content.decode()
    report.refresh_from_db()
    assert report.status == "submitted"


def test_evidence_files_are_served_only_to_people_entitled_to_the_school(world, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    report = workflow.open_report(world.campaign, world.a1)
    entry = report.entries.first()
    upload = SimpleUploadedFile("prikaz.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    workflow.save_report(report, world.users["head"], report.version, [EntryChange(entry.pk, entry.title, "done", "Есть приказ")],
                         evidence=[workflow.EvidenceInput(entry_pk=entry.pk, kind="file", file=upload)])
    evidence = Evidence.objects.get(entry=entry)
    url = reverse("evidence_file", args=[evidence.pk])
    for role in ("head", "curator", "coordinator", "municipal", "observer"):
        response = world.client(role).get(url)
        assert response.status_code == 200, role
        assert b"".join(response.streaming_content) == b"%PDF-1.4 test"
    for role in ("outsider", "head_b1", "curator2", "municipal2", "far_coordinator"):
        assert world.client(role).get(url).status_code == 404, role


def test_a_coordinator_of_another_region_sees_no_school_of_this_one(world):
    response = world.client("far_coordinator").get(reverse("school_list"))
    body = response.content.decode()
    assert world.far.short_name in body
    assert world.a1.short_name not in body and world.b1.short_name not in body
