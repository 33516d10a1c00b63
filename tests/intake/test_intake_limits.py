"""Intake reads every document in a bounded process: a file that hits a limit fails with the documented message
and is never read again automatically; a long file name keeps its extension."""

from __future__ import annotations

from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from shnor.intake import services
from shnor.intake.models import ImportBatch, ImportFile
from tests.core.documents import hostile

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "intake"


def post(world, *files):
    return world.client("head").post(reverse("intake_upload", args=[world.campaign.code]),
                                     {"files": list(files), "school": world.a1.pk})


def test_a_document_that_hits_the_time_limit_fails_with_the_message_and_is_not_read_again(world, settings, monkeypatch):
    settings.SHNOR_READ_MAX_SECONDS = 1
    response = post(world, SimpleUploadedFile("glyphs.pdf", hostile.pdf_with_many_glyphs()))
    assert response.status_code == 302
    batch = ImportBatch.objects.latest("pk")
    f = batch.files.get()
    assert f.status == ImportFile.Status.FAILED
    assert "«glyphs.pdf»: слишком большой или повреждённый файл" in f.error
    assert batch.status == ImportBatch.Status.READY
    page = world.client("head").get(reverse("intake_batch", args=[batch.pk])).content.decode()
    assert "слишком большой или повреждённый файл" in page

    read = []
    monkeypatch.setattr(services, "read_file", lambda *args: read.append(args))
    services.start_reading(batch)  # as a retry by hand would, or a second worker
    assert read == []


def test_a_document_that_hits_the_memory_limit_fails_with_the_message(world, settings, monkeypatch):
    settings.SHNOR_READ_MAX_MEMORY_MB = 64
    monkeypatch.setattr(services, "extract", lambda document, context: bytearray(512 * 1024 * 1024))
    post(world, SimpleUploadedFile("uyar_table.docx", (FIXTURES / "uyar_table.docx").read_bytes()))
    f = ImportFile.objects.latest("pk")
    assert f.status == ImportFile.Status.FAILED
    assert "слишком большой или повреждённый файл" in f.error


def test_a_file_name_of_300_characters_keeps_its_extension_and_is_read(world):
    name = "Отчёт о реализации дорожной карты " * 9 + ".docx"
    assert len(name) > 300
    response = post(world, SimpleUploadedFile(name, (FIXTURES / "uyar_table.docx").read_bytes()))
    assert response.status_code == 302
    f = ImportFile.objects.latest("pk")
    assert f.file_name.endswith(".docx") and len(f.file_name) <= 200
    assert f.status == ImportFile.Status.READ


def test_the_upload_page_names_the_formats_of_the_registry(world):
    page = world.client("head").get(reverse("intake_upload", args=[world.campaign.code])).content.decode()
    assert "DOCX, XLSX, PDF с текстом, TXT или CSV" in page
    assert 'accept=".docx,.docm,.xlsx,.xlsm,.pdf,.txt,.csv,.tsv"' in page


def test_a_docm_and_a_tsv_are_taken_like_the_reader_reads_them(world):
    response = post(world, SimpleUploadedFile("plan.tsv", "№\tМероприятие\tСрок\n1\tСеминар для учителей\tоктябрь 2023\n".encode()),
                    SimpleUploadedFile("otchet.docm", (FIXTURES / "uyar_table.docx").read_bytes()))
    assert response.status_code == 302
    batch = ImportBatch.objects.latest("pk")
    assert sorted(batch.files.values_list("file_name", "status")) == [("otchet.docm", "read"), ("plan.tsv", "read")]
