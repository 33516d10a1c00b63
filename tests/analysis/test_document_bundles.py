"""A region's (or a municipality's) plan-vs-actual reports as one ZIP, made by a task of the queue with its progress:
ordered from the documents page by the scope's coordinator, counted as it goes, downloaded when ready, for those who
see every school of the scope."""

from __future__ import annotations

import zipfile
from io import BytesIO

import pytest
from django.urls import reverse
from docx import Document

from shnor.analysis import bundles, documents
from shnor.analysis.models import DocumentBundle
from shnor.monitoring import workflow

pytestmark = pytest.mark.django_db


def _texts(data: bytes) -> dict[str, str]:
    out = {}
    with zipfile.ZipFile(BytesIO(data)) as archive:
        for name in archive.namelist():
            doc = Document(BytesIO(archive.read(name)))
            out[name] = "\n".join([p.text for p in doc.paragraphs] + [c.text for t in doc.tables for r in t.rows for c in r.cells])
    return out


def test_the_coordinator_orders_the_regions_zip_and_downloads_one_report_per_school(world, django_capture_on_commit_callbacks):
    workflow.open_report(world.campaign, world.a1)
    client = world.client("coordinator")
    with django_capture_on_commit_callbacks(execute=True):  # the tests' queue runs the task at once
        response = client.post(reverse("document_bundle_start", args=[world.campaign.code]))
    assert response.status_code == 302
    bundle = DocumentBundle.objects.get()
    assert (bundle.status, bundle.done, bundle.total, bundle.scope_key) == ("ready", 3, 3, "region")
    progress = client.get(reverse("document_bundle_progress", args=[world.campaign.code, bundle.pk])).json()
    assert progress["done"] is True and progress["percent"] == 100 and progress["text"] == "Готово отчётов: 3 из 3"
    response = client.get(reverse("document_bundle_file", args=[world.campaign.code, bundle.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    texts = _texts(b"".join(response.streaming_content))
    assert sorted(texts) == sorted(bundles.entry_name(documents.Target(world.campaign), s) for s in (world.a1, world.a2, world.b1))
    assert all(name.startswith(f"otchet-{world.campaign.code}-school-") for name in texts)
    a1 = next(t for n, t in texts.items() if f"-school-{world.a1.pk}-" in n)
    assert "Отчёт о реализации дорожной карты" in a1 and "Курсы повышения квалификации учителей математики" in a1
    page = client.get(reverse("document_list", args=[world.campaign.code])).content.decode()
    assert reverse("document_bundle_file", args=[world.campaign.code, bundle.pk]) in page and "3\xa0отчёта" in page


def test_a_municipal_coordinator_orders_their_municipality_and_sees_only_its_bundles(world, django_capture_on_commit_callbacks):
    client = world.client("municipal")
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("document_bundle_start", args=[world.campaign.code]), {"municipality": world.m1.pk}).status_code == 302
    bundle = DocumentBundle.objects.get()
    assert (bundle.municipality, bundle.total, bundle.status) == (world.m1, 2, "ready")
    names = _texts(b"".join(client.get(reverse("document_bundle_file", args=[world.campaign.code, bundle.pk])).streaming_content))
    assert len(names) == 2 and not any(f"-school-{world.b1.pk}-" in n for n in names)
    for role in ("municipal2", "head", "curator", "outsider"):
        assert world.client(role).get(reverse("document_bundle_file", args=[world.campaign.code, bundle.pk])).status_code == 404, role
        assert world.client(role).get(reverse("document_bundle_progress", args=[world.campaign.code, bundle.pk])).status_code == 404, role
    # The region is not theirs, nor another municipality.
    assert client.post(reverse("document_bundle_start", args=[world.campaign.code])).status_code == 404
    assert client.post(reverse("document_bundle_start", args=[world.campaign.code]), {"municipality": world.m2.pk}).status_code == 404
    assert world.client("observer").post(reverse("document_bundle_start", args=[world.campaign.code])).status_code == 403
    assert DocumentBundle.objects.count() == 1


def test_a_bundle_being_made_shows_its_progress_and_no_file(world):
    bundle = DocumentBundle.objects.create(campaign=world.campaign, total=40, done=10, status="running")
    client = world.client("coordinator")
    progress = client.get(reverse("document_bundle_progress", args=[world.campaign.code, bundle.pk])).json()
    assert progress == {"status": "running", "done": False, "schools_done": 10, "schools_total": 40, "percent": 25,
                        "text": "Готово отчётов: 10 из 40"}
    page = client.get(reverse("document_list", args=[world.campaign.code])).content.decode()
    assert 'id="progress"' in page and "Готово отчётов: 10 из 40" in page
    response = client.get(reverse("document_bundle_file", args=[world.campaign.code, bundle.pk]), follow=True)
    assert "Архив ещё не готов: собирается." in response.content.decode()


def test_the_task_counts_schools_as_it_goes(world):
    bundle = DocumentBundle.objects.create(campaign=world.campaign, total=3)
    seen = []
    out = BytesIO()
    count = bundles.write_zip(bundles.target_of(bundle), out, seen.append)
    assert count == 3 and seen == [3]
    assert bundles.make_bundle.call(bundle.pk) == 3
    bundle.refresh_from_db()
    assert bundle.status == "ready" and bundle.finished_at and bundle.file.name.endswith(".zip")
    assert bundles.make_bundle.call(bundle.pk) == 0  # a bundle is made once


def test_a_new_archive_of_a_scope_replaces_the_earlier_ones_and_their_files(world, django_capture_on_commit_callbacks):
    from shnor.audit.models import AuditEvent

    made = []
    for municipality in (None, None, world.m1, None):
        bundle = DocumentBundle.objects.create(campaign=world.campaign, total=3, municipality=municipality,
                                               scope_key=f"mun-{municipality.pk}" if municipality else "region")
        with django_capture_on_commit_callbacks(execute=True):
            bundles.make_bundle.call(bundle.pk)
        bundle.refresh_from_db()
        made.append(bundle)
    first, second, municipal, last = made
    assert all(b.file.storage.exists(b.file.name) for b in (municipal, last))
    assert not any(b.file.storage.exists(b.file.name) for b in (first, second))  # the region's earlier ZIPs, files and rows
    assert set(DocumentBundle.objects.values_list("pk", flat=True)) == {municipal.pk, last.pk}  # another scope's stays
    events = AuditEvent.objects.filter(action="document.bundle.replace").order_by("pk")
    assert [e.changes for e in events] == [{"scope": "region", "count": 1}] * 2
    assert "прежние удалены: 1\xa0архив" in events[1].summary
    response = world.client("coordinator").get(reverse("document_bundle_file", args=[world.campaign.code, second.pk]), follow=True)
    assert response.redirect_chain[-1][0].endswith("#bundles")
    assert "Этого архива больше нет: его заменил архив, собранный позже." in response.content.decode()
