"""An evidence file keeps the name people gave it, while the name on disk fits the file system (issue 15, fault 9:
a 130-character Cyrillic name is 260 bytes, and a name over 255 bytes answered 500 with «File name too long»)."""

from __future__ import annotations

import os

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from shnor.monitoring.models import Evidence, SchoolReport

LONG_NAME = ("Приказ о направлении учителей математики на курсы повышения квалификации по программе "
             "функциональной грамотности.pdf")


def test_a_long_cyrillic_file_name_is_stored_shortened_and_shown_whole(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    assert len(LONG_NAME) >= 110 and len(LONG_NAME.encode()) > 200
    name = "Очень " * 4 + LONG_NAME
    assert len(name.encode()) > 255
    form_url = reverse("report_edit", args=[world.campaign.code, world.a1.pk])
    client = world.client("head")
    client.get(form_url)
    report = SchoolReport.objects.get(campaign=world.campaign, school=world.a1)
    first = report.entries.first()
    response = client.post(form_url, {
        "version": report.version, "summary": "", f"e{first.pk}-status": "done",
        f"e{first.pk}-ev-file": SimpleUploadedFile(name, b"%PDF-1.4 ok", content_type="application/pdf"),
    })
    assert response.status_code == 302, response.content.decode()[:1000]
    evidence = Evidence.objects.get(entry=first)
    assert evidence.file_name == name
    stored = os.path.basename(evidence.file.name)
    assert stored.endswith(".pdf") and len(stored.encode()) <= 255
    assert os.path.exists(evidence.file.path)
    download = client.get(reverse("evidence_file", args=[evidence.pk]))
    assert download.status_code == 200
    assert "filename*=utf-8''" in download["Content-Disposition"]
