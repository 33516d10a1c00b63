"""Recommendations and decisions in Excel: the export (one row per item, the user's own) and the import of their
execution (status, note, order, link) in the same layout, so that an addressee can fill in a downloaded table and load
it back. All rows are checked first; one wrong row means nothing is written; each change goes through the door."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction

from shnor.actions import door
from shnor.actions.access import can_mark, visible_to
from shnor.core import actions as core
from shnor.core.documents.bounded import Limits
from shnor.core.sheets import Column, Table, parse_date, read_table
from shnor.core.text import fold

from .common import ImportResult, text

ACTION_COLUMNS = [
    Column("id", "Номер", required=True, aliases=("№", "id"), width=8),
    Column("kind", "Вид", width=18),
    Column("text", "Рекомендация или решение", width=60),
    Column("addressee", "Адресат", width=40),
    Column("deadline", "Срок", width=18),
    Column("status", "Состояние", required=True, width=16, example="выполнено"),
    Column("note", "Отметка об исполнении", width=40, example="Проведено совещание с руководителями школ"),
    Column("order_number", "Приказ: номер", aliases=("номер приказа",), width=12, example="125"),
    Column("order_date", "Приказ: дата", aliases=("дата приказа",), width=12, example="15.11.2021"),
    Column("evidence_url", "Ссылка на подтверждение", aliases=("ссылка",), width=36),
    Column("source", "Источник", width=40),
]
STATUS_BY_LABEL = {fold(label): code for code, label in core.STATUSES.items() if code in door.MARKABLE}


def actions_table(user, params, campaign=None) -> Table:
    """The user's recommendations and decisions (of one campaign, or all) in the status import's layout."""
    items = visible_to(user).order_by("deadline", "pk")
    if campaign is not None:
        items = items.filter(campaign=campaign)

    def rows():
        for a in items.iterator(2000):
            yield [a.pk, a.get_kind_display(), a.text, a.addressee, a.deadline_text, a.get_status_display(), a.note, a.order_number,
                   a.order_date, a.evidence_url, a.source]

    name = f"{campaign.code}-rekomendacii" if campaign else "rekomendacii"
    notes = ["Чтобы отметить исполнение, заполните столбцы «Состояние» (не начато, в работе, выполнено, не выполнено), "
             "«Отметка об исполнении», реквизиты приказа или ссылку и загрузите файл на странице «Обмен данными»."]
    return Table(name, "Рекомендации и решения", ACTION_COLUMNS, rows(), notes=notes)


@dataclass
class _Change:
    action: object
    status: str
    note: str
    order_number: str
    order_date: date | None
    evidence_url: str


def import_statuses(data: bytes, filename: str, user, *, commit: bool = True) -> ImportResult:
    """Read the statuses of a filled-in export; rows the user may not mark, unknown numbers and bad values are errors."""
    rows = read_table(data, filename, ACTION_COLUMNS, limits=Limits.of(settings))
    result = ImportResult(rows)
    ids = {}
    for row in rows:
        try:
            ids[row.number] = int(float(text(row.values.get("id"))))
        except ValueError:
            row.errors.append("в столбце «Номер» должен быть номер из выгрузки")
    visible = {a.pk: a for a in visible_to(user).filter(pk__in=set(ids.values())).prefetch_related("schools")}
    changes, seen = [], set()
    for row in rows:
        if row.errors:
            continue
        pk = ids[row.number]
        action = visible.get(pk)
        if action is None:
            row.errors.append(f"рекомендация или решение № {pk} не найдены среди доступных вам")
            continue
        if pk in seen:
            row.errors.append(f"№ {pk} встречается в файле дважды")
            continue
        seen.add(pk)
        change = _read(row, action, user)
        if change is None:
            continue
        if (change.status, change.note, change.order_number, change.order_date, change.evidence_url) == (
                action.status, action.note, action.order_number, action.order_date, action.evidence_url):
            result.unchanged += 1
            continue
        changes.append(change)
    if result.errors or not commit:
        return result
    with transaction.atomic():
        for c in changes:
            door.set_status(c.action, user, c.status, note=c.note, order_number=c.order_number, order_date=c.order_date,
                            evidence_url=c.evidence_url)
    result.updated, result.committed = len(changes), True
    return result


def _read(row, action, user) -> _Change | None:
    v = row.values
    status = STATUS_BY_LABEL.get(fold(text(v.get("status"))))
    if status is None:
        row.errors.append("«Состояние»: напишите «не начато», «в работе», «выполнено» или «не выполнено»")
    try:
        order_date = parse_date(v.get("order_date"))
    except ValueError:
        order_date = None
        row.errors.append("«Приказ: дата»: напишите дату так: 15.11.2021")
    url = text(v.get("evidence_url"))
    if url:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            row.errors.append("«Ссылка на подтверждение» должна начинаться с http:// или https://")
    note, number = text(v.get("note")), text(v.get("order_number"))
    if row.errors:
        return None
    unchanged = (status, note, number, order_date, url) == (action.status, action.note, action.order_number, action.order_date, action.evidence_url)
    if not unchanged and not can_mark(user, action):
        row.errors.append(f"№ {action.pk}: отмечать исполнение может адресат («{action.addressee}») или региональный координатор")
        return None
    if action.status == core.CANCELLED and not unchanged:
        row.errors.append(f"№ {action.pk} отменено: исполнение не отмечается")
        return None
    if not unchanged and status in (core.DONE, core.NOT_DONE) and not (note or number or url or action.evidence_file):
        row.errors.append("опишите в «Отметке об исполнении», что сделано (или почему не выполнено), или укажите приказ или ссылку")
        return None
    return _Change(action, status, note, number[:100], order_date, url)
