"""Issue 12, parts 1 and 2: commit stores everything read — causes, deficits, risks, recommendations, quantities,
reasons — each where it belongs with its source, rows matched to the plan, and undo takes back exactly that."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from django.urls import reverse

from shnor.actions.models import Action
from shnor.audit.models import AuditEvent
from shnor.diagnosis.models import Need
from shnor.intake import services
from shnor.intake.models import CorrectionExample, ImportBatch, ImportItem
from shnor.intake.training import finding_corrections
from shnor.monitoring.models import Campaign, ReportEntry, SchoolReport

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "intake"

REPORT = """Отчёт МБОУ «Альфа СОШ» о реализации программы перехода в эффективный режим работы за I полугодие 2021/2022 учебного года

№\tМероприятие\tСрок\tОтметка о выполнении
1.\tКурсы повышения квалификации учителей математики\tОктябрь 2021\tВыполнено: курсы прошли более 20 педагогов, приказ от 01.10.2021 № 77
2.\tРодительское собрание «Подготовка к ОГЭ»\tв течение учебного года\tНе выполнено: собрание перенесено из-за карантина
3.\tКонкурс чтецов для учащихся 5-7 классов\tноябрь 2021\tВыполнено, участвовали 34 ученика

Причины низких образовательных результатов:
- дефицит педагогических кадров;
- высокая доля обучающихся с рисками учебной неуспешности.

Профессиональные дефициты педагогов:
- в группе оценочных компетенций: неумение разрабатывать критерии оценивания;
- в группе предметных компетенций: недостаточное владение методикой решения задач повышенной сложности.

Рекомендации:
Образовательным организациям:
- организовать наставничество для молодых учителей до 01.03.2022;
- провести анализ результатов ВПР по математике до 15.02.2022.

