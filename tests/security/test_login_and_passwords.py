"""Login throttling after repeated failures, and the password policy on every path that creates a user."""

from __future__ import annotations

import re
import time
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from shnor.audit.models import AuditEvent

from ..conftest import PASSWORD

LOCKED = "Слишком много неудачных попыток входа"
WRONG = "Неверное имя пользователя или пароль"


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def login(username, password, address="10.0.0.1", **headers):
    return Client(REMOTE_ADDR=address, **headers).post(reverse("login"), {"username": username, "password": password})


def fail_until_locked(username, settings, address="10.0.0.1", **headers):
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        response = login(username, "wrong-password", address, **headers)
        assert response.status_code in (200, 429)


def test_five_failures_lock_the_user_name_from_that_address_even_for_the_right_password(world, settings):
    for _ in range(settings.LOGIN_FAILURE_LIMIT - 1):
        response = login("t_head", "wrong-password")
        assert response.status_code == 200 and WRONG in response.content.decode()
    response = login("t_head", "wrong-password")
    assert response.status_code == 429 and LOCKED in response.content.decode()
    response = login("t_head", PASSWORD)
    assert response.status_code == 429 and LOCKED in response.content.decode()
    assert "Подождите 15\xa0мин." in response.content.decode().replace("&nbsp;", "\xa0")
    assert "_auth_user_id" not in Client().session


def test_failures_with_made_up_names_lock_nobody_else_out_from_the_same_address(world, settings):
    # Behind nginx every request has the proxy's REMOTE_ADDR: guessing at names must not lock the real users out.
    for i in range(settings.LOGIN_FAILURE_LIMIT * 2):
        login(f"nobody{i}", "wrong-password", address="10.0.0.7")
    fail_until_locked("nobody", settings, address="10.0.0.7")
    assert login("t_curator", PASSWORD, address="10.0.0.7").status_code == 302


def test_a_locked_user_name_can_still_log_in_from_another_address(world, settings):
    fail_until_locked("t_staff", settings, address="10.0.0.7")
    assert LOCKED in login("t_staff", PASSWORD, address="10.0.0.7").content.decode()
    assert login("t_staff", PASSWORD, address="10.0.0.8").status_code == 302


def test_the_client_address_comes_from_the_proxy_header_only_when_the_proxy_is_trusted(world, settings):
    forwarded = {"HTTP_X_FORWARDED_FOR": "203.0.113.5, 198.51.100.7"}  # a forged entry, then what our nginx added
    fail_until_locked("t_staff", settings, address="127.0.0.1", **forwarded)
    # Untrusted header: the address is REMOTE_ADDR, so the same proxy address with another header is still locked.
    assert LOCKED in login("t_staff", PASSWORD, "127.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.1").content.decode()
    settings.TRUSTED_PROXY_COUNT = 1
    fail_until_locked("t_observer", settings, address="127.0.0.1", **forwarded)
    assert LOCKED in login("t_observer", PASSWORD, "127.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.9, 198.51.100.7").content.decode()
    # The left-most entry is the client's own claim and is ignored: changing it does not dodge the lock ...
    # ... but another real client (another address added by the proxy) logs in.
    assert login("t_observer", PASSWORD, "127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.8").status_code == 302


def test_the_admin_login_is_locked_out_too(world, settings):
    get_user_model().objects.create_superuser("t_admin", "admin@test.example", "Very-long-passphrase-42")
    client = Client(REMOTE_ADDR="10.0.0.3")
    url = reverse("admin:login") + "?next=/admin/"
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        client.post(url, {"username": "t_admin", "password": "wrong-password"})
    response = client.post(url, {"username": "t_admin", "password": "Very-long-passphrase-42"})
    assert response.status_code == 429 and LOCKED in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_lock_ends_with_its_window(world, settings):
    settings.LOGIN_FAILURE_WINDOW_S = 1
    fail_until_locked("t_staff", settings)
    assert LOCKED in login("t_staff", PASSWORD).content.decode()
    time.sleep(1.2)
    assert login("t_staff", PASSWORD).status_code == 302


def test_an_administrator_unlocks_a_user_and_it_is_audit_logged(world, settings):
    fail_until_locked("t_head", settings)
    assert LOCKED in login("t_head", PASSWORD).content.decode()
    out = StringIO()
    call_command("unlock", "t_head", stdout=out)
    assert "t_head: блокировка снята" in out.getvalue()
    assert login("t_head", PASSWORD).status_code == 302
    assert AuditEvent.objects.filter(action="auth.unlock", summary__contains="t_head").exists()
    out = StringIO()
    call_command("unlock", "t_head", stdout=out)
    assert "снимать нечего" in out.getvalue()


