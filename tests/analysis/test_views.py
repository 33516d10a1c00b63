"""The analysis pages and the справка workflow on the database: access for every view, edits, issue, tasks,
templates, bad input, bounded queries, and the demo campaign's справка."""

from __future__ import annotations

import re
from datetime import date
from io import BytesIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from docx import Document

from shnor.actions import door as actions_door
from shnor.actions.models import Action
from shnor.analysis import spravka as spravka_workflow
from shnor.analysis.models import Finding, IssuedReport, SpravkaTemplate
from shnor.audit.models import AuditEvent
from shnor.core.russian import normalize_spaces
from shnor.monitoring import versions
from shnor.monitoring.models import Campaign, ReportEntry, SchoolReport

pytestmark = pytest.mark.django_db


def report(campaign, school, *codes, status=SchoolReport.Status.ACCEPTED, world=None, not_done=()):
    from shnor.plans.models import ActivityType

    r = SchoolReport.objects.create(campaign=campaign, school=school, status=status)
    for i, code in enumerate(codes):
        ReportEntry.objects.create(report=r, title=f"Мероприятие {code}", activity_type=ActivityType.objects.get(code=code), status="done", order=i)
    for code in not_done:
        ReportEntry.objects.create(report=r, title=f"Не сделано {code}", activity_type=ActivityType.objects.get(code=code), status="not_done")
    versions.bump([campaign.pk])  # written past the doors: the campaign's data version moves as a door would move it
    return r


@pytest.fixture
def reported(world):
    """The world's campaign with two accepted reports and one school that has not reported."""
    report(world.campaign, world.a1, "pk_courses", "pedagogical_council", "quality_monitoring", "individual_work")
    report(world.campaign, world.b1, "pk_courses", "open_lessons")
    return world


def url(name, world, *extra):
    return reverse(name, args=[world.campaign.code, *extra])


# --- access ------------------------------------------------------------------------------------------------

REFUSED = ("outsider", "far_coordinator", "head", "curator")


def _views(world):
    finding = Finding.objects.create(campaign=world.campaign, kind="remark", text="Тестовое замечание")
    issued = IssuedReport.objects.create(campaign=world.campaign, number=1, title="Справка", docx="spravki/x.docx")
    task = actions_door.create(None, kind="decision", region=world.region, campaign=world.campaign, text="Тестовое поручение")
    code = world.campaign.code
    return [
        ("get", reverse("spravka", args=[code]), {}),
        ("post", reverse("finding_add", args=[code]), {"kind": "remark", "text": "Новое"}),
        ("post", reverse("findings_regenerate", args=[code]), {}),
        ("post", reverse("finding_edit", args=[code, finding.pk]), {"text": "Изменено"}),
        ("post", reverse("finding_drop", args=[code, finding.pk]), {}),
        ("post", reverse("spravka_issue", args=[code]), {"author_name": "А", "author_position": "Б"}),
        ("post", reverse("spravka_template", args=[code]), {"remove": "1"}),
        ("get", reverse("spravka_download", args=[code, "docx"]), {}),
        ("get", reverse("issued_file", args=[code, issued.pk, "docx"]), {}),
        ("get", reverse("dashboard_schools", args=[code]), {}),
        ("get", reverse("dashboard") + f"?campaign={code}", {}),
        ("post", reverse("task_done", args=[task.pk]), {"note": "Сделано"}),
    ]


@pytest.mark.parametrize("role", REFUSED)
def test_it_refuses_every_analysis_view_to_users_outside_the_campaigns_analysis(world, role):
    client = world.client(role)
    for method, path, data in _views(world):
        response = getattr(client, method)(path, data)
        assert response.status_code in (403, 404), (role, path, response.status_code)
    assert Finding.objects.get(text="Тестовое замечание").is_dropped is False
    assert not IssuedReport.objects.filter(number=2).exists()


@pytest.mark.parametrize("role", ["outsider", "head", "curator"])
def test_it_refuses_the_dashboard_and_the_regions_decisions_to_users_without_an_analysts_role(world, role):
    actions_door.create(None, kind="decision", region=world.region, campaign=world.campaign, text="Поручение координатора",
                        addressee_text="региональный координатор")
    client = world.client(role)
    assert client.get(reverse("dashboard")).status_code == 403
    page = client.get(reverse("task_list"))
    assert page.status_code == 200 and "Поручение координатора" not in page.content.decode()