Директор МБОУ «Альфа СОШ»\tМ. Директорова
"""


def read(world, text: str | bytes, name="report.txt", school=None, role="coordinator") -> ImportBatch:
    data = text.encode("utf-8") if isinstance(text, str) else text
    campaign = Campaign.objects.get(pk=world.campaign.pk)
    batch, _ = services.create_batch(campaign, school, [services.Upload(name, data)], world.users[role])
    services.start_reading(batch)  # the tests' task backend runs it at once
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.READY, batch.files.first().error
    return batch


def state(world) -> dict:
    return {
        "entries": sorted(ReportEntry.objects.filter(report__campaign=world.campaign).values_list(
            "pk", "title", "status", "actual_result", "reason", "quantities", "section", "deadline_text")),
        "needs": sorted(Need.objects.values_list("pk", "text")),
        "actions": sorted(Action.objects.values_list("pk", "text")),
    }


def test_commit_stores_causes_deficits_recommendations_quantities_and_reasons_and_undo_takes_them_back(world):
    from shnor.monitoring.workflow import open_report

    open_report(world.campaign, world.a1)
    before = state(world)
    batch = read(world, REPORT)
    file = batch.files.get()
    assert file.school_id == world.a1.pk and file.school_found  # found from the title and the signature
    counts = services.commit_batch(batch, world.users["coordinator"])
    assert counts["causes"] == 2 and counts["deficits"] == 2 and counts["recommendations"] == 2

    causes = Need.objects.filter(school=world.a1, kind=Need.Kind.CAUSE)
    assert {n.text for n in causes} == {"дефицит педагогических кадров", "высокая доля обучающихся с рисками учебной неуспешности"}
    cause = causes.first()
    assert cause.source_name == "report.txt" and cause.source_place.startswith("строка") and cause.found_by == Need.FoundBy.MONITORING
    deficit = Need.objects.get(school=world.a1, kind=Need.Kind.DEFICIT, text__icontains="критерии оценивания")
    assert deficit.group == Need.Group.ASSESSMENT
    recommendation = Action.objects.get(text__icontains="наставничество")
    assert recommendation.kind == Action.Kind.RECOMMENDATION and recommendation.deadline == date(2022, 3, 1)
    assert recommendation.addressee_text.startswith("Образовательным организациям") and "report.txt" in recommendation.source
    assert recommendation.campaign_id == world.campaign.pk

    report = SchoolReport.objects.get(campaign=world.campaign, school=world.a1)
    courses = report.entries.get(planned_activity__title="Курсы повышения квалификации учителей математики")
    assert courses.status == "done"
    assert courses.quantities[0]["value"] == 20 and courses.quantities[0]["at_least"] is True  # «более 20»: a lower bound
    meeting = report.entries.get(planned_activity__title="Родительское собрание «Подготовка к ОГЭ»")
    assert meeting.status in ReportEntry.NEED_REASON and meeting.reason == "Собрание перенесено из-за карантина"
    contest = report.entries.get(title__startswith="Конкурс чтецов")
    assert contest.planned_activity_id is None and contest.deadline_text == "ноябрь 2021"
    assert contest.quantities[0]["value"] == 34 and contest.quantities[0]["at_least"] is False
    event = AuditEvent.objects.get(action="intake.commit")
    assert "причин 2" in event.summary and "рекомендаций 2" in event.summary

    services.undo_batch(batch, world.users["coordinator"])
    assert state(world) == before
    assert AuditEvent.objects.filter(action="need.delete").count() == counts["causes"] + counts["deficits"] + counts["risks"]
    assert AuditEvent.objects.filter(action="action.delete").count() == 2


def test_undo_deletes_the_report_the_batch_created_unless_someone_wrote_into_it(world):
    """A school without a report in the campaign gets one at commit; undo took the rows back and left an empty
    draft (the school «черновик» instead of «не начат»). It is deleted again, unless a person wrote into it since."""
    assert not SchoolReport.objects.filter(campaign=world.campaign, school=world.a1).exists()
    batch = read(world, REPORT)
    services.commit_batch(batch, world.users["coordinator"])
    assert SchoolReport.objects.filter(campaign=world.campaign, school=world.a1).exists()
    services.undo_batch(batch, world.users["coordinator"])
    assert not SchoolReport.objects.filter(campaign=world.campaign, school=world.a1).exists()
    assert not ReportEntry.objects.filter(report__campaign=world.campaign, report__school=world.a1).exists()
    assert AuditEvent.objects.filter(action="report.delete", summary__contains=f"импорт № {batch.pk}").count() == 1

    # Written into since (the school's own conclusions): the report stays, without what the batch wrote.
    batch = read(world, REPORT)
    services.commit_batch(batch, world.users["coordinator"])
    SchoolReport.objects.filter(campaign=world.campaign, school=world.a1).update(summary="Выводы школы")
    services.undo_batch(batch, world.users["coordinator"])
    report = SchoolReport.objects.get(campaign=world.campaign, school=world.a1)
    assert report.summary == "Выводы школы" and not report.entries.filter(planned_activity=None).exists()
    assert not report.entries.exclude(status="").exists()


def test_undo_is_refused_when_an_imported_recommendation_was_marked_or_a_need_linked(world):
    from shnor.actions import door as actions_door
    from shnor.diagnosis import door as diagnosis_door

    batch = read(world, REPORT)
    services.commit_batch(batch, world.users["coordinator"])
    action = Action.objects.get(text__icontains="наставничество")
    actions_door.set_status(action, world.users["head"], "in_progress", note="Назначены наставники")
    response = world.client("coordinator").post(reverse("intake_undo", args=[batch.pk]), follow=True)
    assert "Отменить импорт нельзя" in response.content.decode() and "наставничество" in response.content.decode()
    batch.refresh_from_db()
    assert batch.status == "committed" and Need.objects.filter(school=world.a1).count() >= 3

    actions_door.set_status(action, world.users["head"], "not_started")
    Action.objects.filter(pk=action.pk).update(note="")
    need = Need.objects.filter(school=world.a1, kind="cause").first()
    diagnosis_door.set_measures(need, [world.roadmap.activities.first().pk], world.users["curator"])
    response = world.client("coordinator").post(reverse("intake_undo", args=[batch.pk]), follow=True)
    assert "изменили внесённую им диагностику" in response.content.decode() and need.text in response.content.decode()
    batch.refresh_from_db()
    assert batch.status == "committed"


def test_rows_are_matched_to_the_plan_with_a_score_and_the_review_chooses(world):
    batch = read(world, REPORT)
    rows = {i.text[:20]: i for i in ImportItem.objects.filter(file__batch=batch, kind="activity")}
    courses, meeting, contest = rows["Курсы повышения квал"], rows["Родительское собрани"], rows["Конкурс чтецов для у"]
    assert courses.planned_activity.title == "Курсы повышения квалификации учителей математики" and courses.match_score >= services.MATCH_THRESHOLD
    assert meeting.planned_activity.title == "Родительское собрание «Подготовка к ОГЭ»"
    assert contest.planned_activity_id is None  # nothing like it in the plan
    page = world.client("coordinator").get(reverse("intake_batch", args=[batch.pk])).content.decode()
    assert "нет в плане" in page and "сходство 1,00" in page and "заполнит запланированное мероприятие" in page

    # The reviewer says the meeting is not the planned one, and the contest is the mentoring (a forged id is refused).
    from .test_intake_web import review_post

    data = review_post(batch, **{f"planned-{meeting.pk}": "none", f"planned-{contest.pk}": str(world.roadmap.activities.get(number="3").pk)})
    refused = world.client("coordinator").post(reverse("intake_review", args=[batch.pk]),
                                               {**data, f"planned-{courses.pk}": "999999"}, follow=True).content.decode()
    assert "не из дорожной карты этой школы" in refused
    twice = world.client("coordinator").post(reverse("intake_review", args=[batch.pk]),
                                             {**data, f"planned-{courses.pk}": str(world.roadmap.activities.get(number="3").pk)},
                                             follow=True).content.decode()
    assert "выбрано для нескольких строк" in twice
    world.client("coordinator").post(reverse("intake_review", args=[batch.pk]), {**data, "commit": "1"})
    batch.refresh_from_db()
    assert batch.status == "committed"
    report = SchoolReport.objects.get(campaign=world.campaign, school=world.a1)
    assert report.entries.get(planned_activity__number="3").title == "Наставничество молодых специалистов"
    assert report.entries.get(planned_activity__number="3").status == "done"
    assert report.entries.get(planned_activity__number="2").status == ""  # the meeting row became an entry of its own
    assert report.entries.filter(planned_activity=None, title__startswith="Родительское собрание").exists()


def test_corrections_of_findings_are_kept_for_retraining(world):
    batch = read(world, REPORT)
    from .test_intake_web import review_post

    cause = ImportItem.objects.get(file__batch=batch, kind="finding", text="дефицит педагогических кадров")
    deficit = ImportItem.objects.get(file__batch=batch, kind="finding", finding_kind="deficit", text__icontains="критерии оценивания")
    recommendation = ImportItem.objects.filter(file__batch=batch, kind="finding", finding_kind="recommendation").first()
    assert deficit.group == "assessment"
    data = review_post(batch, **{f"fkind-{cause.pk}": "risk", f"code-{cause.pk}": "R2", f"group-{deficit.pk}": "psychology",
                                 f"addressee-{recommendation.pk}": "Кураторам школ"}, commit="1")
    world.client("coordinator").post(reverse("intake_review", args=[batch.pk]), data)
    batch.refresh_from_db()
    assert batch.status == "committed"
    risk = Need.objects.get(school=world.a1, kind=Need.Kind.RISK)
    assert risk.code == "R2" and risk.text == "дефицит педагогических кадров"
    assert Need.objects.get(school=world.a1, text__icontains="критерии оценивания").group == Need.Group.PSYCHOLOGY
    assert Action.objects.get(pk=ImportItem.objects.get(pk=recommendation.pk).action_id).addressee_kind == "curators"
    kinds = dict(CorrectionExample.objects.values_list("kind", "label"))
    assert kinds["finding_kind"] == "risk" and kinds["group"] == "психолого-педагогические" and kinds["addressee"] == "curators"
    assert ("дефицит педагогических кадров", "R2") in finding_corrections("cause") or cause.code == "R2"  # a code the reader had is no correction
    assert finding_corrections("deficit") == [(deficit.text, "психолого-педагогические")]
    assert finding_corrections("addressee")[0][1] == "curators"


def test_a_head_cannot_record_causes_so_they_are_left_out_by_default(world):
    batch = read(world, REPORT, role="head", school=world.a1)
    causes = ImportItem.objects.filter(file__batch=batch, finding_kind__in=["cause", "deficit"])
    assert causes.exists() and not causes.filter(include=True).exists()
    counts = services.commit_batch(batch, world.users["head"])
    assert counts["causes"] == 0 and counts["recommendations"] == 2 and not Need.objects.filter(school=world.a1).exists()


def test_the_uyar_sample_lands_in_its_three_subprograms(world):
    commit_uyar(world)


def commit_uyar(world) -> ImportBatch:
    from shnor.plans.models import Framework

    subprograms = Framework.objects.get(code="subprograms3")
    campaign = Campaign.objects.create(code="uyar-2022", title="Уярский район, 2022 год", region=world.region, framework=subprograms,
                                       period_start=date(2022, 1, 1), period_end=date(2022, 12, 31), due_date=date(2023, 1, 20))
    campaign.schools.set([world.a1])
    batch, _ = services.create_batch(campaign, world.a1, [services.Upload("uyar.txt", (FIXTURES / "uyar_table.txt").read_bytes())],
                                     world.users["coordinator"])
    services.start_reading(batch)
    counts = services.commit_batch(batch, world.users["coordinator"])
    assert counts["entries"] + counts["filled"] == 21
    written = ImportItem.objects.filter(file__batch=batch, kind="activity").values_list("entry", flat=True)
    entries = ReportEntry.objects.filter(pk__in=written).select_related("direction")
    assert len(entries) == 21
    by_direction = {}
    for e in entries:
        by_direction.setdefault(e.direction.code if e.direction else None, []).append(e)
    assert {k: len(v) for k, v in by_direction.items()} == {"SP1": 8, "SP2": 7, "SP3": 6}
    assert all(e.section.startswith(f"Подпрограмма {e.direction.code[-1]}") for e in entries)
    return batch


def test_two_uyar_rows_are_committed_as_not_done(world):
    batch = commit_uyar(world)
    written = ImportItem.objects.filter(file__batch=batch, kind="activity").values_list("entry", flat=True)
    assert ReportEntry.objects.filter(pk__in=written).exclude(status__in=ReportEntry.DONE).count() == 2


def test_the_kavalerovo_activity_naming_two_schools_lands_in_both(world):
    from shnor.registry.models import Municipality, School

    kavalerovo = Municipality.objects.create(region=world.region, name="Кавалеровский район")
    crystal = School.objects.create(municipality=kavalerovo, short_name="МБОУ СОШ пгт Хрустальный",
                                    full_name="МБОУ средняя общеобразовательная школа пгт Хрустальный")
    second = School.objects.create(municipality=kavalerovo, short_name="МБОУ СОШ № 2 пгт Кавалерово", number="2",
                                   full_name="МБОУ средняя общеобразовательная школа № 2 пгт Кавалерово")
    world.campaign.schools.add(crystal, second)
    batch = read(world, (FIXTURES / "kavalerovo_prose_cp1251.txt").read_bytes(), name="kavalerovo.txt", school=crystal)
    services.commit_batch(batch, world.users["coordinator"])
    title = "Профессиональная компетентность педагога"
    for school in (crystal, second):
        assert ReportEntry.objects.filter(report__campaign=world.campaign, report__school=school, title__contains=title).count() == 1, school
    assert not ReportEntry.objects.filter(report__school=second).exclude(title__contains=title).exists()


def test_an_activity_naming_only_a_partner_school_stays_in_the_reporting_schools_report(world):
    """«Сетевое взаимодействие с МБОУ Бета ООШ» in Альфа's report is Альфа's work: Бета is its partner, and its
    report (certified with the batch) is not written from Альфа's document."""
    text = REPORT.replace("3.\tКонкурс чтецов", "4.\tОрганизация сетевого взаимодействия с МБОУ Бета ООШ\tоктябрь 2021\tВыполнено, заключён договор\n3.\tКонкурс чтецов")
    batch = read(world, text, school=world.a1)
    partner = ImportItem.objects.get(file__batch=batch, kind="activity", text__contains="сетевого взаимодействия")
    assert partner.school == world.a1
    services.commit_batch(batch, world.users["coordinator"])
    assert not SchoolReport.objects.filter(campaign=world.campaign, school=world.a2).exists()


