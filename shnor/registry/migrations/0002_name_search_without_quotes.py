"""Recompute School.name_search with shnor.core.text.fold, which now also drops quotes (one fold for the project)."""

from django.db import migrations

from shnor.core.text import fold


def refold(apps, schema_editor):
    School = apps.get_model("registry", "School")
    changed = []
    for school in School.objects.only("pk", "short_name", "full_name", "name_search").iterator(chunk_size=2000):
        folded = fold(f"{school.short_name} {school.full_name}")
        if folded != school.name_search:
            school.name_search = folded
            changed.append(school)
    School.objects.bulk_update(changed, ["name_search"], batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]

    operations = [migrations.RunPython(refold, migrations.RunPython.noop)]
