"""Load: the campaign page and the coverage API under 20 concurrent clients (target: p95 ≤ 150 ms, no errors).

gunicorn serves the bench database with several workers on 127.0.0.1; the load comes from a second process,
`wrk` (Debian package) with a Lua script that sends a coordinator's session cookie, or, where wrk is missing,
from the bounded Python generator below. Each URL is warmed up first (a worker's first request imports the
views), then loaded for BENCH_LOAD_SECONDS (default 10). BENCH_SCHOOLS sets the size of the campaign.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from .db import setup, synthetic_region
from .figures import Figure, bench_schools

CLIENTS = 20
TARGET_P95_MS = 150


@dataclass
class LoadResult:
    requests: int
    seconds: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    errors: int
    tool: str
    error_kinds: dict = field(default_factory=dict)

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(round(p / 100 * len(ordered) + 0.5)) - 1))]


def python_load(url: str, headers: dict[str, str], clients: int, seconds: float, expect: bytes = b"") -> LoadResult:
    """Closed-loop load: `clients` threads, each with its own keep-alive connection, for `seconds`."""
    parsed = urllib.request.urlparse(url)
    path = parsed.path + (f"?{parsed.query}" if parsed.query else "")
    latencies: list[float] = []
    errors: dict[str, int] = {}
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def worker():
        conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)
        mine, bad = [], {}
        while time.monotonic() < stop_at:
            start = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                body = response.read()
                if response.status != 200 or (expect and expect not in body):
                    bad[str(response.status)] = bad.get(str(response.status), 0) + 1
            except (OSError, http.client.HTTPException) as exc:
                bad[type(exc).__name__] = bad.get(type(exc).__name__, 0) + 1
                conn.close()
                conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)
                continue
            mine.append(time.perf_counter() - start)
        conn.close()
        with lock:
            latencies.extend(mine)
            for k, v in bad.items():
                errors[k] = errors.get(k, 0) + v

    started = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    ms = [x * 1000 for x in latencies]
    return LoadResult(len(ms), elapsed, _percentile(ms, 50), _percentile(ms, 95), _percentile(ms, 99), sum(errors.values()), "python", errors)


WRK_SCRIPT = """
wrk.headers["Cookie"] = "%(cookie)s"
wrk.headers["Accept"] = "%(accept)s"
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRKJSON {"requests": %%d, "duration_us": %%d, "p50": %%d, "p95": %%d, "p99": %%d, ' ..
    '"connect": %%d, "read": %%d, "write": %%d, "status": %%d, "timeout": %%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    e.connect, e.read, e.write, e.status, e.timeout))
end
"""


def wrk_load(url: str, cookie: str, accept: str, clients: int, seconds: float) -> LoadResult:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(WRK_SCRIPT % {"cookie": cookie, "accept": accept})
        script = f.name
    try:
        out = subprocess.run(["wrk", f"-t{min(2, clients)}", f"-c{clients}", f"-d{max(1, int(seconds))}s", "--timeout", "10s", "-s", script, url],
                             capture_output=True, text=True, timeout=seconds + 60, check=True).stdout
    finally:
        os.unlink(script)
    line = next(x for x in out.splitlines() if x.startswith("WRKJSON "))
    data = json.loads(line[len("WRKJSON "):])
    kinds = {k: data[k] for k in ("connect", "read", "write", "status", "timeout") if data[k]}
    return LoadResult(data["requests"], data["duration_us"] / 1e6, data["p50"] / 1000, data["p95"] / 1000, data["p99"] / 1000,
                      sum(kinds.values()), "wrk", kinds)


def load(url: str, cookie: str, accept: str, clients: int, seconds: float, expect: bytes = b"") -> LoadResult:
    if shutil.which("wrk"):
        return wrk_load(url, cookie, accept, clients, seconds)
    return python_load(url, {"Cookie": cookie, "Accept": accept}, clients, seconds, expect)


class Server:
    """gunicorn on a free loopback port, serving the database in DATABASE_URL (set by bench.db.setup)."""

    def __init__(self, workers: int):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ, DJANGO_SETTINGS_MODULE="shnor.settings", DB_CONN_MAX_AGE=os.environ.get("DB_CONN_MAX_AGE", "600"),
                   LOG_LEVEL="ERROR")
        self.log = tempfile.TemporaryFile()
        # With --preload the master sets Django up; importing the URLconf there too means every forked worker
        # starts with the views (and their scientific libraries) already imported, as in a production start.
        self.config = tempfile.NamedTemporaryFile("w", suffix=".py", delete=False)
        self.config.write("def on_starting(server):\n    from django.urls import get_resolver\n    get_resolver().url_patterns\n")
        self.config.close()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "shnor.wsgi", "--workers", str(workers), "--bind", f"127.0.0.1:{self.port}",
             "--preload", "--config", self.config.name, "--worker-class", os.environ.get("BENCH_WORKER_CLASS", "sync"), "--threads", os.environ.get("BENCH_THREADS", "1"), "--timeout", "120", "--log-level", "warning"],
            env=env, cwd=Path(__file__).resolve().parent.parent, stdout=self.log, stderr=self.log,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                if self.process.poll() is not None:
                    break
                time.sleep(0.2)
        self.stop()
        self.log.seek(0)
        raise RuntimeError("gunicorn did not start: " + self.log.read().decode(errors="replace")[-2000:])

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
        if os.path.exists(self.config.name):
            os.unlink(self.config.name)


def prime(url: str, cookie: str, accept: str, workers: int) -> None:
    """One request in every worker, waited for: a sync worker takes one connection at a time, so `workers` requests
    in flight at once are in as many workers. Each fills its own (process-local) cache, which at 50,000 schools
    takes longer than a warm-up round; without this the measured window held workers still on their first view."""
    def one():
        request = urllib.request.Request(url, headers={"Cookie": cookie, "Accept": accept})
        with urllib.request.urlopen(request, timeout=600) as response:
            response.read()

    threads = [threading.Thread(target=one) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def warm_up(url: str, cookie: str, accept: str, clients: int, limit_s: float = 90) -> None:
    """Load until two rounds in a row answer alike: every worker has imported its views and filled its cache."""
    deadline, previous = time.monotonic() + limit_s, None
    while time.monotonic() < deadline:
        result = load(url, cookie, accept, clients, 3)
        if result.requests and previous and result.p95_ms < 1.5 * previous:
            return
        previous = result.p95_ms if result.requests else None


def session_cookie(user) -> str:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def _check(url: str, cookie: str, accept: str, expect: bytes) -> None:
    request = urllib.request.Request(url, headers={"Cookie": cookie, "Accept": accept})
    with urllib.request.urlopen(request, timeout=120) as response:
        body = response.read()
        if response.status != 200 or expect not in body:
            raise RuntimeError(f"{url} answered {response.status} without the expected content")


def run() -> list[Figure]:
    setup()
    from django.contrib.auth import get_user_model
    from django.db import connection

    from shnor.monitoring.models import Campaign
    from shnor.registry.models import Membership

    n = bench_schools(1000)
    seconds = float(os.environ.get("BENCH_LOAD_SECONDS", 10))
    workers = int(os.environ.get("BENCH_WORKERS", 2 * (os.cpu_count() or 1) + 1))
    region = synthetic_region(n, seed=500 + n)
    campaign = Campaign.objects.filter(region=region, status="open").first()
    user, _ = get_user_model().objects.get_or_create(username=f"bench-coordinator-{region.pk}")
    Membership.objects.get_or_create(user=user, role="regional", region=region)
    cookie = session_cookie(user)
    database = f"{connection.vendor}, школ в кампании: {n}, воркеров gunicorn: {workers}, клиентов: {CLIENTS}, {seconds:.0f} с"
    connection.close()
    targets = [
        ("страница кампании (охват и сдача отчётов)", f"/campaigns/{campaign.code}/", "text/html", b'id="coverage-table"'),
        ("API охвата", f"/api/v1/campaigns/{campaign.code}/coverage/", "application/json", b'"rows"'),
    ]
    figures = []
    server = Server(workers)
    try:
        for label, path, accept, expect in targets:
            url = server.url + path
            try:
                _check(url, cookie, accept, expect)
            except Exception as exc:  # noqa: BLE001 — a missing endpoint is reported, not fatal
                figures.append(Figure("load", f"{label}: недоступно ({exc})", 0, "", f"p95 ≤ {TARGET_P95_MS} мс", False))
                continue
            prime(url, cookie, accept, workers)
            warm_up(url, cookie, accept, CLIENTS)
            result = load(url, cookie, accept, CLIENTS, seconds, expect)
            figures += [
                Figure("load", f"{label}: p95 ({database})", result.p95_ms, "мс", f"≤ {TARGET_P95_MS} мс", result.p95_ms <= TARGET_P95_MS),
                Figure("load", f"{label}: p50", result.p50_ms, "мс"),
                Figure("load", f"{label}: p99", result.p99_ms, "мс"),
                Figure("load", f"{label}: запросов в секунду ({result.tool})", result.per_second, "1/с"),
                Figure("load", f"{label}: ошибок из {result.requests}" + (f" {result.error_kinds}" if result.errors else ""),
                       result.errors, "шт.", "0", result.errors == 0),
            ]
    finally:
        server.stop()
    return figures
