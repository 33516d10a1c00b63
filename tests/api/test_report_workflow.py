"""A report's life through the API: open, fill, submit, certify, accept; return; stale versions; refusals."""

from __future__ import annotations

from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from shnor.audit.models import AuditEvent
from shnor.monitoring.models import Evidence, IndicatorValue, ReportEntry, SchoolReport

from .conftest import submitted_report


def _open(api, world):
    response = api.post("head", "/api/v1/reports/", {"campaign": world.campaign.code, "school": world.a1.pk})
    assert response.status_code == 201, response.content
    return response.json()


def test_it_carries_a_report_from_draft_to_accepted(world, api):
    report = _open(api, world)
    assert report["status"] == "draft" and report["permissions"]["can_edit"]
    url = f"/api/v1/reports/{report['id']}/"
    entries = report["entries"]
    assert [e["title"] for e in entries][:1] == ["Курсы повышения квалификации учителей математики"]
    body = {
        "version": report["version"],
        "summary": "Дорожная карта выполняется",
        "entries": [
            *({"id": e["id"], "status": "done", "actual_result": "Прошли курсы 3 педагога"} for e in entries),
            {"title": "Семинар «Смысловое чтение»", "status": "done", "activity_type": "methodical_events", "direction": "teachers"},
        ],
        "indicators": [{"indicator": "quality", "value": "41.5"}, {"indicator": "failing", "value": 3}],
        "evidence": [
            {"entry": entries[0]["id"], "kind": "order", "number": "52", "date": "2021-10-09", "title": "О курсах"},
            {"new_entry": 0, "kind": "link", "url": "https://clck.ru/34PaDg"},
        ],
    }
    saved = api.patch("head", url, body)
    assert saved.status_code == 200, saved.content
    saved = saved.json()
    assert saved["version"] == report["version"] + 1
    assert all(e["status"] == "done" for e in saved["entries"])
    new = next(e for e in saved["entries"] if e["is_unplanned"])
    assert new["activity_type"] == "methodical_events" and new["direction"] == "teachers"
    assert new["evidence"][0]["url"] == "https://clck.ru/34PaDg"
    assert saved["entries"][0]["evidence"][0]["description"] == "Приказ от 09.10.2021 № 52 «О курсах»"
    assert {v["indicator"]: v["value"] for v in saved["indicator_values"]} == {"quality": 41.5, "failing": 3.0}

    upload = SimpleUploadedFile("protokol.pdf", b"%PDF-1.4 minutes", content_type="application/pdf")
    attached = api.client("staff").post(f"{url}evidence/", {"version": saved["version"], "entry": new["id"], "kind": "minutes", "file": upload})
    assert attached.status_code == 201, attached.content
    file_url = next(e for e in attached.json()["entries"] if e["id"] == new["id"])["evidence"][-1]["file_url"]
    assert b"".join(api.client("curator").get(file_url).streaming_content) == b"%PDF-1.4 minutes"
    assert api.client("head_b1").get(file_url).status_code == 404

    version = attached.json()["version"]
    submitted = api.post("head", f"{url}submit/", {"version": version})
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    certified = api.post("curator", f"{url}certify/", {"version": submitted.json()["version"]})
    assert certified.status_code == 200 and certified.json()["status"] == "certified"
    accepted = api.post("municipal", f"{url}accept/", {"version": certified.json()["version"]})
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    assert not any(accepted.json()["permissions"].values())

    actions = list(AuditEvent.objects.filter(object_type="monitoring.schoolreport", object_id=str(report["id"])).values_list("action", flat=True))
    assert sorted(set(actions)) == ["report.accept", "report.certify", "report.create", "report.edit", "report.submit"]


def test_opening_twice_gives_the_same_report(world, api):
    first = _open(api, world)
    again = api.post("staff", "/api/v1/reports/", {"campaign": world.campaign.code, "school": world.a1.pk})
    assert again.status_code == 200 and again.json()["id"] == first["id"]


def test_a_return_carries_remarks_and_reopens_the_report(world, api):
    report = submitted_report(world)
    url = f"/api/v1/reports/{report.pk}/"
    missing = api.post("curator", f"{url}return/", {"version": report.version, "remarks": "  "})
    assert missing.status_code == 400 and missing.json()["code"] == "invalid"
    assert "замечания" in missing.json()["fields"]["remarks"][0]
    returned = api.post("curator", f"{url}return/", {"version": report.version, "remarks": "Приложите приказ о курсах"})
    assert returned.status_code == 200, returned.content
    assert returned.json()["status"] == "returned" and returned.json()["remarks"] == "Приложите приказ о курсах"
    assert returned.json()["permissions"]["can_edit"] is False  # the curator cannot edit
    assert api.get("head", url).json()["permissions"]["can_edit"] is True


