"""Shared fixtures and the rules for the `postgres`, `broker`, `browser` and `saml` markers.

Where a marker's service is missing the test is skipped with the reason; CI sets
VENDORRISK_REQUIRE_SERVICES=1 so that a missing service fails the run instead of hiding it.
"""

import contextlib
import os
import shutil
import subprocess
import sys
import time
import uuid

import pytest
from django.conf import settings
from django.db import connection

from tests.factories.accounts import UserFactory

REQUIRE_SERVICES = os.environ.get("VENDORRISK_REQUIRE_SERVICES") == "1"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
XMLSEC1 = shutil.which("xmlsec1")


def _missing_service(item):
    if item.get_closest_marker("postgres") and connection.vendor != "postgresql":
        return "needs PostgreSQL (DATABASE_URL points elsewhere)"
    if item.get_closest_marker("broker") and not settings.CELERY_BROKER_URL:
        return "needs a real broker (CELERY_BROKER_URL is unset)"
    if item.get_closest_marker("browser") and not CHROMIUM:
        return "needs Chromium (/usr/bin/chromium not installed)"
    if item.get_closest_marker("saml") and not XMLSEC1:
        return "needs xmlsec1 (apt-get install xmlsec1) to check SAML signatures"
    return None


# Session fixtures that start a server are started once per xdist worker that needs them: the tests using one are
# kept on one worker (`--dist loadgroup`, as `make test` runs the suite), so it starts once in the whole run.
SHARED_SERVERS = {"oidc_provider": "oidc-provider"}


def pytest_collection_modifyitems(items):
    for item in items:
        for fixture, group in SHARED_SERVERS.items():
            if fixture in item.fixturenames:
                item.add_marker(pytest.mark.xdist_group(group))


def pytest_runtest_setup(item):
    reason = _missing_service(item)
    if reason and REQUIRE_SERVICES:
        pytest.fail(f"CI requires every service: {reason}")
    if reason:
        pytest.skip(reason)


@pytest.fixture
def reviewer(db):
    return UserFactory(role="security-reviewer", username="reviewer")


@pytest.fixture
def second_reviewer(db):
    return UserFactory(role="security-reviewer", username="reviewer2")


@pytest.fixture
def buyer(db):
    return UserFactory(role="procurement", username="buyer")


@pytest.fixture
def other_buyer(db):
    return UserFactory(role="procurement", username="buyer2")


@pytest.fixture
def dashboard_user(db):
    return UserFactory(role="dashboard", username="dashboard")


@pytest.fixture
def demo_data(db):
    """The reference data and the Mixpanel case, loaded exactly as `setup_demo` loads them."""
    from django.core.management import call_command

    from apps.core.demo import fixture_files, run_app_demo_steps

    for path in fixture_files():
        call_command("loaddata", str(path), verbosity=0)
    run_app_demo_steps()


@pytest.fixture
def celery_worker_process():
    """Start a real Celery worker on a queue of its own; yields the queue name. Needs CELERY_BROKER_URL.

    The worker uses the test database when it is PostgreSQL (tests that need it use transactional_db).
    """
    queue = f"test-{uuid.uuid4().hex[:10]}"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "vendorrisk.settings.test"}
    if connection.vendor == "postgresql":
        db = connection.settings_dict
        env["DATABASE_URL"] = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "vendorrisk",
            "worker",
            "--pool=solo",
            "-Q",
            queue,
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=WARNING",
        ],
        env=env,
        cwd=settings.BASE_DIR,
    )
    from vendorrisk.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        time.sleep(0.5)
        yield queue
    finally:
        app.conf.task_always_eager = previous
        process.terminate()
        process.wait(timeout=20)


@contextlib.contextmanager
def tasks_routed_to(queue, *patterns):
    """Send the tasks whose names match `patterns` (e.g. "risk.*") to `queue` while the block runs.

    Celery caches its route table and router on first use and ignores later changes of task_routes,
    so both are dropped on the way in and on the way out.
    """
    from vendorrisk.celery import app

    def reload_routes():
        app.amqp.flush_routes()
        app.amqp.__dict__.pop("router", None)

    previous = app.conf.task_routes
    app.conf.task_routes = {pattern: {"queue": queue} for pattern in patterns}
    reload_routes()
    try:
        yield queue
    finally:
        app.conf.task_routes = previous
        reload_routes()
