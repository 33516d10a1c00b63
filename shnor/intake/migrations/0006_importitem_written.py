"""Intake keeps on its own side what a commit wrote (issue 9: monitoring's tables no longer point at intake).

Before monitoring drops its `import_batch` columns (monitoring 0005), the links are copied here: the evidence an
import created goes to the item whose entry it belongs to, and each item gets the state as it is now, so that undo
can tell later changes from what the import wrote. Reversible: going back copies the links into the columns again.
"""

from django.db import migrations, models


def _committed_items(ImportItem):
    return (ImportItem.objects.filter(file__batch__status="committed").exclude(entry=None, indicator_value=None)
            .select_related("file").order_by("pk"))


def copy_links(apps, schema_editor):
    ImportItem = apps.get_model("intake", "ImportItem")
    Evidence = apps.get_model("monitoring", "Evidence")
    IndicatorValue = apps.get_model("monitoring", "IndicatorValue")
    ReportEntry = apps.get_model("monitoring", "ReportEntry")
    items = list(_committed_items(ImportItem))
    by_entry, first_of_batch = {}, {}
    for item in items:
        item.evidence_ids = []
        first_of_batch.setdefault(item.file.batch_id, item)
        if item.entry_id:
            by_entry.setdefault((item.file.batch_id, item.entry_id), item)
    for pk, entry_id, batch_id in Evidence.objects.exclude(import_batch=None).values_list("pk", "entry_id", "import_batch_id").order_by("pk"):
        item = by_entry.get((batch_id, entry_id)) or first_of_batch.get(batch_id)
        if item is not None:  # undo deletes every id it keeps, whichever item of the batch keeps it
            item.evidence_ids.append(pk)
    entries = ReportEntry.objects.in_bulk([i.entry_id for i in items if i.entry_id])
    values = IndicatorValue.objects.in_bulk([i.indicator_value_id for i in items if i.indicator_value_id])
    evidence_of: dict[int, list[int]] = {}
    for pk, entry_id in Evidence.objects.filter(entry_id__in=list(entries)).values_list("pk", "entry_id"):
        evidence_of.setdefault(entry_id, []).append(pk)
    for item in items:
        if item.entry_id in entries:
            e = entries[item.entry_id]
            item.written = {"status": e.status, "actual_result": e.actual_result, "activity_type_id": e.activity_type_id,
                            "direction_id": e.direction_id, "title": e.title, "evidence": sorted(evidence_of.get(e.pk, []))}
        elif item.indicator_value_id in values:
            v = values[item.indicator_value_id]
            item.written = {"value": str(v.value), "source": v.source}
        item.save(update_fields=["evidence_ids", "written"])


def restore_links(apps, schema_editor):
    ImportItem = apps.get_model("intake", "ImportItem")
    Evidence = apps.get_model("monitoring", "Evidence")
    IndicatorValue = apps.get_model("monitoring", "IndicatorValue")
    ReportEntry = apps.get_model("monitoring", "ReportEntry")
    for item in _committed_items(ImportItem):
        batch_id = item.file.batch_id
        if item.entry_id:
            ReportEntry.objects.filter(pk=item.entry_id).update(import_batch_id=batch_id)
        if item.indicator_value_id:
            IndicatorValue.objects.filter(pk=item.indicator_value_id).update(import_batch_id=batch_id)
        Evidence.objects.filter(pk__in=item.evidence_ids or []).update(import_batch_id=batch_id)


class Migration(migrations.Migration):

    dependencies = [
        ("intake", "0005_background_tasks"),
        ("monitoring", "0004_coverage_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="importitem",
            name="evidence_ids",
            field=models.JSONField(blank=True, default=list, verbose_name="подтверждения, созданные импортом"),
        ),
        migrations.AddField(
            model_name="importitem",
            name="written",
            field=models.JSONField(blank=True, null=True, verbose_name="как записано импортом"),
        ),
        migrations.RunPython(copy_links, restore_links),
    ]
