"""analysis.Task moves to actions.Action without loss (migration analysis 0006)."""

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("analysis", "0005_background_tasks"), ("actions", "0001_initial")]
AFTER = [("analysis", "0006_actions_replace_tasks")]


@pytest.mark.django_db(transaction=True)
def test_the_tasks_move_to_actions_with_their_status_note_and_finding(world):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    Task, Finding = apps.get_model("analysis", "Task"), apps.get_model("analysis", "Finding")
    finding = Finding.objects.create(campaign_id=world.campaign.pk, kind="decision", text="Подготовить отчёт")
    Task.objects.create(campaign_id=world.campaign.pk, finding=finding, text="Подготовить отчёт", responsible="руководители ОО",
                        deadline_text="до 01.12.2021", deadline=date(2021, 12, 1), status="done", note="Приказ № 5",
                        done_by_id=world.users["coordinator"].pk)
    Task.objects.create(campaign_id=world.campaign.pk, text="Помогать школам", responsible="региональный координатор",
                        deadline_text="постоянно", status="open")

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    executor.loader.build_graph()
    apps = executor.loader.project_state(AFTER).apps
    Action, Finding = apps.get_model("actions", "Action"), apps.get_model("analysis", "Finding")
    done, standing = Action.objects.filter(campaign_id=world.campaign.pk).order_by("pk")
    assert (done.text, done.status, done.note, done.deadline, done.addressee_kind) == ("Подготовить отчёт", "done", "Приказ № 5", date(2021, 12, 1), "all_schools")
    assert done.status_changed_by_id == world.users["coordinator"].pk and done.region_id == world.region.pk
    assert Finding.objects.get(pk=finding.pk).action_id == done.pk
    assert (standing.status, standing.is_standing, standing.deadline, standing.addressee_kind) == ("in_progress", True, None, "regional")
    assert "Тестовый мониторинг" in standing.source
    assert Action.objects.filter(kind="decision", text="Помогать школам").count() == 1  # the rollback's decisions came back once
    MigrationExecutor(connection).migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
