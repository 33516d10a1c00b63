"""Shared fixtures: a small hand-made world with one user per role and an outsider.

The demo region is loaded once per test database (session), so tests that need realistic data use
it read-only; tests that change things build on `world`, which every test gets fresh.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

# Django is imported inside the fixtures so that the pure core's tests run without it
# (`pytest tests/core -p no:django`).

PASSWORD = "correct-horse-42"


def pytest_collection_modifyitems(config, items):
    # Tests on a live server or with real transactions flush the database when they end; run them
    # last so that the demo data loaded for the session stays for everything else.
    def is_transactional(item):
        names = getattr(item, "fixturenames", ())
        marker = item.get_closest_marker("django_db")
        return ("live_server" in names or "transactional_db" in names or item.get_closest_marker("browser") is not None
                or bool(marker and marker.kwargs.get("transaction")))

    items.sort(key=is_transactional)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from shnor.demo.load import load_demo

    with django_db_blocker.unblock():
        load_demo()


@dataclass
class World:
    region: object
    other_region: object
    m1: object
    m2: object
    a1: object
    a2: object
    b1: object
    far: object  # a school in the other region
    framework: object
    campaign: object
    roadmap: object
    users: dict

    def client(self, role: str):
        from django.test import Client

        c = Client()
        if role != "anonymous":
            c.force_login(self.users[role])
        return c

    def type(self, code: str):
        from shnor.plans.models import ActivityType

        return ActivityType.objects.get(code=code)


def make_user(username: str, *memberships, **fields):
    from django.contrib.auth import get_user_model

    from shnor.registry.models import Membership

    user = get_user_model().objects.create_user(username=username, password=PASSWORD, email=f"{username}@test.example", **fields)
    for role, scope in memberships:
        Membership.objects.create(user=user, role=role, **scope)
    return user


@pytest.fixture
def world(db) -> World:
    from shnor.monitoring.indicators import load_indicators
    from shnor.monitoring.models import Campaign, Indicator
    from shnor.plans.catalog import load_catalogue
    from shnor.plans.models import ActivityType, Framework, PlannedActivity, Roadmap
    from shnor.registry.models import Membership, Municipality, Region, School

    load_catalogue()
    load_indicators()
    region = Region.objects.create(code="test", name="Тестовая область")
    other = Region.objects.create(code="other", name="Другая область")
    m1 = Municipality.objects.create(region=region, name="Первый район")
    m2 = Municipality.objects.create(region=region, name="Второй район")
    m3 = Municipality.objects.create(region=other, name="Дальний район")
    a1 = School.objects.create(municipality=m1, short_name="МБОУ «Альфа СОШ»", full_name="МБОУ «Альфа средняя общеобразовательная школа»", email="alfa@test.example")
    a2 = School.objects.create(municipality=m1, short_name="МБОУ Бета ООШ", full_name="МБОУ Бета основная общеобразовательная школа", kind="ООШ")
    b1 = School.objects.create(municipality=m2, short_name="МБОУ СОШ № 2", full_name="МБОУ средняя общеобразовательная школа № 2", number="2")
    far = School.objects.create(municipality=m3, short_name="МБОУ Дальняя СОШ", full_name="МБОУ Дальняя средняя общеобразовательная школа")
    framework = Framework.objects.get(code="cluster4")
    roadmap = Roadmap.objects.create(school=a1, framework=framework, period_start=date(2021, 9, 1), period_end=date(2023, 8, 31))
    for i, (title, code, deadline) in enumerate([
        ("Курсы повышения квалификации учителей математики", "pk_courses", "Октябрь 2021"),
        ("Родительское собрание «Подготовка к ОГЭ»", "parent_education", "в течение учебного года"),
        ("Наставничество молодых специалистов", "mentoring", "I полугодие 2021/2022"),
        ("Профориентационные пробы", "career_guidance", "март 2022"),
    ], start=1):
        activity = PlannedActivity(roadmap=roadmap, number=str(i), title=title, activity_type=ActivityType.objects.get(code=code), order=i)
        activity.set_deadline(deadline)
        activity.save()
    campaign = Campaign.objects.create(
        code="test-2021-h2", title="Тестовый мониторинг, I полугодие 2021/2022", region=region,
        period_start=date(2021, 9, 1), period_end=date(2021, 12, 31), framework=framework, due_date=date(2022, 1, 20),
    )
    campaign.schools.set([a1, a2, b1])
    campaign.indicators.set(Indicator.objects.filter(code__in=["quality", "failing"]))
    R = Membership.Role
    users = {
        "coordinator": make_user("t_coordinator", (R.REGIONAL, {"region": region}), first_name="Ольга", last_name="Координатова"),
        "municipal": make_user("t_municipal", (R.MUNICIPAL, {"municipality": m1})),
        "municipal2": make_user("t_municipal2", (R.MUNICIPAL, {"municipality": m2})),
        "curator": make_user("t_curator", (R.CURATOR, {"school": a1}), (R.CURATOR, {"school": a2})),
        "curator2": make_user("t_curator2", (R.CURATOR, {"school": b1})),
        "head": make_user("t_head", (R.HEAD, {"school": a1}), first_name="Марина", last_name="Директорова"),
        "staff": make_user("t_staff", (R.STAFF, {"school": a1})),
        "head_b1": make_user("t_head_b1", (R.HEAD, {"school": b1})),
        "observer": make_user("t_observer", (R.OBSERVER, {"region": region})),
        "far_coordinator": make_user("t_far", (R.REGIONAL, {"region": other})),
        "outsider": make_user("t_outsider"),
    }
    return World(region, other, m1, m2, a1, a2, b1, far, framework, campaign, roadmap, users)


@pytest.fixture
def database_queue(settings):
    """The database task backend, as deployed (the tests' default runs tasks at once); returns `run_worker`."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    return run_worker


def run_worker() -> None:
    """`shnor worker --batch`: run what is queued, then stop. The worker sets its own signal handlers: restored."""
    import signal

    from django.core.management import call_command

    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        call_command("worker", batch=True, reload=False, startup_delay=False, interval=0, verbosity=0)
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
