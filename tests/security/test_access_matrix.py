"""Every web URL of the project × every role and an outsider: who gets in and who is refused.

The URL resolver is walked, so a page added without a row in tests/security/matrix.py fails here.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from .matrix import PUBLIC, ROLES, RULES, build_objects, query, web_patterns

REFUSED = (403, 404)


def test_every_web_url_has_a_row_in_the_access_matrix():
    names = {name for _, name in web_patterns()}
    unnamed = [route for route, name in web_patterns() if not name]
    assert not unnamed, f"URL patterns without a name cannot be checked: {unnamed}"
    missing = sorted(names - set(RULES) - PUBLIC)
    assert not missing, f"Pages without a row in tests/security/matrix.py (who may open them?): {missing}"
    stale = sorted(set(RULES) - names)
    assert not stale, f"Rows for pages that no longer exist: {stale}"


@pytest.fixture
def objects(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return build_objects(world)


def _call(client, rule, url, objects):
    if rule.method == "POST":
        return client.post(url, rule.data)
    return client.get(url + query(rule, objects))


@pytest.mark.parametrize("name", sorted(RULES))
def test_each_page_admits_exactly_its_roles(objects, name):
    rule = RULES[name]
    url = reverse(name, kwargs=rule.kwargs(objects))
    login = reverse("login")
    for role in ROLES:
        response = _call(objects.world.client(role), rule, url, objects)
        where = (name, role, response.status_code)
        if role == "anonymous":
            assert response.status_code == 302 and response["Location"].startswith(login), where
        elif role in rule.allowed:
            if rule.method == "POST":
                assert response.status_code not in REFUSED and not response.get("Location", "").startswith(login), where
            else:
                assert response.status_code in rule.ok, where
        else:
            assert response.status_code in REFUSED, where


@pytest.mark.parametrize("name", sorted(n for n, r in RULES.items() if r.method == "GET"))
def test_refused_roles_cannot_post_to_a_page_either(objects, name):
    rule = RULES[name]
    url = reverse(name, kwargs=rule.kwargs(objects))
    for role in sorted(set(ROLES) - rule.allowed - {"anonymous"}):
        response = objects.world.client(role).post(url + query(rule, objects), {})
        assert response.status_code in REFUSED + (405,), (name, role, response.status_code)


def test_the_login_page_is_public_and_sends_signed_in_users_home(world):
    assert world.client("anonymous").get(reverse("login")).status_code == 200
    response = world.client("head").get(reverse("login"))
    assert response.status_code == 302 and response["Location"] == reverse("home")


def test_the_icon_is_public_and_every_page_names_it(world):
    response = world.client("anonymous").get("/favicon.ico")
    assert response.status_code == 301 and response["Location"] == "/static/shnor/favicon.svg"
    assert '<link rel="icon" href="/static/shnor/favicon.svg"' in world.client("anonymous").get(reverse("login")).content.decode()


def test_logout_is_post_only(world):
    client = world.client("head")
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("home")).status_code == 302  # signed out


@pytest.mark.parametrize("role", [r for r in ROLES if r != "anonymous"])
def test_only_staff_accounts_reach_the_admin(world, role):
    from django.contrib import admin

    client = world.client(role)
    urls = [reverse("admin:index")] + [reverse(f"admin:{m._meta.app_label}_{m._meta.model_name}_changelist") for m in admin.site._registry]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login")), (url, role)


def test_a_superuser_reaches_the_admin(world):
    from django.contrib.auth import get_user_model
    from django.test import Client

    admin_user = get_user_model().objects.create_superuser("t_admin", "admin@test.example", "Very-long-passphrase-42")
    client = Client()
    client.force_login(admin_user)
    assert client.get(reverse("admin:index")).status_code == 200


def test_the_api_has_its_own_access_matrix():
    from pathlib import Path

    assert (Path(__file__).resolve().parents[1] / "api" / "test_access_matrix.py").exists()