def test_it_redirects_anonymous_users_to_the_login_page(world):
    client = world.client("anonymous")
    for name in ("dashboard", "task_list"):
        assert client.get(reverse(name)).status_code == 302
    assert client.get(url("spravka", world)).status_code == 302


def test_a_coordinator_of_another_region_does_not_see_its_tasks(world):
    actions_door.create(None, kind="decision", region=world.region, campaign=world.campaign, text="Поручение тестовой области")
    response = world.client("far_coordinator").get(reverse("task_list"))
    assert response.status_code == 200 and "Поручение тестовой области" not in response.content.decode()


@pytest.mark.parametrize("role", ["observer", "municipal"])
def test_observers_and_municipal_coordinators_view_but_do_not_change(reported, role):
    client = reported.client(role)
    assert client.get(url("spravka", reported)).status_code == 200
    assert client.get(reverse("dashboard") + f"?campaign={reported.campaign.code}").status_code == 200
    assert client.get(url("spravka_download", reported, "docx")).status_code == 200
    for name, data in (("finding_add", {"kind": "remark", "text": "x"}), ("spravka_issue", {"author_name": "А", "author_position": "Б"}),
                       ("findings_regenerate", {})):
        assert client.post(url(name, reported), data).status_code == 403
    assert not IssuedReport.objects.exists() and not Finding.objects.exists()


def test_a_municipal_coordinator_sees_only_the_numbers_of_their_schools(reported):
    page = reported.client("municipal").get(url("spravka", reported)).content.decode()
    assert "по школам, доступным пользователю: 2 из 3" in normalize_spaces(page)
    assert reported.a1.short_name.replace("«", "&laquo;") in page or "Альфа" in page
    assert "СОШ № 2" not in page  # b1 is in the other municipality
    issued = spravka_workflow.issue(reported.campaign, reported.users["coordinator"], "О. Координатова", "координатор")
    assert reported.client("municipal").get(url("issued_file", reported, issued.pk, "docx")).status_code == 403
    assert reported.client("observer").get(url("issued_file", reported, issued.pk, "docx")).status_code == 200


# --- findings ------------------------------------------------------------------------------------------------


def test_the_coordinators_first_visit_stores_the_rules_findings(reported):
    response = reported.client("coordinator").get(url("spravka", reported))
    assert response.status_code == 200
    rules = set(Finding.objects.filter(campaign=reported.campaign).values_list("rule", flat=True))
    assert {"reports_and_completion", "missing_reports", "roadmap_correction", "next_report"} <= rules
    assert AuditEvent.objects.filter(action="findings.generate").count() == 1
    reported.client("coordinator").get(url("spravka", reported))
    assert AuditEvent.objects.filter(action="findings.generate").count() == 1  # not twice


def test_a_coordinator_edits_drops_and_adds_findings_with_an_audit_trail(reported):
    client = reported.client("coordinator")
    client.get(url("spravka", reported))
    remark = Finding.objects.get(campaign=reported.campaign, rule="missing_reports")
    response = client.post(url("finding_edit", reported, remark.pk), {"text": "МБОУ Бета ООШ не представила отчёт в срок"})
    assert response.status_code == 302
    remark.refresh_from_db()
    assert remark.text == "МБОУ Бета ООШ не представила отчёт в срок" and remark.is_edited
    event = AuditEvent.objects.get(action="finding.edit")
    assert event.changes["text"][1] == "МБОУ Бета ООШ не представила отчёт в срок"

    client.post(url("finding_drop", reported, remark.pk))
    remark.refresh_from_db()
    assert remark.is_dropped
    page = client.get(url("spravka", reported)).content.decode()
    assert "не представила отчёт в срок" not in page.split('id="spravka-preview"')[1].split("</section>")[0]

    client.post(url("finding_add", reported), {"kind": "decision", "text": "Провести совещание с директорами", "responsible": "департамент",
                                               "deadline_text": "до 01.03.2022"})
    added = Finding.objects.get(rule="", text="Провести совещание с директорами")
    assert added.deadline == date(2022, 3, 1) and added.responsible == "департамент"
    assert {"finding.edit", "finding.drop", "finding.add"} <= set(AuditEvent.objects.values_list("action", flat=True))


