"""Authentication (session with CSRF, tokens), and every bad request answered with a JSON error."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token

from shnor.audit.models import AuditEvent

from .conftest import open_report


def _token(username: str) -> str:
    out = StringIO()
    call_command("apitoken", username, stdout=out, stderr=StringIO())
    return out.getvalue().strip()


def test_a_token_from_the_command_opens_the_api_with_the_users_rights(world):
    key = _token("t_head")
    assert Token.objects.get(user=world.users["head"]).key == key
    assert AuditEvent.objects.filter(action="api.token_issue").exists()
    client = Client(HTTP_AUTHORIZATION=f"Token {key}")
    schools = client.get("/api/v1/schools/").json()
    assert [s["id"] for s in schools["results"]] == [world.a1.pk]
    assert client.get(f"/api/v1/schools/{world.b1.pk}/").status_code == 404


def test_a_token_client_posts_without_csrf(world):
    key = _token("t_head")
    client = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Token {key}")
    response = client.post("/api/v1/reports/", {"campaign": world.campaign.code, "school": world.a1.pk}, content_type="application/json")
    assert response.status_code == 201


def test_a_wrong_or_revoked_token_gets_401_json(world):
    response = Client(HTTP_AUTHORIZATION="Token not-a-real-key").get("/api/v1/schools/")
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed" and "токен" in response.json()["detail"]
    assert response["WWW-Authenticate"] == "Token"
    key = _token("t_coordinator")
    call_command("apitoken", "t_coordinator", "--revoke", stdout=StringIO())
    assert Client(HTTP_AUTHORIZATION=f"Token {key}").get("/api/v1/schools/").status_code == 401
    assert Client(HTTP_AUTHORIZATION="Token").get("/api/v1/schools/").json()["code"] == "authentication_failed"


def test_reset_issues_a_new_token(world):
    first = _token("t_curator")
    out = StringIO()
    call_command("apitoken", "t_curator", "--reset", stdout=out)
    assert out.getvalue().strip() not in ("", first)


def test_the_command_refuses_an_unknown_user(world):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Активного пользователя «nobody» нет"):
        call_command("apitoken", "nobody")


def test_a_browser_session_must_send_the_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["head"])
    body = {"campaign": world.campaign.code, "school": world.a1.pk}
    refused = client.post("/api/v1/reports/", body, content_type="application/json")
    assert refused.status_code == 403
    assert refused.json()["code"] == "forbidden" and "CSRF" in refused.json()["detail"]
    csrf = "k" * 32  # in a browser the cookie comes with any page that has a form
    client.cookies["csrftoken"] = csrf
    accepted = client.post("/api/v1/reports/", body, content_type="application/json", HTTP_X_CSRFTOKEN=csrf)
    assert accepted.status_code == 201


BAD_REQUESTS = [
    ("post", "/api/v1/reports/", "{not json", "application/json", 400, "invalid"),
    ("post", "/api/v1/reports/", "[1, 2]", "application/json", 400, "invalid"),
    ("post", "/api/v1/reports/", "campaign=x", "text/plain", 415, "unsupported_media_type"),
    ("put", "/api/v1/reports/{report}/", "{}", "application/json", 405, "method_not_allowed"),
    ("delete", "/api/v1/campaigns/{campaign}/", "", "application/json", 405, "method_not_allowed"),
    ("get", "/api/v1/no-such-thing/", "", "", 404, "not_found"),
    ("get", "/api/v1/reports/abc/", "", "", 404, "not_found"),
    ("post", "/api/v1/intake/%0A/review/", "{}", "application/json", 404, "not_found"),
    ("get", "/api/v1/reports/99999999999999999999999999/", "", "", 404, "not_found"),
    ("get", "/api/v1/schools/?municipality=99999999999999999999999999", "", "", 400, "invalid"),
    ("get", "/api/v1/schools/?municipality=1.5", "", "", 400, "invalid"),
    ("get", "/api/v1/schools/?status=nonsense", "", "", 400, "invalid"),
    ("get", "/api/v1/schools/?q=%00", "", "", 400, "invalid"),
    ("get", "/api/v1/campaigns/{campaign}/coverage/?submitted=maybe", "", "", 400, "invalid"),
    ("get", "/api/v1/reports/?limit=-5&offset=abc", "", "", 200, None),
    ("post", "/api/v1/reports/{report}/submit/", '{"version": "new"}', "application/json", 400, "invalid"),
    ("post", "/api/v1/reports/{report}/submit/", '{"version": 99999999999999999999}', "application/json", 400, "invalid"),
    ("patch", "/api/v1/reports/{report}/", '{"version": 1, "entries": "all"}', "application/json", 400, "invalid"),
    ("patch", "/api/v1/reports/{report}/", '{"version": 1, "summary": "\\ud800"}', "application/json", 400, "invalid"),
    ("post", "/api/v1/reports/{report}/evidence/", '{"version": 1}', "application/json", 415, "unsupported_media_type"),
]


def test_a_bad_request_gets_a_4xx_with_a_json_error(world):
    report = open_report(world)
    client = world.client("head")
    for method, url, body, content_type, status, code in BAD_REQUESTS:
        url = url.format(report=report.pk, campaign=world.campaign.code)
        if method == "get":
            response = client.get(url)
        else:
            response = getattr(client, method)(url, body, content_type=content_type)
        assert response.status_code == status, (method, url, body, response.content[:300])
        assert response["Content-Type"].startswith("application/json"), url
        if code:
            assert response.json()["code"] == code, (url, response.json())
            assert any("а" <= ch <= "я" for ch in response.json()["detail"].lower()), response.json()


def test_validation_errors_name_the_fields(world):
    response = world.client("coordinator").post("/api/v1/campaigns/", {"code": "плохой код", "schools": []}, content_type="application/json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and body["detail"].startswith("Проверьте данные запроса")
    assert {"code", "title", "region", "period_start", "framework", "schools"} <= set(body["fields"])


def test_the_docs_page_is_served_without_a_cdn(client):
    page = client.get("/api/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html
    assert "cdn" not in html.lower() and "unpkg" not in html.lower()
    assert client.get("/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js").status_code == 200
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200 and "/api/v1/reports/{id}/submit/" in schema.json()["paths"]


def test_a_token_expires_after_api_token_days_with_a_message_that_says_what_to_do(world, settings):
    from datetime import timedelta

    from django.utils import timezone

    settings.API_TOKEN_DAYS = 30
    key = _token("t_head")
    client = Client(HTTP_AUTHORIZATION=f"Token {key}")
    Token.objects.filter(key=key).update(created=timezone.now() - timedelta(days=29))
    assert client.get("/api/v1/schools/").status_code == 200
    Token.objects.filter(key=key).update(created=timezone.now() - timedelta(days=31))
    response = client.get("/api/v1/schools/")
    assert response.status_code == 401 and response.json()["code"] == "authentication_failed"
    assert "Срок действия API-токена истёк" in response.json()["detail"] and "30\xa0дней" in response.json()["detail"]
    assert "shnor apitoken ИМЯ --reset" in response.json()["detail"]
    err = StringIO()
    call_command("apitoken", "t_head", stdout=StringIO(), stderr=err)
    assert "Срок действия токена истёк" in err.getvalue()
    out, err = StringIO(), StringIO()
    call_command("apitoken", "t_head", "--reset", stdout=out, stderr=err)
    assert "Токен действует до" in err.getvalue()
    assert Client(HTTP_AUTHORIZATION=f"Token {out.getvalue().strip()}").get("/api/v1/schools/").status_code == 200
    settings.API_TOKEN_DAYS = 0  # tokens that never expire
    Token.objects.filter(user=world.users["head"]).update(created=timezone.now() - timedelta(days=3650))
    assert Client(HTTP_AUTHORIZATION=f"Token {out.getvalue().strip()}").get("/api/v1/schools/").status_code == 200


def test_a_bug_in_the_api_answers_json_500_and_is_logged(world, monkeypatch, caplog):
    from shnor.api import views

    def broken(self):
        raise RuntimeError("a bug")

    monkeypatch.setattr(views.SchoolViewSet, "get_queryset", broken)
    client = Client(raise_request_exception=False)
    client.force_login(world.users["coordinator"])
    with caplog.at_level("ERROR", logger="django.request"):
        response = client.get("/api/v1/schools/")
    assert response.status_code == 500 and response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == "server_error" and "Внутренняя ошибка сервера" in body["detail"] and "a bug" not in body["detail"]
    assert any(r.exc_info and "a bug" in str(r.exc_info[1]) for r in caplog.records)


def test_an_error_outside_the_api_views_under_api_is_json_too(rf):
    from shnor.api.errors import server_error

    response = server_error(rf.get("/api/v1/anything/"))
    assert response.status_code == 500 and json.loads(response.content)["code"] == "server_error"
    assert server_error(rf.get("/schools/"))["Content-Type"].startswith("text/html")


def test_a_password_change_revokes_the_api_token(world):
    key = _token("t_head")
    assert Client(HTTP_AUTHORIZATION=f"Token {key}").get("/api/v1/schools/").status_code == 200
    response = world.client("head").post(reverse("password_change"), {"old_password": "correct-horse-42", "new_password1": "Novyi-parol-shkoly-7",
                                                                      "new_password2": "Novyi-parol-shkoly-7"})
    assert response.status_code == 302
    assert Client(HTTP_AUTHORIZATION=f"Token {key}").get("/api/v1/schools/").status_code == 401
    assert AuditEvent.objects.filter(action="api.token_revoke", summary__contains="пароль сменён").exists()


def test_a_password_set_in_the_admin_revokes_the_api_token(world):
    from django.contrib.auth import get_user_model

    key = _token("t_curator")
    admin = Client()
    admin.force_login(get_user_model().objects.create_superuser("t_admin", "a@test.example", "Very-long-passphrase-42"))
    response = admin.post(reverse("admin:auth_user_password_change", args=[world.users["curator"].pk]),
                          {"password1": "Novyi-parol-kuratora-8", "password2": "Novyi-parol-kuratora-8", "usable_password": "true"})
    assert response.status_code == 302
    assert Client(HTTP_AUTHORIZATION=f"Token {key}").get("/api/v1/schools/").status_code == 401


def test_the_command_states_the_expiry_date_with_one_full_stop(world):
    err = StringIO()
    call_command("apitoken", "t_head", stdout=StringIO(), stderr=err)
    assert "Токен действует до" in err.getvalue() and "г." in err.getvalue() and ".." not in err.getvalue()
