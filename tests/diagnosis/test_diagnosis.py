import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from shnor.audit.models import AuditEvent
from shnor.diagnosis import door
from shnor.diagnosis.door import NeedInput
from shnor.diagnosis.models import Need
from shnor.plans.models import Direction, PlannedActivity, Roadmap


def test_it_records_a_deficit_with_its_catalogue_code_group_and_period(world):
    need = door.add_need(world.a1, world.users["curator"], NeedInput(
        "deficit", "Группа 3 «Оценочные компетенции»: затруднения в объективном оценивании", period_text="2020/2021 учебный год",
        found_by="survey", source_name="Аналитическая справка РМО", source_place="раздел 2"))
    assert (need.code, need.group, need.code_confirmed) == ("assessment_deficit", "assessment", False)
    assert str(need.period_start) == "2020-09-01"
    assert need.source == "комплексное обследование; «Аналитическая справка РМО», раздел 2"
    assert AuditEvent.objects.filter(action="need.add", school=world.a1).exists()


def test_a_code_chosen_by_a_person_is_confirmed_and_a_wrong_kind_is_refused(world):
    need = door.add_need(world.a1, world.users["municipal"], NeedInput("cause", "нет учителя физики", code="staff_shortage"))
    assert need.code_confirmed and need.code == "staff_shortage"
    with pytest.raises(door.DiagnosisError):
        door.change_need(need, world.users["municipal"], NeedInput("cause", "нет учителя физики", code="R2"))
    need.refresh_from_db()
    assert need.code == "staff_shortage"


def test_the_school_and_outsiders_cannot_change_the_diagnosis(world):
    for role in ("head", "staff", "curator2", "outsider", "observer"):
        with pytest.raises(PermissionDenied):
            door.add_need(world.a1, world.users[role], NeedInput("cause", "дефицит кадров"))
    assert not Need.objects.filter(school=world.a1).exists()


def test_measures_link_only_the_schools_own_activities_and_are_audited(world):
    need = door.add_need(world.a1, world.users["curator"], NeedInput("deficit", "Дефицит предметных компетенций"))
    own = list(world.roadmap.activities.values_list("pk", flat=True))[:2]
    other = PlannedActivity.objects.create(roadmap=Roadmap.objects.create(school=world.b1), title="Чужое")
    with pytest.raises(door.DiagnosisError):
        door.set_measures(need, [own[0], other.pk], world.users["coordinator"])
    assert door.set_measures(need, own, world.users["coordinator"]) == sorted(own)
    assert door.set_measures(need, own[:1], world.users["coordinator"]) == own[:1]
    assert list(need.measures.values_list("activity_id", flat=True)) == own[:1]
    assert AuditEvent.objects.filter(action="need.measures", school=world.a1).count() == 2


def test_registry_risk_profiles_become_risk_needs_once(world):
    status = world.a1.statuses.create(year=2021, status="shnor", basis_number="12")
    status.risk_profiles.set(Direction.objects.filter(framework__code="risk500", code__in=["R2", "R9"]))
    added = door.adopt_registry_risks(status, world.users["coordinator"])
    assert sorted(n.code for n in added) == ["R2", "R9"] and all(n.found_by == "registry" for n in added)
    assert door.adopt_registry_risks(status, world.users["coordinator"]) == []
    assert status.risk_profiles.count() == 2  # the registry keeps its field


def test_the_curator_adds_a_cause_on_the_web_and_the_school_page_shows_it(world):
    client = world.client("curator")
    response = client.post(reverse("need_add", args=[world.a1.pk]), {
        "kind": "cause", "text": "Высокая доля обучающихся с рисками учебной неуспешности", "group": "", "code": "",
        "period_text": "2021/2022 учебный год", "found_by": "curator", "source_name": "", "source_place": ""})
    assert response.status_code == 302
    page = client.get(reverse("school_detail", args=[world.a1.pk])).content.decode()
    assert "Диагностика" in page and "Высокая доля обучающихся с рисками учебной неуспешности" in page
    assert "2021/2022 учебный год" in page and reverse("need_add", args=[world.a1.pk]) in page