def test_the_findings_editor_pages_a_long_list_and_an_edit_returns_to_its_page(reported, monkeypatch):
    from shnor.analysis import views

    monkeypatch.setattr(views, "FINDINGS_PAGE", 2)
    client = reported.client("coordinator")
    client.get(url("spravka", reported))
    ordered = [f.pk for _, group in spravka_workflow.findings_by_kind(reported.campaign) for f in group]
    assert len(ordered) > 4
    first = client.get(url("spravka", reported)).content.decode()
    assert [int(pk) for pk in re.findall(r'id="finding-(\d+)"', first)] == ordered[:2]
    assert f"пункты 1–2 из {len(ordered)}" in first and "?findings=2#findings" in first
    second = client.get(url("spravka", reported) + "?findings=2").content.decode()
    assert [int(pk) for pk in re.findall(r'id="finding-(\d+)"', second)] == ordered[2:4]
    fifth = Finding.objects.get(pk=ordered[4])
    response = client.post(url("finding_edit", reported, fifth.pk), {"text": fifth.text, "addressee": fifth.addressee,
                                                                     "responsible": fifth.responsible, "deadline_text": fifth.deadline_text})
    assert response["Location"] == url("spravka", reported) + f"?findings=3#finding-{fifth.pk}"
    response = client.post(url("finding_drop", reported, ordered[0]))
    assert response["Location"] == url("spravka", reported) + f"#finding-{ordered[0]}"


def test_a_finding_with_a_wrong_share_is_refused(reported):
    client = reported.client("coordinator")
    client.get(url("spravka", reported))
    remark = Finding.objects.filter(campaign=reported.campaign).first()
    response = client.post(url("finding_edit", reported, remark.pk), {"text": "курсы прошли 2 (17 %) школ"}, follow=True)
    assert "2 из 3 — это 66,7 %" in response.content.decode()
    remark.refresh_from_db()
    assert "17 %" not in remark.text


def test_a_refused_point_new_or_edited_comes_back_as_typed_with_its_error(reported):
    client = reported.client("coordinator")
    client.get(url("spravka", reported))
    response = client.post(url("finding_add", reported), {"kind": "recommendation", "text": "Семинары провели 2 (17 %) школы",
                                                          "addressee": "Отделу образования Тестового района"})
    body = response.content.decode()
    assert response.status_code == 200 and "Пункт не добавлен" in body and "2 из 3 — это 66,7 %" in body
    assert "Семинары провели 2 (17 %) школы</textarea>" in body and 'value="Отделу образования Тестового района"' in body
    assert 'aria-invalid="true"' in body

    remark = Finding.objects.filter(campaign=reported.campaign).first()
    response = client.post(url("finding_edit", reported, remark.pk), {"text": "Курсы прошли 2 (17 %) школы, исправлено вручную"})
    body = response.content.decode()
    assert "Пункт не сохранён" in body and f'id="finding-{remark.pk}-errors"' in body
    assert "Курсы прошли 2 (17 %) школы, исправлено вручную</textarea>" in body and "<details open>" in body
    remark.refresh_from_db()
    assert "исправлено вручную" not in remark.text  # nothing saved


def test_a_refused_issue_keeps_the_date_and_author_typed(reported):
    client = reported.client("coordinator")
    client.get(url("spravka", reported))
    response = client.post(url("spravka_issue", reported), {"date": "2026-12-05", "author_name": " ", "author_position": "начальник отдела"})
    body = response.content.decode()
    assert response.status_code == 200 and "Справка не выпущена: Автор (подпись) — обязательное поле." in body
    assert 'value="2026-12-05"' in body and 'value="начальник отдела"' in body and 'aria-invalid="true"' in body
    assert not IssuedReport.objects.filter(campaign=reported.campaign).exists()


