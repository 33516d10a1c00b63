"""Control characters are stripped where text enters: the report form and the API (issue 15, fault 7)."""

from __future__ import annotations

import json

from django.urls import reverse

from shnor.monitoring.models import ReportEntry, SchoolReport

CONTROLS = "\x01\x08\x1b\x7f"


def test_the_report_form_stores_texts_without_control_characters(world):
    form_url = reverse("report_edit", args=[world.campaign.code, world.a1.pk])
    client = world.client("head")
    client.get(form_url)
    report = SchoolReport.objects.get(campaign=world.campaign, school=world.a1)
    first = report.entries.first()
    data = {"version": report.version, "summary": f"Выводы{CONTROLS}", f"e{first.pk}-status": "done",
            f"e{first.pk}-result": f"Прошли курсы{CONTROLS}\n4 учителя", "new0-title": f"Неделя{CONTROLS} грамотности", "new0-status": "done"}
    response = client.post(form_url, data)
    assert response.status_code == 302, response.content.decode()[:1000]
    report.refresh_from_db()
    first.refresh_from_db()
    assert report.summary == "Выводы"
    assert first.actual_result == "Прошли курсы\n4 учителя"
    assert ReportEntry.objects.filter(report=report, title="Неделя грамотности").exists()


def test_the_api_stores_texts_without_control_characters(world):
    client = world.client("head")
    opened = client.post("/api/v1/reports/", json.dumps({"campaign": world.campaign.code, "school": world.a1.pk}),
                         content_type="application/json").json()
    entry = opened["entries"][0]
    body = {"version": opened["version"], "summary": f"Итог{CONTROLS}",
            "entries": [{"id": entry["id"], "status": "done", "actual_result": f"Сделано{CONTROLS}"},
                        {"title": f"Семинар{CONTROLS}", "status": "done"}],
            "evidence": [{"entry": entry["id"], "kind": "order", "number": f"52{CONTROLS}", "title": f"О курсах{CONTROLS}"}]}
    response = client.patch(f"/api/v1/reports/{opened['id']}/", json.dumps(body), content_type="application/json")
    assert response.status_code == 200, response.content
    saved = response.json()
    assert saved["summary"] == "Итог"
    assert {e["title"] for e in saved["entries"]} >= {"Семинар"}
    assert next(e for e in saved["entries"] if e["id"] == entry["id"])["actual_result"] == "Сделано"
    assert "\x01" not in json.dumps(saved, ensure_ascii=False)