def test_a_successful_login_clears_earlier_failures_and_is_audit_logged(world, settings):
    for _ in range(settings.LOGIN_FAILURE_LIMIT - 1):
        login("t_observer", "wrong-password")
    assert login("t_observer", PASSWORD).status_code == 302
    for _ in range(settings.LOGIN_FAILURE_LIMIT - 1):
        login("t_observer", "wrong-password")
    assert login("t_observer", PASSWORD).status_code == 302
    assert AuditEvent.objects.filter(action="auth.login", user=world.users["observer"]).count() == 2


def test_refusals_read_the_same_for_an_existing_and_an_unknown_user(world, settings):
    def errors(body: str) -> str:
        return re.search(r'<div class="errors">(.*?)</div>', body, re.S).group(1)

    assert errors(login("t_head", "wrong-password", "10.1.0.1").content.decode()) == errors(login("no_such_user", "x", "10.1.0.2").content.decode())
    for name in ("t_head", "no_such_user"):
        fail_until_locked(name, settings, "10.1.0.3")
    assert errors(login("t_head", PASSWORD, "10.1.0.3").content.decode()) == errors(login("no_such_user", "x", "10.1.0.3").content.decode())


def test_the_password_policy_is_strict_enough():
    user = get_user_model()(username="ivanova", email="ivanova@school.example", first_name="Мария", last_name="Иванова")
    for weak in ("short1", "1234567890123", "password123", "ivanova2021!", "qwertyuiop"):
        with pytest.raises(ValidationError):
            validate_password(weak, user)
    validate_password("Кавалерово-Уяр-2021", user)


@pytest.mark.parametrize("password", ["12345678901", "password1234", "t_newuser12"])
def test_createuser_refuses_a_weak_password(world, password):
    with pytest.raises(CommandError, match="Пароль не подходит"):
        call_command("createuser", "t_newuser", "--role", "head", "--school", str(world.a1.pk), "--password", password, stdout=StringIO())
    assert not get_user_model().objects.filter(username="t_newuser").exists()


def test_createuser_accepts_a_strong_password_and_logs_it(world):
    call_command("createuser", "t_newuser", "--role", "head", "--school", str(world.a1.pk), "--password", "Дорожная-карта-2024",
                 stdout=StringIO())
    assert get_user_model().objects.get(username="t_newuser").check_password("Дорожная-карта-2024")
    assert AuditEvent.objects.filter(action="user.create").exists()


def test_the_admin_refuses_a_weak_password_for_a_new_user(world):
    admin = get_user_model().objects.create_superuser("t_admin", "admin@test.example", "Very-long-passphrase-42")
    client = Client()
    client.force_login(admin)
    response = client.post(reverse("admin:auth_user_add"), {"username": "t_weak", "password1": "12345678", "password2": "12345678",
                                                            "usable_password": "true"})
    assert response.status_code == 200 and not get_user_model().objects.filter(username="t_weak").exists()
    assert "errorlist" in response.content.decode()


def test_the_demo_password_itself_passes_the_policy_and_the_demo_refuses_production(settings):
    from shnor.demo import bryansk

    validate_password(bryansk.DEMO_PASSWORD, get_user_model()(username="admin"))
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="SHNOR_PRODUCTION"):
        call_command("demo", stdout=StringIO())


# Every place in the code that sets a password must check it against the policy (or be the demo loader,
# which runs only outside production): a new path that creates users without validation fails here.
PASSWORD_SETTERS = re.compile(r"\.(set_password|create_user|create_superuser)\(")
ALLOWED_WITHOUT_VALIDATION = {"shnor/demo/load.py"}


def test_every_user_creation_path_validates_the_password():
    root = Path(__file__).resolve().parents[2]
    offenders = []
    for path in sorted((root / "shnor").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        rel = path.relative_to(root).as_posix()
        if PASSWORD_SETTERS.search(text) and "validate_password" not in text and rel not in ALLOWED_WITHOUT_VALIDATION:
            offenders.append(rel)
    assert not offenders, f"sets passwords without validate_password: {offenders}"


def test_a_user_changes_their_own_password_under_the_policy(world):
    from django.urls import reverse

    from shnor.audit.models import AuditEvent

    client = world.client("head")
    response = client.post(reverse("password_change"), {"old_password": "correct-horse-42", "new_password1": "12345678", "new_password2": "12345678"})
    assert response.status_code == 200 and "Пароль не изменён" in response.content.decode()
    response = client.post(reverse("password_change"), {"old_password": "correct-horse-42", "new_password1": "Novyi-parol-shkoly-7",
                                                        "new_password2": "Novyi-parol-shkoly-7"})
    assert response.status_code == 302
    assert get_user_model().objects.get(username="t_head").check_password("Novyi-parol-shkoly-7")
    assert AuditEvent.objects.filter(action="auth.password_change", user=world.users["head"]).exists()