def test_regenerating_keeps_what_the_coordinator_changed(reported):
    client = reported.client("coordinator")
    client.get(url("spravka", reported))
    edited = Finding.objects.get(rule="missing_reports")
    spravka_workflow.edit_finding(edited, reported.users["coordinator"], text="отредактировано")
    spravka_workflow.add_finding(reported.campaign, reported.users["coordinator"], "remark", "вручную")
    report(reported.campaign, reported.a2, "pk_courses")  # now everyone reported
    client.post(url("findings_regenerate", reported))
    rules = list(Finding.objects.filter(campaign=reported.campaign).values_list("rule", "text"))
    assert ("missing_reports", "отредактировано") in rules and ("", "вручную") in rules
    completion = Finding.objects.get(rule="reports_and_completion")
    assert "представили все школы: 3 (100 %)" in normalize_spaces(completion.text)


# --- issuing, tasks ------------------------------------------------------------------------------------------


def test_issuing_stores_docx_and_pdf_and_turns_decisions_into_tasks(reported, django_capture_on_commit_callbacks):
    client = reported.client("coordinator")
    client.get(url("spravka", reported))
    with django_capture_on_commit_callbacks(execute=True):  # the PDF: a task queued after the commit
        response = client.post(url("spravka_issue", reported), {"author_name": "О. Координатова", "author_position": "начальник отдела",
                                                                "date": "2022-01-25"})
    assert response.status_code == 302
    issued = IssuedReport.objects.get(campaign=reported.campaign)
    assert normalize_spaces(issued.content["date_text"]) == "25 января 2022 г."
    assert issued.number == 1 and issued.docx.read().startswith(b"PK") and issued.pdf.read().startswith(b"%PDF")
    assert issued.content["author_name"] == "О. Координатова"
    decisions = Finding.objects.filter(campaign=reported.campaign, kind="decision")
    tracked = Finding.objects.filter(campaign=reported.campaign, kind__in=["decision", "recommendation"])
    assert Action.objects.filter(campaign=reported.campaign).count() == tracked.count() > decisions.count() >= 2
    assert not tracked.filter(action__isnull=True).exists()
    assert AuditEvent.objects.filter(action="spravka.issue", object_id=str(issued.pk)).exists()
    download = client.get(url("issued_file", reported, issued.pk, "docx"))
    text = "\n".join(p.text for p in Document(BytesIO(b"".join(download.streaming_content))).paragraphs)
    assert "О. Координатова, начальник отдела" in text

    dropped = decisions.first()
    spravka_workflow.set_dropped(dropped, reported.users["coordinator"], True)
    client.post(url("spravka_issue", reported), {"author_name": "О. Координатова", "author_position": "начальник отдела"})
    assert IssuedReport.objects.filter(campaign=reported.campaign).count() == 2
    assert Action.objects.filter(campaign=reported.campaign).count() == tracked.count()  # no duplicates
    dropped.refresh_from_db()
    assert dropped.action.status == "cancelled"
    history = client.get(url("spravka", reported)).content.decode()
    assert history.count('class="issued-docx"') == 2


def _pdf_text(data: bytes) -> str:
    import pdfplumber

    with pdfplumber.open(BytesIO(data)) as pdf:
        return normalize_spaces("\n".join(page.extract_text() or "" for page in pdf.pages))


def test_the_pdf_is_queued_after_issuing_and_downloaded_when_made(reported, settings, django_capture_on_commit_callbacks):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}  # queued, not run
    client = reported.client("coordinator")
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(url("spravka_issue", reported), {"author_name": "О. Координатова", "author_position": "начальник отдела"}, follow=True)
    issued = IssuedReport.objects.get(campaign=reported.campaign)
    assert issued.docx.read().startswith(b"PK") and not issued.pdf and issued.pdf_status == IssuedReport.PdfStatus.PENDING
    queued = spravka_workflow.make_pdf.get_backend().results
    assert [(r.task.name, r.args) for r in queued] == [("make_pdf", [issued.pk])] and issued.pdf_task_id == queued[0].id  # after the commit
    assert "PDF готовится и появится" in normalize_spaces(page.content.decode()) and "PDF готовится</span>" in page.content.decode()

    pending = client.get(url("issued_file", reported, issued.pk, "pdf"), follow=True)
    assert "PDF справки (версия 1) готовится" in normalize_spaces(pending.content.decode())
    assert len(queued) == 1  # a download does not start it again: the queued task will make it

    Finding.objects.create(campaign=reported.campaign, kind="remark", text="замечание, добавленное после выпуска")
    assert spravka_workflow.make_pdf.call(issued.pk) and not spravka_workflow.make_pdf.call(issued.pk)  # what the worker runs; made once
    issued.refresh_from_db()
    assert issued.pdf_status == IssuedReport.PdfStatus.READY
    download = client.get(url("issued_file", reported, issued.pk, "pdf"))
    text = _pdf_text(b"".join(download.streaming_content))
    assert "О. Координатова, начальник отдела" in text and "добавленное после выпуска" not in text  # the справка as issued
    assert 'class="issued-docx"' in client.get(url("spravka", reported)).content.decode()


