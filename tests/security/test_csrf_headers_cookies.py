"""CSRF on every form, security headers on every page, secure cookies and the rest of the production settings."""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from .matrix import RULES, build_objects, query

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted((ROOT / "shnor").rglob("templates/**/*.html"))


def test_every_post_form_in_every_template_carries_a_csrf_token():
    missing = []
    for path in TEMPLATES:
        text = path.read_text(encoding="utf-8")
        for form in re.finditer(r"<form\b[^>]*>(.*?)</form>", text, re.S | re.I):
            if re.search(r'method="post"', form.group(0)[:200], re.I) and "{% csrf_token %}" not in form.group(1):
                missing.append(f"{path.relative_to(ROOT)}: {form.group(0)[:80]}")
    assert len(TEMPLATES) > 20
    assert not missing, missing


@pytest.fixture
def objects(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return build_objects(world)


# Who may post to each page (the first allowed signed-in role): without a token they must still be refused.
@pytest.mark.parametrize("name", sorted(RULES))
def test_a_post_without_a_csrf_token_is_refused_everywhere(objects, name):
    rule = RULES[name]
    role = sorted(rule.allowed - {"anonymous"})[0]
    client = Client(enforce_csrf_checks=True)
    client.force_login(objects.world.users[role])
    response = client.post(reverse(name, kwargs=rule.kwargs(objects)) + query(rule, objects), rule.data)
    assert response.status_code == 403, (name, role, response.status_code)
    assert "Форма устарела" in response.content.decode()


def test_login_itself_needs_the_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "t_head", "password": "correct-horse-42"})
    assert response.status_code == 403


@pytest.mark.parametrize("url_name", ["login", "home", "campaign_list", "school_list"])
def test_security_headers_are_sent(world, url_name):
    client = world.client("coordinator") if url_name != "login" else Client()
    response = client.get(reverse(url_name))
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.mark.parametrize("url_name", ["login", "home", "school_list", "audit_log"])
def test_a_strict_content_security_policy_is_sent(world, url_name):
    client = world.client("coordinator") if url_name != "login" else Client()
    csp = policy(client.get(reverse(url_name)))
    assert csp["default-src"] == ["'self'"] and csp["script-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"] and csp["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in csp["style-src"] and "'unsafe-eval'" not in " ".join(sum(csp.values(), []))


def test_no_template_has_inline_script_or_inline_event_handlers_or_style_attributes():
    offenders = []
    for path in TEMPLATES:
        text = path.read_text(encoding="utf-8")
        rel = path.relative_to(ROOT).as_posix()
        if "core/render/templates" in rel:
            continue  # the справка document itself (DOCX/PDF/HTML renderings), not a page of the site
        for script in re.finditer(r"<script\b[^>]*>", text, re.I):
            if "src=" not in script.group(0):
                offenders.append(f"{rel}: inline {script.group(0)}")
        if re.search(r"<[^>]+\son[a-z]+\s*=", text, re.I):
            offenders.append(f"{rel}: an on…= handler")
        if re.search(r"<[^>]+\sstyle\s*=", text, re.I):
            offenders.append(f"{rel}: a style attribute")
        for style in re.finditer(r"<style\b[^>]*>", text, re.I):
            if "csp_nonce" not in style.group(0):
                offenders.append(f"{rel}: <style> without the request's nonce")
    assert not offenders, offenders


def test_the_spravka_preview_style_carries_the_nonce_of_its_header(world):
    response = world.client("coordinator").get(reverse("spravka", args=[world.campaign.code]))
    nonce = re.search(r'<style nonce="([^"]+)"', response.content.decode()).group(1)
    assert f"'nonce-{nonce}'" in policy(response)["style-src"]


def test_the_api_docs_run_their_scripts_from_files(world):
    for name in ("api-docs", "api-redoc"):
        response = Client().get(reverse(name))
        assert response.status_code == 200
        body = response.content.decode()
        assert not [s for s in re.findall(r"<script\b[^>]*>", body) if "src=" not in s], name
        assert policy(response)["script-src"] == ["'self'"]


def test_the_session_cookie_is_http_only_and_same_site(world):
    client = Client()
    response = client.post(reverse("login"), {"username": "t_head", "password": "correct-horse-42"})
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert not cookie["secure"]  # development over plain HTTP; production below


def _production_settings(**env) -> dict:
    code = ("import json, django; from django.conf import settings as s; django.setup(); "
            "print(json.dumps({k: getattr(s, k, None) for k in ['DEBUG', 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', "
            "'SECURE_HSTS_SECONDS', 'SECURE_SSL_REDIRECT', 'SECURE_PROXY_SSL_HEADER', 'SESSION_COOKIE_HTTPONLY', 'SECRET_KEY', "
            "'SESSION_ENGINE']}))")
    base = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG", "SHNOR_PRODUCTION", "CACHE_URL")}
    out = subprocess.run([sys.executable, "-c", code], env={**base, "DJANGO_SETTINGS_MODULE": "shnor.settings", **env},
                         capture_output=True, text=True, cwd=ROOT, timeout=120)
    return {"returncode": out.returncode, "stderr": out.stderr, **(json.loads(out.stdout) if out.returncode == 0 else {})}


def test_production_settings_make_cookies_secure_and_turn_on_hsts():
    s = _production_settings(SHNOR_PRODUCTION="1", SECRET_KEY=secrets.token_urlsafe(50))
    assert s["returncode"] == 0, s["stderr"]
    assert s["SESSION_COOKIE_SECURE"] and s["CSRF_COOKIE_SECURE"] and s["SESSION_COOKIE_HTTPONLY"]
    assert s["SECURE_HSTS_SECONDS"] >= 31536000 and s["SECURE_SSL_REDIRECT"]
    assert s["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert s["DEBUG"] is False


def test_sessions_are_read_through_the_cache_only_when_it_is_shared_and_in_memory():
    # A process-local cache would keep a session alive in the other workers after a logout.
    engine = "django.contrib.sessions.backends."
    assert _production_settings()["SESSION_ENGINE"] == engine + "db"
    assert _production_settings(SHNOR_PRODUCTION="1", SECRET_KEY=secrets.token_urlsafe(50))["SESSION_ENGINE"] == engine + "db"
    assert _production_settings(CACHE_URL="redis://127.0.0.1:6379/0")["SESSION_ENGINE"] == engine + "cached_db"


def test_production_refuses_to_start_without_its_own_secret_key():
    s = _production_settings(SHNOR_PRODUCTION="1")
    assert s["returncode"] != 0 and "SECRET_KEY must be set" in s["stderr"]


def test_a_bad_boolean_in_the_environment_fails_loudly():
    s = _production_settings(SHNOR_PRODUCTION="maybe")
    assert s["returncode"] != 0 and "SHNOR_PRODUCTION must be a boolean" in s["stderr"]


def test_the_deploy_checklist_passes_in_production():
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env.update(DJANGO_SETTINGS_MODULE="shnor.settings", SHNOR_PRODUCTION="1", ALLOWED_HOSTS="shnor.example.ru",
               SECRET_KEY=secrets.token_urlsafe(50))  # generated: a key written here would be a committed secret
    out = subprocess.run([sys.executable, "-m", "shnor.cli", "check", "--deploy", "--tag", "security"], env=env,
                         capture_output=True, text=True, cwd=ROOT, timeout=180)
    assert out.returncode == 0, out.stdout + out.stderr
    # HSTS preload (W021) is a commitment to the browsers' list that the operator makes, not a default.
    found = set(re.findall(r"\(security\.([WE]\d+)\)", out.stdout + out.stderr))
    assert found <= {"W021"}, out.stdout + out.stderr
