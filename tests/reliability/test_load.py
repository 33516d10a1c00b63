"""A short load on the live server over loopback: readers and a writer at once, no error of any kind."""

from __future__ import annotations

import http.client
import re
import threading
import urllib.parse
import urllib.request

import pytest
from django.db import connection
from django.urls import reverse

from bench.load import python_load
from shnor.monitoring import workflow
from shnor.monitoring.workflow import EntryChange

pytestmark = pytest.mark.slow

SECONDS = 3
CLIENTS = 4


def test_pages_under_concurrent_load_answer_without_errors(live_server, world):
    u = world.users
    report = workflow.open_report(world.campaign, world.a1)
    report = workflow.save_report(report, u["head"], report.version, [EntryChange(e.pk, e.title, "done", "Сделано") for e in report.entries.all()])
    workflow.certify(workflow.submit(report, u["head"], report.version), u["curator"], report.version + 1)
    coordinator = world.client("coordinator")
    cookie = f"sessionid={coordinator.cookies['sessionid'].value}"
    pages = {
        reverse("campaign_detail", args=[world.campaign.code]): b'id="coverage-table"',
        reverse("school_list"): world.a1.short_name.encode(),
        reverse("report_detail", args=[world.campaign.code, world.a1.pk]): "Отчёт".encode(),
        reverse("exchange_campaign_export", args=[world.campaign.code, "coverage", "csv"]): "Направление".encode(),
    }
    # A head keeps editing another school's report through the same server while the readers read: every save
    # changes the campaign's stamp, so caches are refilled under load too.
    stop = threading.Event()
    writes, failures = [], []
    edit_url = live_server.url + reverse("report_edit", args=[world.campaign.code, world.b1.pk])
    host, port = urllib.parse.urlparse(live_server.url).hostname, urllib.parse.urlparse(live_server.url).port
    edit_path = reverse("report_edit", args=[world.campaign.code, world.b1.pk])
    head_cookie = f"sessionid={world.client('head_b1').cookies['sessionid'].value}"

    def writer():
        try:
            while not stop.is_set():
                with urllib.request.urlopen(urllib.request.Request(edit_url, headers={"Cookie": head_cookie}), timeout=30) as page:
                    html = page.read().decode()
                    csrf_cookie = next(c.split(";")[0] for c in page.headers.get_all("Set-Cookie") or [] if c.startswith("csrftoken="))
                token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
                version = re.search(r'name="version" value="(\d+)"', html).group(1)
                data = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "version": version, "summary": f"Правка {len(writes)}"}).encode()
                conn = http.client.HTTPConnection(host, port, timeout=30)
                conn.request("POST", edit_path, body=data, headers={"Cookie": f"{head_cookie}; {csrf_cookie}",
                                                                    "Content-Type": "application/x-www-form-urlencoded"})
                response = conn.getresponse()
                response.read()
                conn.close()
                if response.status != 302:  # a saved form redirects back to itself
                    failures.append(response.status)
                writes.append(version)
        except Exception as exc:  # noqa: BLE001 — reported by the assertion below
            failures.append(exc)

    # SQLite's in-memory test database shares one cache between connections with table locks that fail at once
    # instead of waiting; the file database the application runs on (WAL) lets readers read during a write.
    with_writer = connection.vendor == "postgresql"
    thread = threading.Thread(target=writer)
    if with_writer:
        thread.start()
    try:
        for path, expect in pages.items():
            result = python_load(live_server.url + path, {"Cookie": cookie}, CLIENTS, SECONDS / len(pages) + 0.5, expect)
            assert result.requests > 0, path
            assert result.errors == 0, (path, result.error_kinds)
    finally:
        stop.set()
        if with_writer:
            thread.join(timeout=30)
    assert not failures
    if with_writer:
        assert len(writes) > 3 and world.b1.reports.get(campaign=world.campaign).summary.startswith("Правка")
