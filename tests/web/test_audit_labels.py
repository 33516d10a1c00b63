"""Every action the code writes to the audit log has its Russian name on the audit page: none is shown as
«другое действие» (the page never shows the code itself)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import shnor
from shnor.audit.describe import ACTIONS, action_label

CODE = re.compile(r"[a-z_]+(\.[a-z_]+)+")


def recorded_actions() -> dict[str, str]:
    """Action codes written by the code (record's second argument, or an `action=` handed on to it) → where."""
    found = {}
    for path in Path(shnor.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            places = [node.args[1]] if name == "record" and len(node.args) >= 2 else []
            places += [k.value for k in node.keywords if k.arg == "action"]
            for place in places:
                for constant in ast.walk(place):
                    if isinstance(constant, ast.Constant) and isinstance(constant.value, str) and CODE.fullmatch(constant.value):
                        found.setdefault(constant.value, str(path))
    return found


def test_every_action_the_code_records_has_a_russian_name():
    recorded = recorded_actions()
    assert {"report.certify", "campaign.close", "roadmap.edit", "document.bundle.replace", "need.add"} <= set(recorded)
    assert {code: where for code, where in recorded.items() if code not in ACTIONS} == {}
    assert action_label("report.recall") == "отчёт отозван руководителем"
    assert action_label("something.new") == "другое действие"


def test_the_changes_column_names_things_in_russian_not_by_keys_or_ids(world):
    from shnor.audit.describe import changes_lines
    from shnor.audit.models import AuditEvent
    from shnor.diagnosis.door import NeedInput, add_need, set_measures

    activity = world.roadmap.activities.order_by("pk").first()
    need = add_need(world.a1, world.users["curator"], NeedInput("deficit", "Дефицит оценочных компетенций " + "учителей " * 30))
    set_measures(need, [activity.pk], world.users["curator"])
    measures = AuditEvent.objects.filter(action="need.measures").latest("pk")
    assert changes_lines(measures.changes) == [f"мероприятия дорожной карты: — → «{activity}»"]
    added = AuditEvent.objects.filter(action="need.add").latest("pk")
    assert added.summary.endswith("учителей…»") and len(added.summary) < 200  # a long text is cut at a word, marked
    assert changes_lines({"scope": "region", "actions_created": 3}) == ["охват: весь регион", "решений и рекомендаций записано: 3"]
    assert changes_lines({"scope": f"mun-{world.m1.pk}"}) == [f"охват: {world.m1.name}"]
    assert changes_lines({"entries": 12}) == ["записей: 12"]  # a count stays a count
