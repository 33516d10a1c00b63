"""Monitoring's tables no longer point at intake: intake keeps what it wrote (intake 0005 copies the links first)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("monitoring", "0004_coverage_indexes"),
        ("intake", "0006_importitem_written"),
    ]

    operations = [
        migrations.RemoveField(model_name="evidence", name="import_batch"),
        migrations.RemoveField(model_name="indicatorvalue", name="import_batch"),
        migrations.RemoveField(model_name="reportentry", name="import_batch"),
    ]
