"""Fixtures shared by the whole suite: users of each role, and a Chromium page."""

import os
import shutil
from pathlib import Path

import pytest
from asgiref.local import Local
from django.conf import settings
from django.tasks import task_backends

from tests.accounts.factories import (
    PASSWORD,
    AdminFactory,
    ProfessionalFactory,
    ProviderStaffFactory,
    ReviewerFactory,
)

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    """Every test writes uploads to its own folder."""
    location = tmp_path / "private"
    settings.PRIVATE_MEDIA_ROOT = location
    settings.MEDIA_ROOT = location
    storages = dict(settings.STORAGES)
    storages["default"] = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(location), "base_url": None},
    }
    settings.STORAGES = storages
    yield location


@pytest.fixture
def professional(db):
    return ProfessionalFactory()


@pytest.fixture
def provider_staff(db):
    return ProviderStaffFactory()


@pytest.fixture
def reviewer(db):
    return ReviewerFactory()


@pytest.fixture
def site_admin(db):
    return AdminFactory()


@pytest.fixture
def pro_client(client, professional):
    client.force_login(professional)
    return client


# --- Browser ------------------------------------------------------------------------------


def _chromium_available():
    return Path(CHROMIUM).exists() and shutil.which(CHROMIUM) is not None


@pytest.fixture(scope="session")
def _browser():
    if not _chromium_available():
        if os.environ.get("CI") == "true":
            pytest.fail(f"Chromium is required in CI but {CHROMIUM} is missing.")
        pytest.skip(
            f"Chromium not found at {CHROMIUM}: apt-get install chromium to run browser tests."
        )
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls from the
    # test body are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(_browser, live_server):
    context = _browser.new_context(base_url=live_server.url)
    context.set_default_timeout(10_000)
    pg = context.new_page()
    yield pg
    context.close()


@pytest.fixture
def login(page):
    """Log a user in through the real form."""

    def _login(user, password=PASSWORD):
        page.goto("/accounts/login/")
        page.get_by_label("Email").fill(user.email)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(lambda url: "/accounts/login/" not in url)
        return page

    return _login


DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def _reset_backends():
    # Django builds each task backend once from settings.TASKS; a changed setting needs a reset.
    task_backends._settings = None
    task_backends.__dict__.pop("settings", None)
    task_backends._connections = Local(task_backends.thread_critical)


@pytest.fixture
def database_queue(settings):
    """Tasks go to the database queue, as in development and production, for a worker."""
    settings.TASKS = DATABASE_QUEUE
    _reset_backends()
    yield
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    _reset_backends()


def pytest_collection_modifyitems(config, items):
    # Browser tests are collected only with -m browser; concurrency tests need PostgreSQL.
    on_postgres = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    skip_pg = pytest.mark.skip(reason="needs PostgreSQL (TEST_DATABASE_URL)")
    skip_redis = pytest.mark.skip(reason="needs Redis at REDIS_URL (CI starts it)")
    redis_up = None
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(skip_pg)
        if "redis" in item.keywords:
            redis_up = _redis_answers() if redis_up is None else redis_up
            if not redis_up:
                item.add_marker(skip_redis)


def _redis_answers() -> bool:
    if os.environ.get("CI") == "true":
        return True  # CI starts Redis; a test that cannot reach it fails rather than skips
    try:
        import redis

        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1).ping()
    except Exception:
        return False
    return True
