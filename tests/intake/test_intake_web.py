"""Uploading documents, reviewing what was read, committing it into reports and undoing it."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from shnor.audit.models import AuditEvent
from shnor.intake.models import ImportBatch, ImportFile, ImportItem, TrainingExample
from shnor.monitoring.models import Evidence, IndicatorValue, ReportEntry, SchoolReport
from shnor.monitoring.workflow import open_report

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "intake"


def upload(world, role, *names, school=None):
    files = [SimpleUploadedFile(name, (FIXTURES / name).read_bytes() if (FIXTURES / name).exists() else name.encode()) for name in names]
    data = {"files": files}
    if school is not None:
        data["school"] = school.pk
    return world.client(role).post(reverse("intake_upload", args=[world.campaign.code]), data)


def written_by(batch) -> tuple[set[int], set[int]]:
    """The entries and the evidence a committed batch wrote, as intake keeps them."""
    items = ImportItem.objects.filter(file__batch=batch)
    return set(items.exclude(entry=None).values_list("entry", flat=True)), {pk for ids in items.values_list("evidence_ids", flat=True) for pk in ids}


def latest_batch():
    return ImportBatch.objects.latest("pk")


def review_post(batch, **overrides):
    data = {}
    for item in ImportItem.objects.filter(file__batch=batch):
        data.setdefault("item", []).append(item.pk)
        if item.include:
            data[f"include-{item.pk}"] = "on"
        data[f"school-{item.pk}"] = item.school_id or ""
        data[f"type-{item.pk}"] = item.activity_type_id or ""
        data[f"direction-{item.pk}"] = item.direction_id or ""
        data[f"status-{item.pk}"] = item.status
    data.update(overrides)
    return data


def test_a_school_report_is_read_reviewed_committed_and_undone(world):
    response = upload(world, "head", "school_report.docx", school=world.a1)
    assert response.status_code == 302
    batch = latest_batch()
    assert batch.status == "ready" and batch.files_done == 1
    page = world.client("head").get(reverse("intake_batch", args=[batch.pk])).content.decode()
    assert "таблица 1, строка 4" in page and "Курсы повышения квалификации по программе" in page
    assert "уверенность" in page and "Качество знаний" in page.replace("качество знаний", "Качество знаний")
    activities = ImportItem.objects.filter(file__batch=batch, kind="activity")
    assert activities.count() == 8
    # The reviewer corrects one activity type: the correction is kept for retraining.
    anketa = activities.get(text__startswith="Анкетирование родителей")
    parent_governance = world.type("parent_governance")
    client = world.client("head")
    response = client.post(reverse("intake_review", args=[batch.pk]), review_post(batch, **{f"type-{anketa.pk}": parent_governance.pk, "commit": "1"}), follow=True)
    assert "Внесено в отчёты" in response.content.decode()
    batch.refresh_from_db()
    assert batch.status == "committed"
    report = SchoolReport.objects.get(campaign=world.campaign, school=world.a1)
    kpk = report.entries.get(title="Курсы повышения квалификации учителей математики")  # the planned entry is left alone (title differs)
    assert kpk.status == ""
    entry_ids, evidence_ids = written_by(batch)
    imported = report.entries.filter(pk__in=entry_ids)
    assert imported.count() == 8
    assert imported.get(title__startswith="Анкетирование родителей").activity_type == parent_governance
    assert Evidence.objects.filter(pk__in=evidence_ids, entry__in=imported).count() == len(evidence_ids) >= 5
    quality = IndicatorValue.objects.get(report=report, indicator__code="quality")
    assert float(quality.value) == 41.2
    assert TrainingExample.objects.filter(activity_type=parent_governance, predicted_type="school_climate").exists()
    assert AuditEvent.objects.filter(action="intake.commit", object_id=str(batch.pk)).exists()
    # Undo takes everything back.
    response = client.post(reverse("intake_undo", args=[batch.pk]), follow=True)
    assert "отменён" in response.content.decode()
    assert not report.entries.filter(pk__in=entry_ids).exists()
    assert not ReportEntry.objects.filter(title__startswith="Анкетирование родителей", report=report).exists()
    assert not Evidence.objects.filter(pk__in=evidence_ids).exists()
    assert not IndicatorValue.objects.filter(report=report).exists()
    # The report the batch opened is gone with its planned entries: the school has not started its report.
    assert not SchoolReport.objects.filter(pk=report.pk).exists()


def test_a_planned_entry_is_filled_in_and_restored_on_undo(world):
    report = open_report(world.campaign, world.a1)
    target = report.entries.get(title="Курсы повышения квалификации учителей математики")
    text = "№\tМероприятие\tСрок\tОтметка о выполнении\n1.\tКурсы повышения квалификации учителей математики\tОктябрь 2021\tВыполнено, 3 учителя, приказ от 01.10.2021 № 77\n"
    world.client("head").post(reverse("intake_upload", args=[world.campaign.code]),
                              {"files": [SimpleUploadedFile("plan.txt", text.encode("cp1251"))], "school": world.a1.pk})
    batch = latest_batch()
    assert ImportItem.objects.filter(file__batch=batch, kind="activity").count() == 1
    world.client("head").post(reverse("intake_review", args=[batch.pk]), review_post(batch, commit="1"))
    target.refresh_from_db()
    assert target.status == "done" and "3 учителя" in target.actual_result
    assert target.evidence.get().number == "77"
    world.client("head").post(reverse("intake_undo", args=[batch.pk]))
    target.refresh_from_db()
    assert (target.status, target.actual_result, target.evidence.count()) == ("", "", 0)


def test_broken_files_get_a_message_and_the_others_are_still_read(world):
    response = upload(world, "coordinator", "bad_corrupt.docx", "bad_scan.pdf", "uyar_table.docx", "bad_zip_bomb.docx", school=world.a1)
    assert response.status_code == 302
    batch = latest_batch()
    assert batch.status == "ready" and batch.files_done == 4
    files = {f.file_name: f for f in batch.files.all()}
    assert files["uyar_table.docx"].status == "read"
    assert "текстового слоя" in files["bad_scan.pdf"].error
    assert files["bad_corrupt.docx"].status == "failed" and files["bad_corrupt.docx"].error
    assert files["bad_zip_bomb.docx"].status == "failed"
    assert not ImportItem.objects.filter(file__in=[files["bad_corrupt.docx"], files["bad_scan.pdf"]]).exists()
    assert ImportItem.objects.filter(file=files["uyar_table.docx"], kind="activity").count() == 21


@pytest.mark.parametrize("name, content, message", [
    ("virus.exe", b"MZ", "такие файлы не читаются"),
    ("empty.docx", b"", "Файл пустой: выберите файл с содержимым."),
])
def test_a_file_that_cannot_be_taken_is_refused_with_a_message(world, name, content, message):
    response = world.client("head").post(reverse("intake_upload", args=[world.campaign.code]),
                                         {"files": [SimpleUploadedFile(name, content)], "school": world.a1.pk})
    body = response.content.decode()
    if response.status_code == 302:  # stored, then refused by the reader
        batch = latest_batch()
        assert message in batch.files.get().error
    else:
        assert response.status_code == 400 and message in body
        assert not ImportFile.objects.filter(file_name=name).exists()


def test_a_duplicate_upload_of_a_committed_file_is_refused(world):
    upload(world, "head", "school_report.docx", school=world.a1)
    batch = latest_batch()
    world.client("head").post(reverse("intake_review", args=[batch.pk]), review_post(batch, commit="1"))
    response = upload(world, "head", "school_report.docx", school=world.a1)
    assert response.status_code == 400
    assert "этот файл уже внесён в отчёты" in response.content.decode()


def test_committing_into_a_submitted_report_is_refused_and_writes_nothing(world):
    from shnor.monitoring.workflow import EntryChange, save_report, submit

    report = open_report(world.campaign, world.a1)
    report = save_report(report, world.users["head"], report.version, [EntryChange(e.pk, e.title, "done", "ok") for e in report.entries.all()])
    submit(report, world.users["head"], report.version)
    upload(world, "coordinator", "school_report.docx", school=world.a1)
    batch = latest_batch()
    # The review says so before the commit, beside the file of that school.
    page = world.client("coordinator").get(reverse("intake_batch", args=[batch.pk])).content.decode()
    files = page[page.index('id="files"'):]
    assert "Отчёт школы в состоянии «отправлен, ждёт заверения куратором»: внести в него нельзя" in files[:files.index("</table>")]
    response = world.client("coordinator").post(reverse("intake_review", args=[batch.pk]), review_post(batch, commit="1"), follow=True)
    assert "вносить в него нельзя" in response.content.decode()
    batch.refresh_from_db()
    assert batch.status == "ready" and not ReportEntry.objects.filter(report__school=world.a1, planned_activity=None).exists()


def test_a_head_cannot_upload_for_another_school_and_outsiders_see_no_batch(world):
    response = upload(world, "head", "school_report.docx", school=world.b1)
    assert response.status_code == 400 and not ImportBatch.objects.filter(school=world.b1).exists()
    upload(world, "head", "school_report.docx", school=world.a1)
    batch = latest_batch()
    for role in ("outsider", "head_b1", "curator2", "municipal2", "far_coordinator", "staff"):
        assert world.client(role).get(reverse("intake_batch", args=[batch.pk])).status_code == 404, role
        assert world.client(role).post(reverse("intake_undo", args=[batch.pk])).status_code == 404, role
    for role in ("outsider", "far_coordinator", "curator", "observer"):
        assert world.client(role).get(reverse("intake_upload", args=[world.campaign.code])).status_code in (403, 404), role
    assert world.client("coordinator").get(reverse("intake_batch", args=[batch.pk])).status_code == 200


def test_the_progress_endpoint_reports_the_reading(world):
    upload(world, "head", "uyar_table.txt", school=world.a1)
    batch = latest_batch()
    data = world.client("head").get(reverse("intake_progress", args=[batch.pk])).json()
    assert data == {"status": "ready", "files_done": 1, "files_total": 1, "percent": 100}


@pytest.mark.django_db(transaction=True)
def test_a_batch_is_read_by_the_worker_of_the_database_queue(world, database_queue):
    """The real queue, as deployed: the upload stores a task in the database and `shnor worker` runs it."""
    import socket

    from django_tasks_db.models import DBTaskResult

    response = upload(world, "coordinator", "uyar_table.docx", "uyar_table.xlsx", "kavalerovo_prose.docx", school=world.a1)
    batch = latest_batch()
    assert response.status_code == 302 and (batch.status, batch.files_done, batch.files_total) == ("reading", 0, 3)
    page = world.client("coordinator").get(reverse("intake_batch", args=[batch.pk])).content.decode()
    assert 'id="progress"' in page and "Прочитано файлов: 0 из 3" in page  # not read in the request
    assert DBTaskResult.objects.get(pk=batch.task_id).status == "READY"

    database_queue()  # shnor worker --batch
    batch.refresh_from_db()
    assert (batch.status, batch.files_done) == ("ready", 3)
    task = DBTaskResult.objects.get(pk=batch.task_id)
    assert task.status == "SUCCESSFUL" and task.return_value == 3 and task.worker_ids[0].startswith(socket.gethostname()[:40] + ":")
    progress = world.client("coordinator").get(reverse("intake_progress", args=[batch.pk])).json()
    assert progress == {"status": "ready", "files_done": 3, "files_total": 3, "percent": 100}
    assert ImportItem.objects.filter(file__batch=batch, kind="activity").count() > 40


def test_a_reading_that_stops_is_failed_and_retried_by_hand_without_the_file_it_stopped_on(world, monkeypatch):
    from shnor.intake import services

    read_file = services.read_file

    def crashing(f, batch, context):
        if f.file_name == "uyar_table.xlsx":
            raise RuntimeError("the reader died")
        read_file(f, batch, context)

    monkeypatch.setattr(services, "read_file", crashing)
    upload(world, "head", "uyar_table.docx", "uyar_table.xlsx", "uyar_table.txt", school=world.a1)
    batch = latest_batch()
    assert batch.status == "failed" and batch.files_done == 1  # not retried by itself
    assert list(batch.files.values_list("status", flat=True)) == ["read", "reading", "pending"]
    page = world.client("head").get(reverse("intake_batch", args=[batch.pk])).content.decode()
    assert "чтение прервано" in page and 'id="retry">Повторить</button>' in page and 'id="progress"' not in page
    assert world.client("head").get(reverse("intake_progress", args=[batch.pk])).json()["status"] == "failed"

    monkeypatch.setattr(services, "read_file", read_file)
    for role in ("outsider", "head_b1", "far_coordinator", "staff"):
        assert world.client(role).post(reverse("intake_retry", args=[batch.pk])).status_code == 404, role
    batch.refresh_from_db()
    assert batch.status == "failed" and not AuditEvent.objects.filter(action="intake.retry").exists()

    page = world.client("head").post(reverse("intake_retry", args=[batch.pk]), follow=True).content.decode()
    assert "чтение файлов начато заново" in page
    batch.refresh_from_db()
    files = {f.file_name: f for f in batch.files.all()}
    assert (batch.status, batch.files_done) == ("ready", 3)
    assert files["uyar_table.txt"].status == "read"
    assert files["uyar_table.xlsx"].status == "failed" and "слишком большой или повреждён" in files["uyar_table.xlsx"].error
    assert AuditEvent.objects.filter(action="intake.retry", user=world.users["head"]).count() == 1
    again = world.client("head").post(reverse("intake_retry", args=[batch.pk]), follow=True).content.decode()
    assert "повторять нечего" in again


def test_a_reading_whose_worker_died_shows_as_failed_until_retried(world, database_queue):
    """A killed worker leaves its task «running»: no timing rule takes it over; the next worker marks it failed."""
    from django_tasks_db.models import DBTaskResult

    from shnor import background

    upload(world, "head", "uyar_table.txt", school=world.a1)
    batch = latest_batch()
    task = DBTaskResult.objects.get(pk=batch.task_id)
    host = background.new_worker_id().rsplit(":", 2)[0]
    task.claim(f"{host}:999999999:gone")
    page = world.client("head").get(reverse("intake_batch", args=[batch.pk])).content.decode()
    assert 'id="progress"' in page and "Повторить" not in page  # running, as far as anyone can tell

    assert background.fail_lost_tasks() == 1
    page = world.client("head").get(reverse("intake_batch", args=[batch.pk])).content.decode()
    assert "чтение прервано" in page and 'id="retry"' in page
    world.client("head").post(reverse("intake_retry", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == "reading" and batch.task_id != str(task.pk)
    assert DBTaskResult.objects.get(pk=batch.task_id).status == "READY"  # a new task, queued for the worker


def test_a_file_over_the_intake_limit_is_refused(world, settings):
    settings.INTAKE_MAX_MB = 1
    big = SimpleUploadedFile("big.docx", b"PK" + b"0" * (1024 * 1024 + 1))
    response = world.client("head").post(reverse("intake_upload", args=[world.campaign.code]), {"files": [big], "school": world.a1.pk})
    assert response.status_code == 400
    assert "файл больше 1 МБ" in response.content.decode()
    assert not ImportFile.objects.filter(file_name="big.docx").exists()


def test_retrain_learns_from_the_reviewers_corrections(world, settings, tmp_path):
    from io import StringIO

    from django.core.management import call_command

    from shnor.plans import classifier

    settings.VAR_DIR = tmp_path
    text = "Клуб выходного дня «Папа, мама, я — читающая семья»"
    target = world.type("parent_joint_events")
    for i in range(6):
        TrainingExample.objects.create(text=f"{text} (встреча {i + 1})", activity_type=target, predicted_type="media_library")
    out = StringIO()
    call_command("retrain", stdout=out)
    assert "исправлений пользователей: 6" in out.getvalue()
    assert (tmp_path / "models" / "classifier.joblib").exists()
    code, confidence = classifier.classify(text)
    assert code == "parent_joint_events"


@pytest.mark.parametrize("field, value", [
    ("type", lambda world: 999999),
    ("type", lambda world: "99999999999999999999"),
    ("direction", lambda world: __import__("shnor.plans.models", fromlist=["Direction"]).Direction.objects.exclude(
        framework=world.campaign.framework).first().pk),
])
def test_the_review_refuses_a_type_or_direction_the_page_does_not_offer(world, field, value):
    upload(world, "head", "school_report.docx", school=world.a1)
    batch = latest_batch()
    item = ImportItem.objects.filter(file__batch=batch, kind="activity").first()
    before = list(ImportItem.objects.filter(file__batch=batch).order_by("pk").values_list("activity_type_id", "direction_id", "include"))
    response = world.client("head").post(reverse("intake_review", args=[batch.pk]),
                                         review_post(batch, **{f"{field}-{item.pk}": value(world), "commit": "1"}), follow=True)
    assert response.status_code == 200 and "Проверка не сохранена" in response.content.decode()
    batch.refresh_from_db()
    assert batch.status == "ready"
    assert list(ImportItem.objects.filter(file__batch=batch).order_by("pk").values_list("activity_type_id", "direction_id", "include")) == before


def test_an_upload_into_a_closed_campaign_is_refused_with_a_message_and_keeps_the_school(world):
    from shnor.monitoring.models import Campaign

    Campaign.objects.filter(pk=world.campaign.pk).update(status=Campaign.Status.CLOSED)
    response = upload(world, "coordinator", "school_report.docx", school=world.a1)
    body = response.content.decode()
    assert response.status_code == 400
    assert "закрыта: загружать в неё отчёты нельзя" in body
    assert f'<option value="{world.a1.pk}" selected>' in body
    assert not ImportBatch.objects.exists()


def test_the_review_names_each_indicators_file_and_the_uploads_list_names_people(world):
    text = ("Отчёт МБОУ «Альфа СОШ» за I полугодие\n\nПо итогам полугодия качество знаний по математике повысилось на 1,1 % "
            "и составило 38,4 %.\n\nДиректор МБОУ «Альфа СОШ»   О.А. Лебедева\n")
    world.client("coordinator").post(reverse("intake_upload", args=[world.campaign.code]),
                                     {"files": [SimpleUploadedFile("alfa_prose.txt", text.encode("cp1251"))]})
    batch = latest_batch()
    assert ImportItem.objects.filter(file__batch=batch, kind="indicator").exists()
    page = world.client("coordinator").get(reverse("intake_batch", args=[batch.pk])).content.decode()
    indicators = page[page.index('id="indicators"'):]
    assert "alfa_prose.txt" in indicators[:indicators.index("</table>")]
    listing = world.client("coordinator").get(reverse("intake_upload", args=[world.campaign.code])).content.decode()
    coordinator = world.users["coordinator"]
    assert coordinator.get_full_name() and coordinator.get_full_name() in listing
    assert f"<td>{coordinator.username}</td>" not in listing
