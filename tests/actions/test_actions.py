"""Recommendations and decisions: who sees them, who marks their execution, what the school's profile gets."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from shnor.actions import door
from shnor.actions.access import can_mark, visible_to
from shnor.actions.profile import items_for_school
from shnor.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def make(world, text, addressee="", kind="recommendation", **kwargs):
    return door.create(world.users["coordinator"], kind=kind, region=world.region, campaign=world.campaign, text=text,
                       addressee_text=addressee, **kwargs)


@pytest.fixture
def items(world):
    return {
        "muni": make(world, "взять на контроль дорожные карты", "Органу местного самоуправления в сфере образования (Первый район)",
                     deadline_text="до 01.12.2021"),
        "muni2": make(world, "обеспечить отчёты", "Органу местного самоуправления в сфере образования (Второй район)"),
        "alfa": make(world, "провести мероприятия по направлению", "Образовательным организациям: МБОУ «Альфа СОШ»", school_ids=[world.a1.pk]),
        "all": make(world, "подготовить отчёт за следующий период", "руководители ОО", kind="decision", deadline_text="постоянно"),
        "cnppm": make(world, "запланировать практикумы", "ЦНППМ", kind="decision", deadline_text="с 1 сентября 2021 г."),
        "curators": make(world, "проверять подтверждения", "Кураторам школ: МБОУ Бета ООШ", school_ids=[world.a2.pk]),
    }


def test_an_addressee_is_read_into_its_kind_place_and_schools(world, items):
    assert (items["muni"].addressee_kind, items["muni"].municipality) == ("municipality", world.m1)
    assert items["muni"].deadline == date(2021, 12, 1)
    assert (items["alfa"].addressee_kind, list(items["alfa"].schools.all())) == ("schools", [world.a1])
    assert (items["all"].addressee_kind, items["all"].municipality, items["all"].is_standing) == ("all_schools", None, True)
    assert items["cnppm"].addressee_kind == "cnppm" and items["cnppm"].starts_on == date(2021, 9, 1) and items["cnppm"].deadline is None
    assert items["curators"].addressee_kind == "curators"
    assert AuditEvent.objects.filter(action="action.create", object_id=str(items["muni"].pk)).exists()


@pytest.mark.parametrize("role, seen", [
    ("coordinator", {"muni", "muni2", "alfa", "all", "cnppm", "curators"}),
    ("observer", {"muni", "muni2", "alfa", "all", "cnppm", "curators"}),
    ("municipal", {"muni", "alfa", "all", "curators"}),
    ("municipal2", {"muni2", "all"}),
    ("head", {"alfa", "all"}),
    ("head_b1", {"all"}),
    ("curator", {"alfa", "all", "curators"}),
    ("far_coordinator", set()),
    ("outsider", set()),
])
def test_each_sees_the_items_addressed_to_them(world, items, role, seen):
    names = {v.pk: k for k, v in items.items()}
    assert {names[a.pk] for a in visible_to(world.users[role])} == seen
    page = world.client(role).get(reverse("task_list")).content.decode()
    for name, item in items.items():
        assert (item.text in page) == (name in seen), (role, name)


@pytest.mark.parametrize("role, marks", [
    ("coordinator", {"muni", "muni2", "alfa", "all", "cnppm", "curators"}),
    ("municipal", {"muni", "alfa"}),
    ("head", {"alfa"}),
    ("observer", set()),
    ("curator", set()),
])
def test_only_the_addressees_own_users_mark_execution(world, items, role, marks):
    assert {k for k, v in items.items() if can_mark(world.users[role], v)} == marks


def test_the_observer_sees_no_mark_button(world, items):
    page = world.client("observer").get(reverse("task_list")).content.decode()
    assert items["muni"].text in page and "Отметить исполнение" not in page
    assert "Отметить исполнение" in world.client("municipal").get(reverse("task_list")).content.decode()


def test_a_municipal_coordinator_marks_their_item_done_with_an_order_and_a_file(world, items):
    item = items["muni"]
    response = world.client("municipal").post(reverse("task_done", args=[item.pk]), {
        "status": "done", "note": "Проведено совещание с руководителями", "order_number": "125", "order_date": "15.11.2021",
        "evidence_file": SimpleUploadedFile("prikaz.pdf", b"%PDF-1.4 test"), "expected": "not_started"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.status, item.order_number, item.order_date) == ("done", "125", date(2021, 11, 15))
    assert item.evidence_order == "приказ от 15.11.2021 № 125" and item.status_changed_by == world.users["municipal"]
    event = AuditEvent.objects.get(action="action.status", object_id=str(item.pk))
    assert event.municipality == world.m1 and event.changes["status"] == ["not_started", "done"]
    download = world.client("municipal").get(reverse("action_evidence", args=[item.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4 test"
    for role in ("outsider", "municipal2", "head_b1", "far_coordinator"):
        assert world.client(role).get(reverse("action_evidence", args=[item.pk])).status_code == 404, role


@pytest.mark.parametrize("role, code", [("municipal2", 404), ("head", 404), ("outsider", 404), ("far_coordinator", 404), ("observer", 403)])
def test_others_cannot_mark_it(world, items, role, code):
    item = items["muni"]
    response = world.client(role).post(reverse("task_done", args=[item.pk]), {"status": "done", "note": "сделано"})
    assert response.status_code == code
    item.refresh_from_db()
    assert item.status == "not_started"


def test_bad_input_is_explained_and_changes_nothing(world, items):
    client = world.client("municipal")
    item = items["muni"]
    cases = [
        ({"status": "done"}, "Опишите, что сделано"),
        ({"status": "done", "note": "x", "order_date": "31.02.2021"}, "Дату приказа напишите так"),
        ({"status": "done", "note": "x", "evidence_file": SimpleUploadedFile("virus.exe", b"MZ")}, "такой тип файла не принимается"),
        ({"status": "done", "note": "x", "evidence_url": "javascript:alert(1)"}, "Ссылка должна начинаться"),
        ({"status": "cancelled", "note": "x"}, "Исполнение не отмечено"),
        ({"status": "done", "note": "x", "expected": "in_progress"}, "изменено другим пользователем"),
    ]
    for data, message in cases:
        response = client.post(reverse("task_done", args=[item.pk]), data, follow=True)
        assert response.status_code == 200 and message in response.content.decode(), data
        item.refresh_from_db()
        assert item.status == "not_started", data


def test_a_refused_mark_comes_back_open_with_what_was_typed(world, items):
    item = items["muni"]
    response = world.client("municipal").post(reverse("task_done", args=[item.pk]), {
        "status": "in_progress", "note": "Совещание назначено", "order_number": "77-ОД", "order_date": "31.02.2021",
        "evidence_file": SimpleUploadedFile("prikaz.pdf", b"%PDF-1.4 test")})
    body = response.content.decode()
    assert response.status_code == 200 and "Дату приказа напишите так: 01.09.2021." in body
    assert "Файл подтверждения приложите ещё раз." in body
    row = body.split(f'id="task-{item.pk}"')[1].split("</tr>")[0]
    assert "<details open>" in row and "Совещание назначено</textarea>" in row
    assert 'value="77-ОД"' in row and 'value="31.02.2021" aria-invalid="true"' in row
    assert '<option value="in_progress" selected>' in row
    item.refresh_from_db()
    assert item.status == "not_started" and item.note == ""


def test_a_head_marks_their_schools_item_in_progress(world, items):
    item = items["alfa"]
    response = world.client("head").post(reverse("task_done", args=[item.pk]), {"status": "in_progress", "note": "начали",
                                                                                "evidence_url": "https://alfa.example/plan"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == "in_progress" and item.evidence_url == "https://alfa.example/plan"


def test_a_cancelled_item_is_not_marked(world, items):
    assert door.cancel(items["cnppm"], world.users["coordinator"], "исключено из справки")
    with pytest.raises(door.ActionError):
        door.set_status(items["cnppm"], world.users["coordinator"], "done", note="x")


def test_a_schools_profile_has_its_own_its_municipalitys_and_all_schools_items(world, items):
    profile = items_for_school(world.a1)
    recs = {r["text"] for r in profile["recommendations"]}
    assert recs == {items["muni"].text, items["alfa"].text}
    assert [d["text"] for d in profile["decisions"]] == [items["all"].text]
    first = next(r for r in profile["recommendations"] if r["text"] == items["muni"].text)
    assert first["addressee"] == "Органу местного самоуправления в сфере образования (Первый район)"
    assert (first["deadline_text"], first["status"], first["status_label"]) == ("до 01.12.2021", "not_started", "не начато, срок истёк")
    assert first["source"] == ""
    other = items_for_school(world.b1)
    assert [r["text"] for r in other["recommendations"]] == [items["muni2"].text] and len(other["decisions"]) == 1


def test_a_municipalitys_part_of_the_next_spravka_reports_only_its_items(world, items):
    from shnor.analysis import spravka
    from shnor.monitoring.models import Campaign

    following = Campaign.objects.create(code="test-2022-h1", title="Следующий мониторинг", region=world.region, period_start=date(2022, 1, 1),
                                        period_end=date(2022, 5, 31), framework=world.framework, due_date=date(2022, 6, 10), previous=world.campaign)
    following.schools.set([world.a1, world.a2, world.b1])
    part = spravka.prepare(following, [world.a1.pk, world.a2.pk], whole=False).spravka
    assert {t["text"] for t in part.previous_tasks} == {items["muni"].text, items["alfa"].text, items["all"].text, items["curators"].text}
    whole = spravka.prepare(following).spravka
    assert {t["text"] for t in whole.previous_tasks} == {i.text for i in items.values()}


def test_a_municipality_is_found_by_its_whole_name_in_any_case(world):
    from shnor.actions.door import find_municipality

    assert find_municipality(world.region, "Органу местного самоуправления Первого района") == world.m1
    assert find_municipality(world.region, "ОМСУ (Второй район)") == world.m2
    assert find_municipality(world.region, "Органам управления образованием в первую очередь") is None
    assert find_municipality(world.region, "Дальний район") is None  # another region's
