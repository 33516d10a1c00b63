"""The tracked decisions (analysis.Task) move to shnor.actions: every task becomes an Action with the same text,
addressee, deadline, status and note; the finding it came from keeps the link (Finding.action)."""

import django.db.models.deletion
from django.db import migrations, models

from shnor.core import actions as core

STATUS = {"open": core.IN_PROGRESS, "done": core.DONE, "cancelled": core.CANCELLED}


def move_tasks(apps, schema_editor):
    Task = apps.get_model("analysis", "Task")
    Action = apps.get_model("actions", "Action")
    Finding = apps.get_model("analysis", "Finding")
    for task in Task.objects.select_related("campaign", "issued_report").order_by("pk"):
        campaign = task.campaign
        read = core.read_deadline(task.deadline_text, campaign.period_end)
        kind = core.addressee_kind(task.responsible)
        if kind == core.SCHOOLS:
            kind = core.ALL_SCHOOLS
        source = f"аналитическая справка «{campaign.title}»"
        if task.issued_report_id:
            source += f", версия {task.issued_report.number}"
        action = Action.objects.create(
            kind="decision", region_id=campaign.region_id, campaign=campaign, text=task.text, addressee_kind=kind,
            addressee_text=task.responsible, municipality_id=campaign.municipality_id if kind in (core.MUNICIPALITY, core.ALL_SCHOOLS) else None,
            deadline_text=task.deadline_text, deadline=task.deadline if not (read.standing or read.starts_on) else None,
            starts_on=read.starts_on, is_standing=read.standing, status=STATUS[task.status], note=task.note,
            status_changed_at=task.done_at, status_changed_by_id=task.done_by_id, source=source)
        Action.objects.filter(pk=action.pk).update(created_at=task.created_at)
        if task.finding_id:
            Finding.objects.filter(pk=task.finding_id, action__isnull=True).update(action=action)
    _check_now(schema_editor)


def _check_now(schema_editor):
    """PostgreSQL checks foreign keys at commit; the schema change after this step cannot wait for that."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def move_back(apps, schema_editor):
    Task = apps.get_model("analysis", "Task")
    Action = apps.get_model("actions", "Action")
    Finding = apps.get_model("analysis", "Finding")
    back = {core.DONE: "done", core.CANCELLED: "cancelled"}
    for action in Action.objects.filter(kind="decision", campaign__isnull=False).order_by("pk"):
        finding = Finding.objects.filter(action=action).first()
        Task.objects.create(campaign_id=action.campaign_id, finding=finding, text=action.text, responsible=action.addressee_text,
                            deadline_text=action.deadline_text, deadline=action.deadline or action.starts_on,
                            status=back.get(action.status, "open"), note=action.note, done_at=action.status_changed_at,
                            done_by_id=action.status_changed_by_id)
        action.delete()  # back into a task: going forward again makes it an action once more, not twice
    _check_now(schema_editor)


class Migration(migrations.Migration):

    dependencies = [
        ('actions', '0001_initial'),
        ('analysis', '0005_background_tasks'),
    ]

    operations = [
        migrations.AddField(
            model_name='finding',
            name='action',
            field=models.OneToOneField(blank=True, help_text='запись о решении или рекомендации выпущенной справки', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='finding', to='actions.action', verbose_name='исполнение'),
        ),
        migrations.RunPython(move_tasks, move_back),
        migrations.DeleteModel(
            name='Task',
        ),
    ]