def test_many_schools_reports_in_one_upload_each_school_found_confirmed_and_certified_by_the_coordinator(world):
    """The web side of «a folder in»: several files in one batch, each file's school shown for confirmation, an
    ambiguous one asked, the batch committed as certified by the coordinator and undone."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from .test_intake_web import review_post

    beta = REPORT.replace("МБОУ «Альфа СОШ»", "МБОУ Бета ООШ")
    unclear = REPORT.replace("Отчёт МБОУ «Альфа СОШ»", "Отчёт школы").replace("Директор МБОУ «Альфа СОШ»", "Директор")
    files = [SimpleUploadedFile("alfa.txt", REPORT.encode()), SimpleUploadedFile("beta.txt", beta.encode("cp1251")),
             SimpleUploadedFile("unclear.txt", unclear.encode())]
    response = world.client("coordinator").post(reverse("intake_upload", args=[world.campaign.code]), {"files": files})
    assert response.status_code == 302
    batch = ImportBatch.objects.latest("pk")
    found = {f.file_name: f for f in batch.files.all()}
    assert found["alfa.txt"].school_id == world.a1.pk and found["beta.txt"].school_id == world.a2.pk
    assert found["unclear.txt"].school_id is None
    page = world.client("coordinator").get(reverse("intake_batch", args=[batch.pk])).content.decode()
    assert "определена по заголовку документа" in page and "школа кампании в документе не названа" in page
    assert "заверить их по документу" in page and 'name="file-school-' in page

    # A head may not certify by document: refused, nothing written.
    world.client("coordinator").post(reverse("intake_review", args=[batch.pk]), review_post(batch))  # nothing changes
    ImportBatch.objects.filter(pk=batch.pk).update(created_by=world.users["head"])
    refused = world.client("head").post(reverse("intake_review", args=[batch.pk]), {**review_post(batch), "certified": "on", "commit": "1"},
                                        follow=True).content.decode()
    assert "заверить по документу может только координатор" in refused
    batch.refresh_from_db()
    assert batch.status == "ready"

    # The coordinator names the unclear file's school (b1) and commits as certified.
    data = {**review_post(batch), "file": [f.pk for f in found.values()], f"file-school-{found['alfa.txt'].pk}": world.a1.pk,
            f"file-school-{found['beta.txt'].pk}": world.a2.pk, f"file-school-{found['unclear.txt'].pk}": world.b1.pk,
            "certified": "on", "commit": "1"}
    page = world.client("coordinator").post(reverse("intake_review", args=[batch.pk]), data, follow=True).content.decode()
    batch.refresh_from_db()
    assert batch.status == "committed", page
    assert "Заверено по документу: 3\xa0отчёта" in page
    reports = SchoolReport.objects.filter(campaign=world.campaign, school__in=[world.a1, world.a2, world.b1])
    assert set(reports.values_list("status", flat=True)) == {"certified"}
    assert reports.get(school=world.b1).certified_basis == f"документ «unclear.txt» (импорт № {batch.pk})"
    assert reports.get(school=world.b1).entries.exclude(status="").exists()
    detail = world.client("coordinator").get(reverse("report_detail", args=[world.campaign.code, world.b1.pk])).content.decode()
    # The state says how it was certified («заверен куратором» before: no curator certified it in the system).
    assert 'id="report-status">заверен по документу<' in detail and "unclear.txt" in detail
    # The wording is said once, on the page and in the log («заверен по документу: заверен по документу …» before).
    assert detail.lower().count("заверен по документу") == 1 + detail.count("заверен по документу: документ"), detail
    assert not AuditEvent.objects.filter(action="report.certify_by_document", summary__contains="документу: заверен").exists()
    events = AuditEvent.objects.filter(action="report.certify_by_document")
    assert events.count() == 3 and all(e.user == world.users["coordinator"] for e in events)

    services.undo_batch(batch, world.users["coordinator"])
    # The certification withdrawn, then the reports the batch created deleted: the schools are «не начат» again.
    assert AuditEvent.objects.filter(action="report.certify_by_document_undo").count() == 3
    assert not reports.exists() and AuditEvent.objects.filter(action="report.delete").count() == 3


RISK_PROFILE = """Рисковый профиль МБОУ «Альфа СОШ»