def test_a_stale_version_is_refused_with_409_and_nothing_is_saved(world, api):
    report = _open(api, world)
    url = f"/api/v1/reports/{report['id']}/"
    entry = report["entries"][0]
    first = api.patch("staff", url, {"version": report["version"], "entries": [{"id": entry["id"], "status": "partial"}]})
    assert first.status_code == 200
    stale = api.patch("head", url, {"version": report["version"], "summary": "Перезапишу", "entries": [
        {"id": entry["id"], "status": "not_done", "actual_result": "Не успели"}, {"title": "Новое мероприятие", "status": "done"}]})
    assert stale.status_code == 409
    body = stale.json()
    assert body["code"] == "stale_version"
    assert "Ваши изменения не сохранены" in body["detail"]
    saved = SchoolReport.objects.get(pk=report["id"])
    assert saved.version == report["version"] + 1 and saved.summary == ""
    assert ReportEntry.objects.get(pk=entry["id"]).status == "partial"
    assert not ReportEntry.objects.filter(report=saved, title="Новое мероприятие").exists()
    stale_submit = api.post("head", f"{url}submit/", {"version": report["version"]})
    assert stale_submit.status_code == 409 and stale_submit.json()["code"] == "stale_version"


def test_a_forbidden_action_is_refused_with_403_and_changes_nothing(world, api):
    report = submitted_report(world)
    url = f"/api/v1/reports/{report.pk}/"
    events = AuditEvent.objects.count()
    for role, action in [("head", "certify"), ("staff", "submit"), ("observer", "accept"), ("curator", "accept"), ("head", "return")]:
        response = api.post(role, f"{url}{action}/", {"version": report.version})
        assert response.status_code == 403, (role, action)
        assert response.json() == {"code": "forbidden", "detail": "У вас нет прав на это действие с отчётом этой школы."}
    refused_edit = api.patch("curator", url, {"version": report.version, "summary": "Куратор правит"})
    assert refused_edit.status_code == 403 and "руководитель и сотрудники" in refused_edit.json()["detail"]
    report.refresh_from_db()
    assert report.status == "submitted" and report.summary == "" and AuditEvent.objects.count() == events


def test_an_action_out_of_turn_is_a_workflow_conflict(world, api):
    report = submitted_report(world)
    url = f"/api/v1/reports/{report.pk}/"
    response = api.post("coordinator", f"{url}accept/", {"version": report.version})
    assert response.status_code == 409
    assert response.json() == {"code": "workflow", "detail": "Принять можно только заверенный куратором отчёт; сейчас он в состоянии «отправлен, ждёт заверения куратором»."}
    edit = api.patch("head", url, {"version": report.version, "summary": "Поправлю"})
    assert edit.status_code == 409 and edit.json()["code"] == "workflow"


def test_submitting_with_unmarked_activities_explains_what_is_missing(world, api):
    report = _open(api, world)
    response = api.post("head", f"/api/v1/reports/{report['id']}/submit/", {"version": report["version"]})
    assert response.status_code == 409
    detail = response.json()["detail"].replace("\u00a0", " ")
    assert detail == "Отметьте выполнение всех запланированных мероприятий: не отмечено 3 мероприятия."


