"""Upgrading a database made by the schema in which monitoring pointed at intake (`import_batch` columns).

intake 0005 copies the links to intake's side before monitoring 0005 drops the columns: nothing is lost, and an
import committed before the upgrade is still undone exactly afterwards.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from shnor.intake import services
from shnor.intake.models import ImportBatch, ImportItem
from shnor.monitoring.models import Evidence, IndicatorValue, MunicipalReport, ReportEntry
from shnor.plans.models import Roadmap

BEFORE = [("intake", "0005_background_tasks"), ("monitoring", "0004_coverage_indexes")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def columns(table: str) -> set[str]:
    with connection.cursor() as cursor:
        return {c.name for c in connection.introspection.get_table_description(cursor, table)}


@pytest.mark.django_db(transaction=True)
def test_an_import_committed_before_the_upgrade_survives_it_and_is_undone_exactly(world):
    # A database of that schema holds no municipality's own roadmap or report (the session's demo does, when this
    # test runs before any other that flushes the database): without them, it migrates back.
    MunicipalReport.objects.all().delete()
    Roadmap.objects.filter(school=None).delete()
    old = migrate(BEFORE)
    assert "import_batch_id" in columns("monitoring_reportentry")
    Mon = {name: old.get_model("monitoring", name) for name in ("SchoolReport", "ReportEntry", "Evidence", "IndicatorValue", "Indicator")}
    Intake = {name: old.get_model("intake", name) for name in ("ImportBatch", "ImportFile", "ImportItem")}
    quality, failing = Mon["Indicator"].objects.get(code="quality"), Mon["Indicator"].objects.get(code="failing")
    campaign = world.campaign
    report = Mon["SchoolReport"].objects.create(campaign_id=campaign.pk, school_id=world.a1.pk, status="draft", version=3)
    # The head's own work before the import: a planned entry's order, a value typed in.
    planned = Mon["ReportEntry"].objects.create(report=report, planned_activity_id=world.roadmap.activities.first().pk, title="Курсы", order=1)
    own = Mon["Evidence"].objects.create(entry=planned, kind="order", number="1")
    earlier = Mon["IndicatorValue"].objects.create(indicator=failing, school_id=world.a1.pk, campaign_id=campaign.pk, report=report,
                                                 period_start=campaign.period_start, period_end=campaign.period_end, value=Decimal(30),
                                                 source="отчёт школы")
    # What the old commit wrote, with the links on monitoring's side.
    batch = Intake["ImportBatch"].objects.create(campaign_id=campaign.pk, school_id=world.a1.pk, status="committed", files_total=1, files_done=1)
    f = Intake["ImportFile"].objects.create(batch=batch, file="intake/1/a.docx", file_name="a.docx", sha256="0", status="read")
    planned.status, planned.actual_result, planned.import_batch = "done", "Прошли 3 учителя", batch
    planned.save()
    new = Mon["ReportEntry"].objects.create(report=report, title="Семинар", status="done", order=10001, import_batch=batch)
    on_new = Mon["Evidence"].objects.create(entry=new, kind="link", url="https://clck.ru/1", import_batch=batch)
    on_planned = Mon["Evidence"].objects.create(entry=planned, kind="order", number="77", import_batch=batch)
    created = Mon["IndicatorValue"].objects.create(indicator=quality, school_id=world.a1.pk, campaign_id=campaign.pk, report=report,
                                                 period_start=campaign.period_start, period_end=campaign.period_end, value=Decimal("41.2"),
                                                 source=f"импорт № {batch.pk}", import_batch=batch)
    earlier.value, earlier.source, earlier.import_batch = Decimal(10), f"импорт № {batch.pk}", batch
    earlier.save()
    blank = {"status": "", "actual_result": "", "activity_type_id": None, "direction_id": None}
    items = [
        Intake["ImportItem"].objects.create(file=f, kind="activity", text="Курсы", order=1, entry=planned, previous=blank),
        Intake["ImportItem"].objects.create(file=f, kind="activity", text="Семинар", order=2, entry=new),
        Intake["ImportItem"].objects.create(file=f, kind="indicator", text="Качество", order=3, indicator_value=created),
        Intake["ImportItem"].objects.create(file=f, kind="indicator", text="Неуспевающие", order=4, indicator_value=earlier,
                                       previous={"value": "30.000", "source": "отчёт школы"}),
    ]
    counts = (ReportEntry.objects.count(), Evidence.objects.count(), IndicatorValue.objects.count())

    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    assert "import_batch_id" not in columns("monitoring_reportentry") | columns("monitoring_evidence") | columns("monitoring_indicatorvalue")
    assert (ReportEntry.objects.count(), Evidence.objects.count(), IndicatorValue.objects.count()) == counts
    kept = {i.pk: ImportItem.objects.get(pk=i.pk) for i in items}
    assert kept[items[0].pk].evidence_ids == [on_planned.pk] and kept[items[1].pk].evidence_ids == [on_new.pk]
    assert kept[items[0].pk].written["evidence"] == sorted([own.pk, on_planned.pk]) and kept[items[3].pk].written["value"] == "10.000"
    assert kept[items[0].pk].previous == blank

    services.undo_batch(ImportBatch.objects.get(pk=batch.pk), world.users["coordinator"])
    restored = ReportEntry.objects.get(pk=planned.pk)
    assert (restored.status, restored.actual_result) == ("", "")
    assert list(Evidence.objects.filter(entry__report_id=report.pk).values_list("pk", flat=True)) == [own.pk]
    assert not ReportEntry.objects.filter(pk=new.pk).exists()
    assert list(IndicatorValue.objects.filter(report_id=report.pk).values_list("pk", "value", "source")) == [(earlier.pk, Decimal(30), "отчёт школы")]