def test_the_pdf_task_runs_on_the_queue_after_the_commit(reported, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # the tests' queue runs a task as it is enqueued
        issued = spravka_workflow.issue(reported.campaign, reported.users["coordinator"], "О. Координатова", "начальник отдела")
    issued.refresh_from_db()
    assert issued.pdf_status == IssuedReport.PdfStatus.READY and issued.pdf.read().startswith(b"%PDF") and issued.pdf_task_id


def test_a_version_issued_without_a_pdf_says_why(reported):
    """Before issue 16 a справка of more than 2,000 schools got no PDF; such a version's download explains it."""
    issued = spravka_workflow.issue(reported.campaign, reported.users["coordinator"], "О. Координатова", "начальник отдела")
    IssuedReport.objects.filter(pk=issued.pk).update(pdf_status=IssuedReport.PdfStatus.NONE, pdf="")
    page = reported.client("coordinator").get(url("issued_file", reported, issued.pk, "pdf"), follow=True).content.decode()
    assert "PDF справки (версия 1) не формировался" in normalize_spaces(page)


def test_a_draft_pdf_that_libreoffice_cannot_make_is_a_message_not_an_error(reported, monkeypatch):
    from shnor.core.render import pdf

    monkeypatch.setattr(pdf, "soffice", lambda: None)
    page = reported.client("coordinator").get(url("spravka_download", reported, "pdf"), follow=True)
    assert page.status_code == 200 and page.redirect_chain
    assert "PDF не сформирован: на сервере не установлен LibreOffice" in normalize_spaces(page.content.decode())


def test_the_draft_pdf_of_a_large_campaign_is_not_made_in_the_request(reported, monkeypatch):
    monkeypatch.setattr(spravka_workflow, "PDF_INLINE_SCHOOLS", 2)
    page = reported.client("coordinator").get(url("spravka_download", reported, "pdf"), follow=True)
    assert page.redirect_chain and "PDF проекта справки на лету не формируется: в ней 3 школы." in normalize_spaces(page.content.decode())


def test_a_pdf_that_cannot_be_made_is_marked_and_retried_by_hand(reported, monkeypatch, django_capture_on_commit_callbacks):
    from shnor.core.render import pdf

    from_docx = pdf.from_docx

    def broken(data):
        raise MemoryError

    monkeypatch.setattr(pdf, "from_docx", broken)
    with django_capture_on_commit_callbacks(execute=True):
        issued = spravka_workflow.issue(reported.campaign, reported.users["coordinator"], "О. Координатова", "начальник отдела")
    issued.refresh_from_db()
    assert issued.pdf_status == IssuedReport.PdfStatus.FAILED and not issued.pdf
    client = reported.client("coordinator")
    page = client.get(url("issued_file", reported, issued.pk, "pdf"), follow=True).content.decode()
    assert "сформировать не удалось. Нажмите «Повторить»" in normalize_spaces(page)
    assert 'class="secondary issued-pdf-retry">Повторить</button>' in page

    monkeypatch.setattr(pdf, "from_docx", from_docx)
    page = client.post(url("issued_pdf_retry", reported, issued.pk), follow=True).content.decode()
    assert "PDF справки (версия 1) готовится заново" in normalize_spaces(page)
    issued.refresh_from_db()
    assert issued.pdf_status == IssuedReport.PdfStatus.READY and issued.pdf.read().startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="spravka.pdf_retry", user=reported.users["coordinator"]).count() == 1
    again = client.post(url("issued_pdf_retry", reported, issued.pk), follow=True).content.decode()
    assert "повторять нечего" in again  # a PDF that was made is not made twice


