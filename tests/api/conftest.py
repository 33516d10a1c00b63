"""Helpers for the API tests: JSON calls as a role of `world`, and reports brought to a given state."""

from __future__ import annotations

import json

import pytest

ROLES = ["anonymous", "outsider", "far_coordinator", "coordinator", "municipal", "municipal2", "curator", "curator2",
         "head", "staff", "head_b1", "observer"]


class Api:
    def __init__(self, world):
        self.world = world
        self._clients = {}

    def client(self, role: str):
        if role not in self._clients:
            self._clients[role] = self.world.client(role)
        return self._clients[role]

    def call(self, role: str, method: str, url: str, data=None, **extra):
        client = self.client(role)
        if method == "get":
            return client.get(url, data or {}, **extra)
        body = json.dumps(data if data is not None else {}, ensure_ascii=False)
        return getattr(client, method)(url, body, content_type="application/json", **extra)

    def get(self, role, url, data=None):
        return self.call(role, "get", url, data)

    def post(self, role, url, data=None):
        return self.call(role, "post", url, data)

    def patch(self, role, url, data=None):
        return self.call(role, "patch", url, data)


@pytest.fixture
def api(world) -> Api:
    return Api(world)


def open_report(world):
    from shnor.monitoring import workflow

    return workflow.open_report(world.campaign, world.a1)


def submitted_report(world):
    from shnor.monitoring import workflow
    from shnor.monitoring.workflow import EntryChange

    report = open_report(world)
    changes = [EntryChange(e.pk, e.title, "done", "Сделано") for e in report.entries.all()]
    report = workflow.save_report(report, world.users["head"], report.version, changes)
    return workflow.submit(report, world.users["head"], report.version)


def certified_report(world):
    from shnor.monitoring import workflow

    report = submitted_report(world)
    return workflow.certify(report, world.users["curator"], report.version)
