"""Every page for every demo role, on a phone (390 px) and a laptop (1366 px): no sideways scrolling, no serious
or critical accessibility violation (axe-core), no technical text.

The crawl starts at the home page, follows the navigation and the same-site links of the pages it reaches, and
visits one page per URL pattern (one report, one school…), at most MAX_PAGES per role, so that the six roles
take a couple of minutes. Every problem is collected; the test fails with the whole list.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Error as PlaywrightError

from shnor.demo.bryansk import DEMO_PASSWORD

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

ROLES = ("coordinator", "municipal", "curator", "head", "staff", "observer")
WIDTHS = (390, 1366)
MAX_PAGES = 30
SCREENSHOTS = Path("/tmp/shnor-pages")
SKIPPED = re.compile(r"^/(admin|logout|api)/|/evidence/|/download|/[^/]+\.[a-z0-9]+$")
# What a person must never read: Python reprs, internal rule ids and command names, tracebacks.
TECHNICAL = re.compile(
    r"<bound method|\{'|\[None|Traceback|object at 0x|shnor [a-z]+\b|reports_and_completion|\b[a-z]+_[a-z_]+\b"
    r"|\bNone\b|\bTrue\b|\bFalse\b"
)


def pattern(path: str) -> str:
    """/campaigns/bryansk-2021-h1/schools/12/ and …/schools/15/ are one pattern: numbers do not count."""
    return re.sub(r"\d+", "N", re.sub(r"/types/[^/]+/", "/types/X/", path))


def technical_text(text: str) -> list[str]:
    return sorted({m.group() for m in TECHNICAL.finditer(text)})


def check_page(page, axe, path: str, width: int) -> list[str]:
    problems = []
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    if overflow > 0:
        problems.append(f"{path} at {width} px scrolls sideways by {overflow} px")
    for word in technical_text(page.locator("body").inner_text()):
        problems.append(f"{path} at {width} px shows technical text {word!r}")
    results = axe.run(page, options={"resultTypes": ["violations"]})
    for violation in results.response["violations"]:
        if violation["impact"] in ("serious", "critical"):
            targets = ", ".join(str(node["target"]) for node in violation["nodes"][:3])
            problems.append(f"{path} at {width} px: axe {violation['id']} ({violation['impact']}): {targets}")
    return problems


def same_site_links(page, base: str) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
    paths = []
    for href in hrefs:
        url = urlsplit(href)
        if f"{url.scheme}://{url.netloc}" != base or SKIPPED.search(url.path):
            continue
        paths.append(url.path + (f"?{url.query}" if url.query else ""))
    return paths


def crawl(page, axe, base: str, role: str) -> tuple[list[str], int]:
    problems, seen, queue, visited = [], set(), ["/"], 0
    while queue and visited < MAX_PAGES:
        path = queue.pop(0)
        key = pattern(urlsplit(path).path)
        if key in seen:
            continue
        seen.add(key)
        try:
            response = page.goto(path)
        except PlaywrightError as exc:  # a file behind an address without an extension
            if "Download is starting" in str(exc):
                continue
            raise
        if response is None or "text/html" not in response.headers.get("content-type", ""):
            continue
        if response.status >= 400:
            problems.append(f"{path} answers {response.status} to {role}")
            continue
        visited += 1
        links = same_site_links(page, base)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            problems += check_page(page, axe, path, width)
            if path == "/" and width == 390:
                page.screenshot(path=str(SCREENSHOTS / f"{role}-home-390.png"), full_page=True)
        page.set_viewport_size({"width": 1366, "height": 900})
        queue += [link for link in links if pattern(urlsplit(link).path) not in seen]
    return problems, visited


def test_every_page_fits_a_phone_and_a_laptop_and_passes_axe(page, live_server):
    from axe_playwright_python.sync_playwright import Axe

    from shnor.demo.load import load_demo

    load_demo()  # a transactional test before this one may have flushed the session's demo data
    SCREENSHOTS.mkdir(exist_ok=True)
    page.set_default_timeout(60000)  # the dashboard's first, uncached rendering on a busy machine
    axe, problems = Axe(), []
    for role in ROLES:
        login(page, role, DEMO_PASSWORD)
        found, visited = crawl(page, axe, live_server.url, role)
        assert visited >= 3, f"{role} reached only {visited} pages"
        problems += [f"{role}: {p}" for p in found]
    assert not problems, "\n".join(problems)


def test_the_html_documents_fit_a_phone(page, live_server):
    """The documents' HTML versions (opened from the documents page) have wide tables: on a phone they scroll inside
    themselves, the page does not scroll sideways."""
    from shnor.demo.load import load_demo
    from shnor.monitoring.models import Campaign

    load_demo()
    campaign = Campaign.objects.get(code="bryansk-2021-h2")
    school = campaign.schools.order_by("pk").first()
    login(page, "coordinator", DEMO_PASSWORD)
    page.set_viewport_size({"width": 390, "height": 900})
    base = f"/campaigns/{campaign.code}/documents"
    problems = []
    for path in (f"{base}/spravka.html", f"{base}/plan-vs-actual.html", f"{base}/plan-vs-actual.html?school={school.pk}",
                 f"{base}/note.html", f"{base}/monitoring.html"):
        response = page.goto(path)
        assert response.status == 200 and "text/html" in response.headers["content-type"], path
        assert "monitoring" in path or page.locator("table").count() > 0, path  # the monitoring report has no table
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        if overflow > 0:
            problems.append(f"{path} scrolls sideways by {overflow} px")
    assert not problems, "\n".join(problems)