@pytest.mark.parametrize("role, status", [("outsider", 403), ("far_coordinator", 404), ("observer", 403), ("head", 403), ("curator", 403)])
def test_only_the_campaigns_coordinator_may_retry_a_pdf(reported, role, status):
    issued = spravka_workflow.issue(reported.campaign, reported.users["coordinator"], "О. Координатова", "начальник отдела")
    IssuedReport.objects.filter(pk=issued.pk).update(pdf_status=IssuedReport.PdfStatus.FAILED)
    assert reported.client(role).post(url("issued_pdf_retry", reported, issued.pk)).status_code == status
    issued.refresh_from_db()
    assert issued.pdf_status == IssuedReport.PdfStatus.FAILED and not AuditEvent.objects.filter(action="spravka.pdf_retry").exists()


def test_a_pdf_whose_worker_died_shows_as_failed_with_a_retry(reported, settings):
    """The worker was killed while making the PDF: no timing rule takes it over; the next worker marks it failed."""
    from django_tasks_db.models import DBTaskResult

    from shnor import background

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    issued = spravka_workflow.issue(reported.campaign, reported.users["coordinator"], "О. Координатова", "начальник отдела")
    spravka_workflow.start_pdf(issued.pk)
    issued.refresh_from_db()
    task = DBTaskResult.objects.get(pk=issued.pdf_task_id)
    task.claim("this-host-is-gone:1:dead")  # another machine's worker: nobody here can tell it is gone
    assert background.fail_lost_tasks() == 0 and not spravka_workflow.pdf_failed(issued)
    page = reported.client("coordinator").get(url("spravka", reported)).content.decode()
    assert "PDF готовится</span>" in page and "issued-pdf-retry" not in page

    DBTaskResult.objects.filter(pk=task.pk).update(worker_ids=[f"{background.new_worker_id().rsplit(':', 2)[0]}:999999999:dead"])
    assert background.fail_lost_tasks() == 1  # a worker of this host whose process no longer exists
    assert background.state(issued.pdf_task_id) == background.FAILED and spravka_workflow.pdf_failed(issued)
    page = reported.client("coordinator").get(url("spravka", reported)).content.decode()
    assert "PDF не удалось сформировать" in page and "issued-pdf-retry" in page


def test_a_task_marked_done_shows_in_the_next_campaigns_spravka(reported):
    spravka_workflow.ensure_findings(reported.campaign, reported.users["coordinator"])
    spravka_workflow.issue(reported.campaign, reported.users["coordinator"], "О. Координатова", "координатор")
    task = Action.objects.filter(campaign=reported.campaign, kind="decision").first()
    response = reported.client("coordinator").post(reverse("task_done", args=[task.pk]), {"note": "Приказ от 01.09.2021 № 5"})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == "done" and task.status_changed_by == reported.users["coordinator"]
    assert AuditEvent.objects.filter(action="action.status", object_id=str(task.pk)).exists()
    following = Campaign.objects.create(code="test-2022-h1", title="Следующий мониторинг", region=reported.region, period_start=date(2022, 1, 1),
                                        period_end=date(2022, 6, 30), framework=reported.framework, due_date=date(2022, 7, 1), previous=reported.campaign)
    following.schools.set([reported.a1, reported.a2, reported.b1])
    spravka = spravka_workflow.prepare(following).spravka
    statuses = {t["text"]: t["status"] for t in spravka.previous_tasks}
    assert statuses[task.text] == "выполнено" and f"выполнено 1 из {len(statuses)}" in spravka.previous_tasks_lead
    assert spravka.execution_counts[0] == {"status": "выполнено", "number": 1}
    assert reported.client("coordinator").get(reverse("task_list") + "?campaign=" + reported.campaign.code).status_code == 200


def test_the_tasks_page_lists_open_tasks_with_their_deadlines(reported):
    actions_door.create(None, kind="decision", region=reported.region, campaign=reported.campaign, text="Подготовить отчёт",
                        addressee_text="руководители ОО", deadline_text="до 1 декабря 2021 г.")
    page = reported.client("coordinator").get(reverse("task_list")).content.decode()
    assert "Подготовить отчёт" in page and "срок истёк" in page


def test_a_start_date_is_not_a_deadline_that_passes(reported):
    started = actions_door.create(None, kind="decision", region=reported.region, campaign=reported.campaign, text="Корректировать дорожные карты",
                                  addressee_text="руководители ОО", deadline_text="с 1 января 2022 г.")
    assert not started.is_overdue and "срок истёк" not in started.status_label()
    page = reported.client("coordinator").get(reverse("task_list")).content.decode()
    assert "Корректировать дорожные карты" in page and "срок истёк" not in page


