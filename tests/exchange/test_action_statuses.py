"""Recommendations and decisions in Excel: the user's own export, filled in and loaded back as their execution."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from shnor.actions import door
from shnor.actions.models import Action
from shnor.exchange.actions import import_statuses

from .test_exports import get, sheet

pytestmark = pytest.mark.django_db


@pytest.fixture
def items(world):
    make = lambda text, addressee, **kw: door.create(world.users["coordinator"], kind="recommendation", region=world.region,  # noqa: E731
                                                     campaign=world.campaign, text=text, addressee_text=addressee, **kw)
    return {"m1": make("взять на контроль", "Органу местного самоуправления (Первый район)", deadline_text="до 01.12.2021"),
            "m2": make("обеспечить отчёты", "Органу местного самоуправления (Второй район)"),
            "cnppm": make("провести практикумы", "ЦНППМ")}


def export(world, role) -> bytes:
    status, body = get(world.client(role), reverse("exchange_export", args=["actions", "xlsx"]))
    assert status == 200
    return body


def fill(data: bytes, by_id: dict[int, dict]) -> bytes:
    """Change cells of the export's rows by the item's number: {pk: {column title: value}}."""
    book = load_workbook(io.BytesIO(data))
    ws = book.worksheets[0]
    rows = list(ws.iter_rows())
    header_at = next(i for i, r in enumerate(rows) if r[0].value == "Номер")
    titles = {c.value: c.column - 1 for c in rows[header_at]}
    for row in rows[header_at + 1:]:
        for title, value in by_id.get(row[0].value, {}).items():
            row[titles[title]].value = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_export_has_only_the_users_items(world, items):
    rows = sheet(export(world, "municipal"))
    assert rows[0][:6] == ("Номер", "Вид", "Рекомендация или решение", "Адресат", "Срок", "Состояние")
    assert [r[0] for r in rows[1:]] == [items["m1"].pk]
    assert rows[1][5] == "не начато" and rows[1][3] == "Органу местного самоуправления (Первый район)"
    assert len(sheet(export(world, "coordinator"))) == 4 and len(sheet(export(world, "outsider"))) == 1


def test_a_filled_in_export_loads_back_as_the_execution(world, items):
    data = fill(export(world, "municipal"), {items["m1"].pk: {"Состояние": "Выполнено", "Отметка об исполнении": "Проведено совещание",
                                                             "Приказ: номер": "125", "Приказ: дата": "15.11.2021"}})
    response = world.client("municipal").post(reverse("exchange_action_import"), {"file": _upload(data)})
    assert response.status_code == 302 or response.status_code == 200
    item = Action.objects.get(pk=items["m1"].pk)
    assert (item.status, item.note, item.order_number, item.order_date) == ("done", "Проведено совещание", "125", date(2021, 11, 15))
    assert item.status_changed_by == world.users["municipal"]


def test_one_wrong_row_loads_nothing_and_says_what_to_fix(world, items):
    data = fill(export(world, "coordinator"), {
        items["m1"].pk: {"Состояние": "выполнено", "Отметка об исполнении": "Сделано"},
        items["m2"].pk: {"Состояние": "почти готово"},
        items["cnppm"].pk: {"Приказ: дата": "31.02.2021", "Состояние": "в работе"},
    })
    result = import_statuses(data, "rekomendacii.xlsx", world.users["coordinator"])
    assert not result.committed
    lines = " ".join(result.error_lines())
    assert "«Состояние»: напишите" in lines and "«Приказ: дата»" in lines
    assert set(Action.objects.filter(region=world.region).values_list("status", flat=True)) == {"not_started"}


def test_rows_the_user_may_not_mark_are_refused(world, items):
    # The municipal coordinator of m1 loads the coordinator's export, with m2's row changed.
    data = fill(export(world, "coordinator"), {items["m2"].pk: {"Состояние": "выполнено", "Отметка об исполнении": "x"}})
    result = import_statuses(data, "rekomendacii.xlsx", world.users["municipal"])
    assert not result.committed and f"№ {items['m2'].pk} не найдены" in " ".join(result.error_lines())
    data = fill(export(world, "observer"), {items["m1"].pk: {"Состояние": "выполнено", "Отметка об исполнении": "x"}})
    result = import_statuses(data, "rekomendacii.xlsx", world.users["observer"])
    assert not result.committed and "отмечать исполнение может адресат" in " ".join(result.error_lines())
    assert Action.objects.get(pk=items["m1"].pk).status == "not_started"


def test_the_import_page_answers_everyone_signed_in_and_explains_a_bad_file(world):
    for role in ("outsider", "head", "municipal"):
        assert world.client(role).get(reverse("exchange_action_import")).status_code == 200
    assert world.client("anonymous").get(reverse("exchange_action_import")).status_code == 302
    response = world.client("head").post(reverse("exchange_action_import"), {"file": _upload(b"not a workbook", "x.xlsx")})
    assert response.status_code == 400


def _upload(data: bytes, name: str = "rekomendacii.xlsx"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)
