"""Uploaded files only through the entitled view, no secrets in the repository, the audit log for coordinators."""

from __future__ import annotations

import re
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from shnor.audit.log import record
from shnor.audit.models import AuditEvent
from shnor.monitoring import workflow
from shnor.monitoring.models import Evidence
from shnor.monitoring.workflow import EntryChange, EvidenceInput

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def evidence(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    report = workflow.open_report(world.campaign, world.a1)
    entry = report.entries.first()
    upload = SimpleUploadedFile("<script>alert(1)</script>.html", b"<script>alert(1)</script>", content_type="text/html")
    workflow.save_report(report, world.users["head"], report.version, [EntryChange(entry.pk, entry.title, "done", "Есть приказ")],
                         evidence=[EvidenceInput(entry.pk, "file", file=upload)])
    return Evidence.objects.get(entry=entry)


def test_uploaded_files_are_not_reachable_by_their_storage_path(world, evidence):
    client = world.client("coordinator")
    for url in (f"/media/{evidence.file.name}", f"/static/../media/{evidence.file.name}", f"/{evidence.file.name}"):
        assert client.get(url).status_code == 404, url


def test_a_served_file_is_a_download_never_a_page_of_the_site(world, evidence):
    response = world.client("head").get(reverse("evidence_file", args=[evidence.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_file_missing_from_the_storage_is_not_found_not_a_server_error(world, evidence):
    evidence.file.storage.delete(evidence.file.name)
    response = world.client("head").get(reverse("evidence_file", args=[evidence.pk]))
    assert response.status_code == 404


def test_an_anonymous_visitor_is_sent_to_the_login_for_a_file(world, evidence):
    response = world.client("anonymous").get(reverse("evidence_file", args=[evidence.pk]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


# ---------------------------------------------------------------------------------------------- secrets

SECRET_PATTERNS = {
    "private key": re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
    "AWS access key": re.compile(r"\bAKIA[0-9A-Z]{16}\b"),
    "GitHub token": re.compile(r"\bgh[pousr]_[A-Za-z0-9]{30,}"),
    "Slack token": re.compile(r"\bxox[baprs]-[A-Za-z0-9-]{10,}"),
    "password in a database URL": re.compile(r"\b(?:postgres(?:ql)?|mysql|redis)://[^\s:/@'\"]+:[^\s@'\"]{3,}@"),
    "assigned secret": re.compile(r"""(?i)\b(?:SECRET_KEY|API_KEY|EMAIL_HOST_PASSWORD|AWS_SECRET_ACCESS_KEY)\s*=\s*['"][^'"\s]{8,}['"]"""),
}
# The development key is named as such and production refuses to start with it (tests/security/test_csrf_headers_cookies.py).
ALLOWED = {("shnor/settings.py", "dev-only-insecure-key-shnor-monitor")}
PLACEHOLDERS = re.compile(r"(?i)://[^:/@]+:(pass|password|пароль|secret|\*+|\.\.\.|<[^>]+>)@")


def tracked_files() -> list[str]:
    out = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return [line for line in out.splitlines() if line]


def test_no_secrets_are_committed():
    found = []
    for name in tracked_files():
        path = ROOT / name
        if path.suffix in {".xlsx", ".docx", ".pdf", ".png", ".jpg", ".joblib", ".bin", ".zip"} or not path.is_file():
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        for label, pattern in SECRET_PATTERNS.items():
            for match in pattern.finditer(text):
                if PLACEHOLDERS.search(match.group(0)):
                    continue  # documentation: «postgres://user:pass@host/db»
                if not any(name == f and token in match.group(0) for f, token in ALLOWED):
                    found.append(f"{name}: {label}: {match.group(0)[:60]}")
    assert not found, found


def test_no_environment_or_key_files_are_committed():
    risky = [n for n in tracked_files() if re.search(r"(^|/)(\.env(\..*)?|.*\.pem|.*\.key|id_rsa.*|.*\.sqlite3)$", n)]
    assert not risky, risky


def test_var_and_media_are_ignored_by_git():
    ignored = subprocess.run(["git", "check-ignore", "var/shnor.sqlite3", "var/media/evidence/1/1/x.pdf"], cwd=ROOT,
                             capture_output=True, text=True).stdout.split()
    assert ignored == ["var/shnor.sqlite3", "var/media/evidence/1/1/x.pdf"]


# ---------------------------------------------------------------------------------------------- audit log

@pytest.fixture
def events(world):
    u = world.users
    now = timezone.now()
    made = {
        "a1": record(u["head"], "report.edit", None, "Изменён отчёт Альфы", school=world.a1),
        "b1": record(u["head_b1"], "report.submit", None, "Отправлен отчёт школы № 2", school=world.b1),
        "region": record(u["coordinator"], "campaign.create", world.campaign, "Создана кампания", region=world.region),
        "far": record(u["far_coordinator"], "campaign.create", None, "Кампания дальнего региона", region=world.other_region),
        "far_school": record(None, "report.edit", None, "Отчёт дальней школы", school=world.far),
        "m1": record(u["coordinator"], "indicators.import", None, "Показатели Первого района", municipality=world.m1),
        "finding": record(u["coordinator"], "finding.add", None, "Вывод: школа № 2 Второго района отстаёт", region=world.region),
    }
    AuditEvent.objects.filter(pk=made["b1"].pk).update(at=now - timedelta(days=10))
    return made


def shown(client, query="") -> set[str]:
    body = client.get(reverse("audit_log") + query).content.decode()
    return {s for s in EVENT_TEXTS if s in body}


EVENT_TEXTS = ("Изменён отчёт Альфы", "Отправлен отчёт школы № 2", "Создана кампания", "Кампания дальнего региона",
               "Отчёт дальней школы", "Показатели Первого района", "Вывод: школа № 2 Второго района отстаёт")
REGION_WIDE = {"Изменён отчёт Альфы", "Отправлен отчёт школы № 2", "Создана кампания", "Показатели Первого района",
               "Вывод: школа № 2 Второго района отстаёт"}


def test_each_coordinator_sees_only_the_events_of_their_schools_and_region(world, events):
    assert shown(world.client("coordinator")) == REGION_WIDE
    assert shown(world.client("far_coordinator")) == {"Кампания дальнего региона", "Отчёт дальней школы"}
    for role in ("head", "curator", "observer", "outsider"):
        assert world.client(role).get(reverse("audit_log")).status_code == 403, role


def test_a_municipal_coordinator_sees_their_district_and_no_region_level_events(world, events):
    # Region-level events (findings, reminders, campaign-wide imports) name schools of every district.
    assert shown(world.client("municipal")) == {"Изменён отчёт Альфы", "Показатели Первого района"}
    assert shown(world.client("municipal2")) == {"Отправлен отчёт школы № 2"}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_audit_exports_are_scoped_like_the_page(world, events, fmt):
    from io import BytesIO

    from openpyxl import load_workbook

    def exported(role) -> set[str]:
        response = world.client(role).get(reverse("exchange_export", args=["audit", fmt]))
        assert response.status_code == 200
        content = b"".join(response.streaming_content) if response.streaming else response.content
        if fmt == "xlsx":
            sheet = load_workbook(BytesIO(content)).active
            text = "\n".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None)
        else:
            text = content.decode("utf-8-sig", errors="replace")
        return {s for s in EVENT_TEXTS if s in text}

    assert exported("coordinator") == REGION_WIDE
    assert exported("municipal") == {"Изменён отчёт Альфы", "Показатели Первого района"}


def test_a_coordinator_always_sees_their_own_events(world, events):
    record(world.users["municipal"], "campaign.remind", None, "Напоминание от муниципального координатора", region=world.region)
    assert "Напоминание от муниципального координатора" in world.client("municipal").get(reverse("audit_log")).content.decode()
    assert "Напоминание от муниципального координатора" not in world.client("municipal2").get(reverse("audit_log")).content.decode()


@pytest.mark.parametrize("value", ["99999999999999999999", "²", "abc"])
def test_a_huge_or_odd_school_id_in_the_audit_filter_is_explained_not_a_500(world, events, value):
    response = world.client("coordinator").get(reverse("audit_log") + f"?school={value}")
    assert response.status_code == 200 and "фильтр по школе не применён" in response.content.decode()
    assert world.client("coordinator").get(reverse("exchange_export", args=["audit", "csv"]) + f"?school={value}").status_code == 404


def test_the_audit_log_filters_by_action_user_school_and_dates(world, events):
    client = world.client("coordinator")
    assert shown(client, "?action=report.") == {"Изменён отчёт Альфы", "Отправлен отчёт школы № 2"}
    assert shown(client, "?action=campaign.") == {"Создана кампания"}
    assert shown(client, "?user=t_head_b1") == {"Отправлен отчёт школы № 2"}
    assert shown(client, f"?school={world.a1.pk}") == {"Изменён отчёт Альфы"}
    today = timezone.localdate()
    assert shown(client, f"?since={today:%Y-%m-%d}") == REGION_WIDE - {"Отправлен отчёт школы № 2"}
    assert shown(client, f"?until={today - timedelta(days=5):%Y-%m-%d}") == {"Отправлен отчёт школы № 2"}
    # A school of another region cannot be reached by its id either.
    assert shown(world.client("coordinator"), f"?school={world.far.pk}") == set()


def test_a_bad_date_in_the_filter_gets_a_russian_message_not_an_error(world, events):
    response = world.client("coordinator").get(reverse("audit_log") + "?since=31.02.2024&until=завтра")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Дата «31.02.2024» не распознана" in body and "Дата «завтра» не распознана" in body


def test_the_audit_log_cannot_be_changed_in_the_admin(world, events):
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.create_superuser("t_admin", "a@test.example", "Very-long-passphrase-42"))
    pk = events["a1"].pk
    assert client.get(reverse("admin:audit_auditevent_change", args=[pk])).status_code == 200  # read only
    client.post(reverse("admin:audit_auditevent_delete", args=[pk]), {"post": "yes"})
    assert AuditEvent.objects.filter(pk=pk).exists()
    assert client.get(reverse("admin:audit_auditevent_add")).status_code == 403