# --- templates and bad input ---------------------------------------------------------------------------------


def _docx(*paragraphs):
    doc = Document()
    for p in paragraphs:
        doc.add_paragraph(p)
    out = BytesIO()
    doc.save(out)
    out.name = "blank.docx"
    out.seek(0)
    return out


def test_a_broken_template_is_refused_with_a_message_and_a_good_one_is_used(reported):
    client = reported.client("coordinator")
    response = client.post(url("spravka_template", reported), {"file": _docx("{% for x in %}")}, follow=True)
    assert "Шаблон не принят" in response.content.decode() and not SpravkaTemplate.objects.exists()
    client.post(url("spravka_template", reported), {"file": _docx("БЛАНК ОБЛАСТИ", "{{ title }}")})
    assert SpravkaTemplate.objects.filter(region=reported.region).exists()
    data = client.get(url("spravka_download", reported, "docx")).content
    assert "БЛАНК ОБЛАСТИ" in "\n".join(p.text for p in Document(BytesIO(data)).paragraphs)
    assert AuditEvent.objects.filter(action="spravka.template").exists()


def test_a_template_broken_in_storage_stops_the_issue_with_a_message(reported):
    from django.core.files.base import ContentFile

    template = SpravkaTemplate(region=reported.region, file_name="бланк.docx")
    template.file.save("broken.docx", ContentFile(b"not a docx at all"), save=True)
    client = reported.client("coordinator")
    response = client.post(url("spravka_issue", reported), {"author_name": "А", "author_position": "Б"}, follow=True)
    assert "Справка не выпущена" in response.content.decode() and "не является документом Word" in response.content.decode()
    assert not IssuedReport.objects.exists()


def test_a_campaign_without_reports_gives_a_spravka_that_says_so(world):
    page = world.client("coordinator").get(url("spravka", world)).content.decode()
    assert "Ни одна школа не представила заверенный отчёт" in page
    assert "Предыдущая кампания не указана" in page
    response = world.client("coordinator").get(url("spravka_download", world, "pdf"))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    dash = world.client("coordinator").get(reverse("dashboard") + f"?campaign={world.campaign.code}")
    assert dash.status_code == 200 and "динамика не рассчитывается" in dash.content.decode()


def test_a_campaign_of_one_school_gives_a_spravka_that_says_so(world):
    world.campaign.schools.set([world.a1])
    report(world.campaign, world.a1, "pk_courses")
    spravka = spravka_workflow.prepare(world.campaign).spravka
    assert any("одна школа" in n for n in spravka.notes)
    assert normalize_spaces(spravka.results[0]["label"]) == "проводилось"  # not «1 (100 %)»


def test_a_previous_campaign_without_common_reports_gives_no_dynamics(reported):
    earlier = Campaign.objects.create(code="test-2021-h1", title="Раньше", region=reported.region, period_start=date(2021, 1, 1),
                                      period_end=date(2021, 6, 30), framework=reported.framework, due_date=date(2021, 7, 1))
    earlier.schools.set([reported.a1])
    reported.campaign.previous = earlier
    reported.campaign.save()
    spravka = spravka_workflow.prepare(Campaign.objects.select_related("previous").get(pk=reported.campaign.pk)).spravka
    assert any("динамика не рассчитывается" in n for n in spravka.notes) and spravka.dynamics_rows == []


# --- dashboard -------------------------------------------------------------------------------------------


def test_the_dashboard_filters_and_drills_down_to_schools_and_entries(reported):
    client = reported.client("coordinator")
    page = client.get(reverse("dashboard") + f"?campaign={reported.campaign.code}").content.decode()
    assert "Охват по направлениям" in page and "Сравнение муниципалитетов" in page
    filtered = client.get(reverse("dashboard") + f"?campaign={reported.campaign.code}&municipality=Первый район&direction=teachers").content.decode()
    assert "Первый район" in filtered and "СОШ № 2" not in filtered.split("dashboard-coverage")[1].split("</table>")[0]
    drill = client.get(url("dashboard_schools", reported) + "?direction=teachers&type=pk_courses")
    body = drill.content.decode()
    assert drill.status_code == 200 and "Альфа" in body and "Мероприятие pk_courses" in body
    missing = client.get(url("dashboard_schools", reported) + "?direction=teachers&type=pk_courses&missing=1").content.decode()
    assert "Бета" in missing and "Альфа" not in missing


