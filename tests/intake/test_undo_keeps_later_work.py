"""Undo never throws away later work (issue 15, fault 5): what a person changed after an import is named, not lost."""

from __future__ import annotations

from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from shnor.intake import services
from shnor.intake.models import ImportBatch
from shnor.monitoring import workflow
from shnor.monitoring.models import Evidence, IndicatorValue, ReportEntry, SchoolReport
from shnor.monitoring.workflow import EntryChange, EvidenceInput

from .test_intake_web import latest_batch, review_post, upload, written_by

PLAN = ("№\tМероприятие\tСрок\tОтметка о выполнении\n"
        "1.\tКурсы повышения квалификации учителей математики\tОктябрь 2021\tВыполнено, 3 учителя, приказ от 01.10.2021 № 77\n")


def snapshot(world) -> dict:
    report = SchoolReport.objects.get(campaign=world.campaign, school=world.a1)
    return {
        "entries": list(ReportEntry.objects.filter(report=report).order_by("pk").values_list("pk", "title", "status", "actual_result",
                                                                                             "activity_type", "direction")),
        "evidence": list(Evidence.objects.filter(entry__report=report).order_by("pk").values_list("pk", "entry", "kind", "number", "title")),
        "values": list(IndicatorValue.objects.filter(school=world.a1).order_by("pk").values_list("pk", "indicator", "value", "source")),
    }


def commit_document(world) -> ImportBatch:
    upload(world, "head", "school_report.docx", school=world.a1)
    batch = latest_batch()
    world.client("head").post(reverse("intake_review", args=[batch.pk]), review_post(batch, commit="1"))
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.COMMITTED
    return batch


def commit_plan(world) -> tuple[ImportBatch, ReportEntry]:
    report = workflow.open_report(world.campaign, world.a1)
    planned = report.entries.get(title="Курсы повышения квалификации учителей математики")
    world.client("head").post(reverse("intake_upload", args=[world.campaign.code]),
                              {"files": [SimpleUploadedFile("plan.txt", PLAN.encode("cp1251"))], "school": world.a1.pk})
    batch = latest_batch()
    world.client("head").post(reverse("intake_review", args=[batch.pk]), review_post(batch, commit="1"))
    planned.refresh_from_db()
    assert planned.status == "done"
    return batch, planned


def head_saves(world, changes=(), evidence=(), indicators=None):
    report = SchoolReport.objects.get(campaign=world.campaign, school=world.a1)
    workflow.save_report(report, world.users["head"], report.version, list(changes), indicators=indicators, evidence=list(evidence))


def refused_undo(world, batch) -> str:
    response = world.client("coordinator").post(reverse("intake_undo", args=[batch.pk]), follow=True)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.COMMITTED
    return response.content.decode()


def test_an_untouched_import_is_undone_exactly(world):
    workflow.open_report(world.campaign, world.a1)
    before = snapshot(world)
    batch = commit_document(world)
    assert snapshot(world) != before
    services.undo_batch(batch, world.users["coordinator"])
    assert snapshot(world) == before


def test_undo_is_refused_when_the_head_edited_an_imported_entry(world):
    batch = commit_document(world)
    entry_ids, _ = written_by(batch)
    entry = ReportEntry.objects.filter(pk__in=entry_ids).order_by("pk").first()
    head_saves(world, [EntryChange(entry.pk, entry.title, "partial", entry.actual_result + " Дополнено руководителем.")])
    after = snapshot(world)
    page = refused_undo(world, batch)
    assert "Отменить импорт нельзя" in page and entry.title[:40] in page and "Марина Директорова" in page
    assert snapshot(world) == after


def test_undo_is_refused_when_evidence_was_attached_to_an_imported_entry(world):
    batch = commit_document(world)
    entry_ids, _ = written_by(batch)
    entry = ReportEntry.objects.filter(pk__in=entry_ids).order_by("-pk").first()
    head_saves(world, [EntryChange(entry.pk, entry.title, entry.status, entry.actual_result)],
               [EvidenceInput(entry.pk, "order", title="О проведении", number="12", date=date(2021, 11, 1))])
    after = snapshot(world)
    page = refused_undo(world, batch)
    assert "подтверждение" in page and entry.title[:40] in page and "Марина Директорова" in page
    assert snapshot(world) == after and Evidence.objects.filter(number="12", entry=entry).exists()


def test_undo_is_refused_when_a_filled_planned_entry_was_changed_since(world):
    batch, planned = commit_plan(world)
    head_saves(world, [EntryChange(planned.pk, planned.title, "done", "Курсы прошли 5 учителей, а не 3.")])
    page = refused_undo(world, batch)
    assert "Курсы повышения квалификации учителей математики" in page and "Марина Директорова" in page
    planned.refresh_from_db()
    assert planned.actual_result == "Курсы прошли 5 учителей, а не 3."


def test_undo_is_refused_when_an_imported_value_was_changed_since(world):
    batch = commit_document(world)
    quality = world.campaign.indicators.get(code="quality")
    head_saves(world, indicators={(quality.pk, ""): 40})
    page = refused_undo(world, batch)
    assert "Качество знаний" in page and "значение изменено" in page
    assert IndicatorValue.objects.get(indicator=quality, school=world.a1).value == 40


def test_a_filled_planned_entry_untouched_since_is_restored_blank(world):
    before = snapshot(world) if SchoolReport.objects.filter(campaign=world.campaign, school=world.a1).exists() else None
    batch, planned = commit_plan(world)
    services.undo_batch(batch, world.users["head"])
    planned.refresh_from_db()
    assert (planned.status, planned.actual_result, planned.evidence.count()) == ("", "", 0)
    assert before is None or snapshot(world) == before
