"""The demo's recommendations and decisions of January–June 2021 and the next справка's section about them."""

from datetime import date
from io import BytesIO

import pytest
from docx import Document

from shnor.actions.models import Action
from shnor.actions.profile import items_for_school
from shnor.analysis import spravka
from shnor.demo.load import load_demo
from shnor.monitoring.models import Campaign

pytestmark = pytest.mark.django_db


def test_the_demo_has_mixed_statuses_for_every_kind_of_addressee():
    items = Action.objects.filter(campaign__code="bryansk-2021-h1")
    assert {a.addressee_kind for a in items} == {"cnppm", "regional", "all_schools", "municipality", "schools", "curators"}
    assert {a.status for a in items} == {"done", "in_progress", "not_started", "not_done"}
    rognedino = items.get(addressee_kind="municipality", municipality__name="Рогнединский район")
    assert rognedino.status == "done" and rognedino.evidence_order == "приказ от 14.09.2021 № 87" and rognedino.evidence_file
    load_demo()  # idempotent
    assert Action.objects.filter(campaign__code="bryansk-2021-h1").count() == items.count()


def test_the_next_spravka_reports_their_execution():
    following = Campaign.objects.get(code="bryansk-2021-h2")
    s = spravka.prepare(following, on=date(2022, 1, 25)).spravka
    lead = s.previous_tasks_lead.replace("\u00a0", " ")
    assert lead == "По итогам предыдущего периода — 5 рекомендаций и 3 управленческих решения; на 25 января 2022 г. выполнено 3 из 8, срок истёк у 2."
    assert {c["status"]: c["number"] for c in s.execution_counts} == {"выполнено": 3, "в работе": 3, "не начато": 1, "не выполнено": 1}
    overdue = {o.addressee: len(o.items) for o in s.execution_overdue}
    assert overdue == {"руководители ОО": 1, "Органу местного самоуправления в сфере образования (Гордеевский район)": 1}
    # The Word document lists them too: the default template's loop over each addressee's items used to fail on
    # them («Шаблон справки повреждён…» for every campaign with an overdue item).
    text = "\n".join(p.text for p in Document(BytesIO(spravka.render(s, "docx"))).paragraphs)
    assert "Срок истёк, не выполнено:" in text
    assert "руководители ОО:" in text and "Гордеевский район):" in text
    standing = next(t for t in s.previous_tasks if t["deadline"] == "постоянно")
    assert standing["status"] == "в работе"


def test_a_demo_schools_profile_lists_its_items():
    from shnor.registry.models import School

    gobik = School.objects.get(short_name="МБОУ «Гобикская СОШ»")
    profile = items_for_school(gobik)
    assert {r["status_label"] for r in profile["recommendations"]} == {"выполнено"}
    assert len(profile["recommendations"]) == 2 and len(profile["decisions"]) == 1