def test_the_dashboard_of_the_demo_campaign_uses_a_bounded_number_of_queries(world, django_assert_max_num_queries):
    from shnor.registry.models import Membership, Region

    from ..conftest import make_user

    bryansk = Region.objects.get(code="bryansk")
    user = make_user("t_bryansk", (Membership.Role.REGIONAL, {"region": bryansk}))
    client = world.client("coordinator")
    client.force_login(user)
    client.get(reverse("dashboard") + "?campaign=bryansk-2021-h1")
    # 40 before the diagnosis: + needs and their measures (2), the schools' statuses (1), the campaign a year earlier (1);
    # + the chart of completeness over the campaigns (the previous campaigns' chain and two aggregates, 2 here)
    with django_assert_max_num_queries(46):
        response = client.get(reverse("dashboard") + "?campaign=bryansk-2021-h1")
    assert response.status_code == 200
    # + the previous campaign's facts on the municipality's schools, kept the first time (their stamp 2, the lookup 1,
    # keeping them 6 with the savepoints of update_or_create); a later analysis reads them in 3 queries instead of 4
    with django_assert_max_num_queries(55):
        client.get(reverse("dashboard") + "?campaign=bryansk-2021-h1&municipality=Рогнединский район")


# --- the demo справка ----------------------------------------------------------------------------------------


def test_the_demo_spravka_has_the_samples_counts_sections_and_dynamics():
    campaign = Campaign.objects.select_related("previous", "region", "framework").get(code="bryansk-2021-h1")
    spravka = spravka_workflow.prepare(campaign, author_name="О. Г. Викульева", author_position="заведующий центром мониторинга").spravka
    text = normalize_spaces("\n".join(spravka.text_lines()))
    for label in ["2 (12,5 %)", "13 (81,3 %)", "1 (6,3 %)", "16 (100 %)", "3 (18,8 %)", "14 (87,5 %)", "4 (25 %)", "11 (68,8 %)", "9 (56,3 %)", "8 (50 %)"]:
        assert label in text
    systemic = next(c for c in spravka.conclusions if c.startswith("принятие управленческих решений на основе результатов мониторинга"))
    assert "в 2 школах" in normalize_spaces(systemic)
    assert "МБОУ Дроновская СОШ имени Героя Советского Союза И.К.Хахерина" in systemic and "МБОУ Карпиловская ООШ" in systemic
    assert "ведётся в МБОУ «Пацынская СОШ»" in text
    assert "необходимо выстроить ВСОКО в ОО: мониторинг качества образования (ВСОКО) — 3 (18,8 %)" in text
    assert "июль – декабрь 2020 года" in spravka.dynamics_lead and spravka.dynamics_rows
    assert len(spravka.schools) == 16 and {c.key for c in spravka.charts} == {"directions", "municipalities", "dynamics"}
    next_report = next(d for d in spravka.decisions if d["text"].startswith("образовательным организациям подготовить отчёт"))
    assert normalize_spaces(next_report["deadline"]) == "до 20 января 2022 г."  # the due date of bryansk-2021-h2


def test_the_report_command_writes_each_format(tmp_path):
    for fmt in ("docx", "html"):
        out = tmp_path / f"s.{fmt}"
        call_command("report", campaign="bryansk-2021-h1", fmt=fmt, out=str(out), author="О. Г. Викульева", position="заведующий",
                     date="2021-07-01")
        assert out.stat().st_size > 10_000
    html = out.read_text(encoding="utf-8")
    assert "16 (100" in html and "1\u00a0июля 2021\u00a0г." in html
    with pytest.raises(CommandError, match="ГГГГ-ММ-ДД"):
        call_command("report", campaign="bryansk-2021-h1", fmt="docx", out=str(tmp_path / "x.docx"), date="01.07.2021")
    with pytest.raises(CommandError, match="не найдена"):
        call_command("report", campaign="no-such", fmt="docx", out=str(tmp_path / "x.docx"))
