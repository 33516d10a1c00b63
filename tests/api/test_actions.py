"""The REST resource of recommendations and decisions: scoped lists, the status change with evidence, bad input."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from shnor.actions import door
from shnor.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(world):
    return door.create(world.users["coordinator"], kind="recommendation", region=world.region, campaign=world.campaign,
                       text="взять на контроль дорожные карты", addressee_text="Органу местного самоуправления (Первый район)",
                       deadline_text="до 01.12.2021")


def test_the_list_is_scoped_and_filtered(world, api, item):
    school_item = door.create(world.users["coordinator"], kind="decision", region=world.region, campaign=world.campaign,
                              text="подготовить отчёт", addressee_text="руководители ОО", deadline_text="постоянно")
    ids = lambda role, q="": {r["id"] for r in api.get(role, "/api/v1/actions/" + q).json()["results"]}  # noqa: E731
    assert ids("coordinator") == {item.pk, school_item.pk}
    assert ids("municipal") == {item.pk, school_item.pk} and ids("municipal2") == {school_item.pk}
    assert ids("head_b1") == {school_item.pk} and ids("outsider") == set() and ids("far_coordinator") == set()
    assert ids("coordinator", "?kind=decision") == {school_item.pk} and ids("coordinator", "?status=done") == set()
    row = api.get("municipal", f"/api/v1/actions/{item.pk}/").json()
    assert row["addressee"] == "Органу местного самоуправления (Первый район)" and row["status_label"] == "не начато, срок истёк"
    assert row["addressee_kind"] == "municipality" and row["municipality"] == world.m1.pk and row["deadline"] == "2021-12-01"


def test_the_addressee_marks_it_done_with_an_order_file(world, api, item):
    response = api.client("municipal").post(f"/api/v1/actions/{item.pk}/status/", {
        "status": "done", "note": "Проведено совещание", "order_number": "125", "order_date": "2021-11-15",
        "evidence_file": SimpleUploadedFile("prikaz.pdf", b"%PDF-1.4 order"), "expected": "not_started"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "done" and body["evidence_order"] == "приказ от 15.11.2021 № 125" and body["evidence_file_url"]
    assert AuditEvent.objects.filter(action="action.status", object_id=str(item.pk), user=world.users["municipal"]).exists()


def test_bad_input_is_explained(world, api, item):
    url = f"/api/v1/actions/{item.pk}/status/"
    assert api.post("municipal", url, {"status": "cancelled"}).json()["code"] == "invalid"
    bad_file = api.client("municipal").post(url, {"status": "done", "evidence_file": SimpleUploadedFile("x.exe", b"MZ")})
    assert bad_file.status_code == 400 and "такой тип файла не принимается" in bad_file.content.decode()
    empty = api.post("municipal", url, {"status": "done"})
    assert empty.status_code == 409 and "Опишите, что сделано" in empty.json()["detail"]
    stale = api.post("municipal", url, {"status": "in_progress", "expected": "done"})
    assert stale.status_code == 409
    item.refresh_from_db()
    assert item.status == "not_started"