Риск 2. Дефицит педагогических кадров
1. Наставничество молодых специалистов
2. Курсы повышения квалификации учителей математики

Риск 9. Низкая учебная мотивация обучающихся
1. Профориентационные пробы для старшеклассников
"""


def test_a_risk_profile_gives_risks_with_their_codes_and_the_planned_measures_under_them(world):
    from shnor.diagnosis.profile import needs_for_school

    batch = read(world, RISK_PROFILE, name="risks.txt")
    counts = services.commit_batch(batch, world.users["coordinator"])
    assert counts["risks"] == 2
    staffing = Need.objects.get(school=world.a1, kind=Need.Kind.RISK, code="R2")
    assert staffing.text == "Дефицит педагогических кадров" and staffing.source_name == "risks.txt"
    assert set(staffing.measures.values_list("activity__title", flat=True)) == {
        "Наставничество молодых специалистов", "Курсы повышения квалификации учителей математики"}
    risks = {r["code"]: r for r in needs_for_school(world.a1)["risks"]}
    assert set(risks) == {"R2", "R9"} and len(risks["R2"]["measures"]) == 2
    services.undo_batch(batch, world.users["coordinator"])
    assert not Need.objects.filter(school=world.a1).exists()


def test_reviewers_corrections_reach_the_reading_of_the_next_documents(world):
    CorrectionExample.objects.create(kind="group", text="неумение составлять задания", label="оценочные")
    context = services.reading_context(world.campaign)
    assert context.corrections["deficit"] == [("неумение составлять задания", "оценочные")]
    assert context.directions and all(len(d) == 2 for d in context.directions)


def test_the_report_page_shows_an_imported_entrys_deadline_section_and_lower_bound(world):
    batch = read(world, REPORT)
    services.commit_batch(batch, world.users["coordinator"])
    page = world.client("coordinator").get(reverse("report_detail", args=[world.campaign.code, world.a1.pk])).content.decode()
    import re

    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    assert "срок: ноябрь 2021" in text, text[text.find("Конкурс"):][:300]
    assert "более 20 педагогов" in text and "причина: Собрание перенесено из-за карантина" in text