def test_bad_input_keeps_what_was_typed_and_says_what_to_fix(world):
    response = world.client("curator").post(reverse("need_add", args=[world.a1.pk]), {
        "kind": "cause", "text": "нет учителя", "code": "assessment_deficit", "found_by": "curator"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "другого вида" in body and "нет учителя" in body
    assert not Need.objects.filter(school=world.a1).exists()


def test_the_school_reads_its_diagnosis_without_edit_links(world):
    door.add_need(world.a1, world.users["curator"], NeedInput("cause", "Низкая учебная мотивация"))
    page = world.client("head").get(reverse("school_detail", args=[world.a1.pk])).content.decode()
    assert "Низкая учебная мотивация" in page
    assert reverse("need_add", args=[world.a1.pk]) not in page


def test_the_measures_page_suggests_by_activity_type_and_saves_the_choice(world):
    need = door.add_need(world.a1, world.users["curator"], NeedInput("deficit", "Дефицит предметных компетенций учителей математики"))
    courses = world.roadmap.activities.get(activity_type__code="pk_courses")
    mentoring = world.roadmap.activities.get(activity_type__code="mentoring")
    client = world.client("curator")
    page = client.get(reverse("need_measures", args=[world.a1.pk, need.pk])).content.decode()
    assert "предлагается: вид мероприятия направлен на эту потребность" in page
    assert client.post(reverse("need_measures", args=[world.a1.pk, need.pk]), {"activity": [courses.pk, mentoring.pk]}).status_code == 302
    assert set(need.measures.values_list("activity_id", flat=True)) == {courses.pk, mentoring.pk}


def test_the_diagnosis_exports_to_excel_scoped_to_the_user(world):
    door.add_need(world.a1, world.users["curator"], NeedInput("deficit", "Дефицит оценочных компетенций", source_name="Справка ЦНППМ"))
    door.add_need(world.b1, world.users["curator2"], NeedInput("cause", "Нет учителя физики"))
    body = _csv(world.client("municipal"), reverse("exchange_export", args=["needs", "csv"]))
    assert "Дефицит оценочных компетенций" in body and "оценочные компетенции" in body and "Справка ЦНППМ" in body
    assert "Нет учителя физики" not in body  # another municipality's school
    assert world.client("coordinator").get(reverse("exchange_export", args=["needs", "xlsx"])).status_code == 200
    assert "Дефицит" not in _csv(world.client("outsider"), reverse("exchange_export", args=["needs", "csv"]))


def _csv(client, url) -> str:
    return b"".join(client.get(url).streaming_content).decode("utf-8-sig")


def _upload(client, name: str, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(reverse("exchange_need_import"), {"file": SimpleUploadedFile(name, data)})


HEADER = "Код школы;Школа;Вид;Группа компетенций;Формулировка (как написано);Код по каталогу;Период;Кем выявлено;Документ-источник\n"


def test_a_filled_in_export_loads_back_without_duplicates_and_adds_new_rows(world):
    door.add_need(world.a1, world.users["curator"], NeedInput("deficit", "Дефицит оценочных компетенций", period_text="2021/2022 учебный год"))
    client = world.client("curator")
    exported = _csv(client, reverse("exchange_export", args=["needs", "csv"]))
    new_row = f"{world.a2.pk};;причина низких результатов;;Нет учителя физики;;2021/2022 учебный год;визит куратора;Отчёт куратора\n"
    data = exported.encode("utf-8")
    response = _upload(client, "diagnostika.csv", data)
    assert response.status_code in (200, 302), response.content[:500]
    assert Need.objects.filter(school=world.a1).count() == 1
    response = _upload(client, "dobavka.csv", (HEADER + new_row).encode("utf-8"))
    assert response.status_code in (200, 302)
    need = Need.objects.get(school=world.a2)
    assert (need.kind, need.code, need.found_by, need.source_name) == ("cause", "staff_shortage", "curator", "Отчёт куратора")


def test_one_wrong_row_loads_nothing_and_says_what_to_fix(world):
    rows = (f"{world.a2.pk};;причина;;Нет учителя физики;;;;\n"
            f"{world.a2.pk};;дефицит;;Затруднения в оценивании;staff_shortage;;;\n"
            f"{world.b1.pk};;причина;;Чужая школа;;;;\n")
    response = _upload(world.client("curator"), "oshibki.csv", (HEADER + rows).encode("utf-8"))
    body = response.content.decode()
    assert response.status_code == 400
    assert "не относится к виду" in body and "строка" in body.lower()
    assert not Need.objects.filter(school__in=[world.a2, world.b1]).exists()
