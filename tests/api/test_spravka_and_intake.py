"""The справка and document intake through the API, by way of their domain functions."""

from __future__ import annotations

from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

from shnor.actions.models import Action
from shnor.analysis.models import IssuedReport
from shnor.audit.models import AuditEvent
from shnor.intake.models import ImportBatch, ImportItem
from shnor.monitoring.models import SchoolReport

from .conftest import certified_report

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "intake"


def test_the_spravka_shows_its_content_to_coordinators_and_observers(world, api):
    certified_report(world)
    url = f"/api/v1/campaigns/{world.campaign.code}/spravka/"
    body = api.get("coordinator", url).json()
    assert body["whole"] is True and body["can_edit"] is True
    assert body["content"]["campaign_title"] == world.campaign.title
    assert len(body["content"]["schools"]) == 3 and body["content"]["goal"]
    municipal = api.get("municipal", url).json()
    assert municipal["whole"] is False and municipal["findings"] == [] and municipal["issued"] == []
    assert len(municipal["content"]["schools"]) == 2  # the two schools of the first district
    assert not AuditEvent.objects.filter(action="findings.generate").exists()  # reading changes nothing


def test_a_coordinator_issues_the_spravka_and_its_decisions_become_tasks(world, api):
    certified_report(world)
    url = f"/api/v1/campaigns/{world.campaign.code}/spravka/issue/"
    missing = api.post("coordinator", url, {"author_name": ""})
    assert missing.status_code == 400 and set(missing.json()["fields"]) == {"author_name", "author_position"}
    response = api.post("coordinator", url, {"author_name": "О. Координатова", "author_position": "методист ЦНППМ", "date": "2022-01-25"})
    assert response.status_code == 201, response.content
    issued = response.json()
    assert issued["number"] == 1 and issued["author_name"] == "О. Координатова"
    assert issued["tasks"] == Action.objects.filter(campaign=world.campaign).count() > 0
    download = api.client("coordinator").get(issued["docx_url"])
    assert download.status_code == 200 and b"".join(download.streaming_content)[:2] == b"PK"
    assert api.client("municipal").get(issued["docx_url"]).status_code == 403
    assert AuditEvent.objects.filter(action="spravka.issue", object_id=str(issued["id"])).exists()
    listed = api.get("coordinator", f"/api/v1/campaigns/{world.campaign.code}/spravka/").json()["issued"]
    assert [i["id"] for i in listed] == [issued["id"]] == list(IssuedReport.objects.values_list("pk", flat=True).filter(campaign=world.campaign))


def _upload(api, role, school, *files):
    data = {"files": list(files)}
    if school is not None:
        data["school"] = school.pk
    return api.client(role).post(f"/api/v1/campaigns/{api.world.campaign.code}/intake/", data)


def test_a_school_report_is_read_reviewed_committed_and_undone(world, api):
    docx = SimpleUploadedFile("school_report.docx", (FIXTURES / "school_report.docx").read_bytes())
    response = _upload(api, "head", world.a1, docx)
    assert response.status_code == 201, response.content
    batch = response.json()
    assert batch["status"] == "ready" and batch["files"][0]["status"] == "read"
    activities = [i for i in batch["items"] if i["kind"] == "activity"]
    assert len(activities) == 8
    anketa = next(i for i in activities if i["text"].startswith("Анкетирование родителей"))
    url = f"/api/v1/intake/{batch['id']}/"
    wrong = api.post("head", f"{url}review/", {"items": [{"id": anketa["id"], "activity_type": "nonsense", "school": world.b1.pk}]})
    assert wrong.status_code == 400 and set(wrong.json()["fields"]["items"]["0"]) == {"activity_type", "school"}
    committed = api.post("head", f"{url}review/", {"items": [{"id": anketa["id"], "activity_type": "parent_governance"}], "commit": True})
    assert committed.status_code == 200, committed.content
    assert committed.json()["status"] == "committed"
    report = SchoolReport.objects.get(campaign=world.campaign, school=world.a1)
    assert report.entries.filter(planned_activity=None).count() == 8
    assert report.entries.get(title__startswith="Анкетирование родителей").activity_type.code == "parent_governance"
    again = api.post("head", f"{url}review/", {"commit": True})
    assert again.status_code == 409 and again.json()["code"] == "workflow"
    undone = api.post("coordinator", f"{url}undo/")
    assert undone.status_code == 200 and undone.json()["status"] == "undone"
    assert not report.entries.filter(planned_activity=None).exists()
    assert api.post("head", f"{url}undo/").json()["code"] == "workflow"


def test_intake_refusals_are_explained(world, api):
    no_school = _upload(api, "head", None, SimpleUploadedFile("a.txt", "Проведены курсы".encode()))
    assert no_school.status_code == 400 and "школу" in no_school.json()["fields"]["school"][0]
    unreadable = _upload(api, "head", world.a1, SimpleUploadedFile("photo.exe", b"MZ"))
    assert unreadable.status_code == 400 and "не читаются" in unreadable.json()["fields"]["files"][0]
    empty = _upload(api, "coordinator", None)
    assert empty.status_code == 400 and "files" in empty.json()["fields"]
    assert not ImportBatch.objects.filter(campaign=world.campaign).exists()
    broken = _upload(api, "coordinator", None, SimpleUploadedFile("bad.docx", b"PK\x03\x04 not really a docx"))
    assert broken.status_code == 201 and broken.json()["files"][0]["status"] == "failed"
    assert broken.json()["files"][0]["error"]
    assert not ImportItem.objects.filter(file__batch_id=broken.json()["id"]).exists()


def test_a_batch_is_seen_only_by_its_uploader_and_the_regional_coordinator(world, api):
    batch = _upload(api, "staff", world.a1, SimpleUploadedFile("a.txt", "Проведены курсы повышения квалификации".encode())).json()
    assert {b["id"] for b in api.get("staff", "/api/v1/intake/").json()["results"]} == {batch["id"]}
    assert {b["id"] for b in api.get("coordinator", "/api/v1/intake/").json()["results"]} == {batch["id"]}
    for role in ("head", "municipal", "observer", "far_coordinator"):
        assert api.get(role, "/api/v1/intake/").json()["count"] == 0, role
        assert api.get(role, f"/api/v1/intake/{batch['id']}/").status_code == 404, role