def test_invalid_report_changes_are_explained_field_by_field(world, api):
    report = _open(api, world)
    url = f"/api/v1/reports/{report['id']}/"
    response = api.patch("head", url, {
        "version": report["version"],
        "entries": [{"id": 999999, "status": "done"}, {"title": "", "status": "done"}, {"id": report["entries"][0]["id"], "status": "сделано"},
                    {"id": report["entries"][1]["id"], "activity_type": "no_such_type", "direction": "nowhere"}],
        "indicators": [{"indicator": "quality", "value": 120}, {"indicator": "olympiad_winners", "value": 1}, {"indicator": "failing", "value": -1}],
        "evidence": [{"entry": report["entries"][0]["id"], "kind": "link"}],
    })
    assert response.status_code == 400
    fields = response.json()["fields"]
    assert set(fields) == {"entries", "indicators", "evidence"}
    assert "status" in fields["entries"]["2"] or "status" in fields["entries"][2]
    # Values are checked by the workflow's one rule (validate_indicator_value), with the indicator named.
    assert fields["indicators"]["0"] == {"value": ["Показатель «Качество знаний»: значение 120 % больше 100 %: проверьте, не записано ли число человек вместо доли."]}
    assert "не бывает меньше нуля" in fields["indicators"]["2"]["value"][0]
    assert response.json()["code"] == "invalid"
    # The workflow never ran: nothing changed and the version stayed.
    assert SchoolReport.objects.get(pk=report["id"]).version == report["version"]
    assert not IndicatorValue.objects.filter(report_id=report["id"]).exists()

    semantic = api.patch("head", url, {"version": report["version"], "entries": [{"id": 999999, "status": "done"}, {"title": " ", "status": "done"},
                                                                                 {"id": report["entries"][0]["id"], "delete": True}],
                                       "indicators": [{"indicator": "quality", "value": 12}, {"indicator": "olympiad_winners", "value": 1}],
                                       "evidence": [{"new_entry": 5, "kind": "link", "url": "https://example.org"}]})
    fields = semantic.json()["fields"]
    assert fields["entries"] == {"0": {"id": ["Запись отчёта не найдена: возможно, её удалили. Откройте отчёт заново."]},
                                 "1": {"title": ["Укажите название мероприятия, которое не было запланировано."]},
                                 "2": {"delete": ["Запланированное мероприятие удалить нельзя: отметьте его статус."]}}
    assert fields["indicators"] == {"1": {"indicator": ["Кампания не запрашивает показатель «olympiad_winners»."]}}
    assert fields["evidence"] == {"0": {"new_entry": ["Нового мероприятия с таким номером в запросе нет."]}}


def test_a_patch_keeps_what_it_does_not_mention(world, api):
    report = _open(api, world)
    url = f"/api/v1/reports/{report['id']}/"
    entry = report["entries"][0]
    first = api.patch("head", url, {"version": report["version"], "entries": [
        {"id": entry["id"], "status": "done", "actual_result": "Обучены 3 педагога", "direction": "teachers"}]}).json()
    second = api.patch("head", url, {"version": first["version"], "entries": [{"id": entry["id"], "status": "partial"}]}).json()
    kept = next(e for e in second["entries"] if e["id"] == entry["id"])
    assert kept["status"] == "partial" and kept["actual_result"] == "Обучены 3 педагога" and kept["direction"] == "teachers"
    assert kept["activity_type"] == "pk_courses"
    value = api.patch("head", url, {"version": second["version"], "indicators": [{"indicator": "quality", "value": "50"}]}).json()
    removed = api.patch("head", url, {"version": value["version"], "indicators": [{"indicator": "quality", "value": None}]}).json()
    assert value["indicator_values"][0]["value"] == 50.0 and removed["indicator_values"] == []
    assert IndicatorValue.objects.filter(report_id=report["id"]).count() == 0
    assert Decimal("50") not in IndicatorValue.objects.values_list("value", flat=True).filter(report_id=report["id"])


def test_a_closed_campaign_takes_no_more_reports(world, api):
    world.campaign.status = "closed"
    world.campaign.save()
    response = api.post("head", "/api/v1/reports/", {"campaign": world.campaign.code, "school": world.a1.pk})
    assert response.status_code == 403 and response.json()["detail"] == "Кампания закрыта: изменить отчёт нельзя. Открыть её снова может региональный координатор."


def test_a_bad_evidence_file_is_refused_in_russian(world, api):
    report = _open(api, world)
    upload = SimpleUploadedFile("virus.exe", b"MZ", content_type="application/octet-stream")
    response = api.client("head").post(f"/api/v1/reports/{report['id']}/evidence/",
                                       {"version": report["version"], "entry": report["entries"][0]["id"], "file": upload})
    assert response.status_code == 400
    assert "такой тип файла не принимается" in response.json()["fields"]["file"][0]
    assert not Evidence.objects.filter(entry__report_id=report["id"]).exists()


def test_an_unplanned_entry_is_added_and_deleted(world, api):
    report = _open(api, world)
    url = f"/api/v1/reports/{report['id']}/"
    added = api.patch("head", url, {"version": report["version"], "entries": [{"title": "Лишнее мероприятие", "status": "done"}]}).json()
    extra = next(e for e in added["entries"] if e["is_unplanned"])
    removed = api.patch("head", url, {"version": added["version"], "entries": [{"id": extra["id"], "delete": True}]})
    assert removed.status_code == 200
    assert not any(e["is_unplanned"] for e in removed.json()["entries"])
    assert AuditEvent.objects.filter(action="report.edit", object_id=str(report["id"])).count() == 2
