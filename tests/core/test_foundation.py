"""The foundation: health endpoint, roles, demo set-up, settings guards, real PostgreSQL and broker."""

import subprocess
import sys

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection

from apps.accounts.roles import DASHBOARD, PROCUREMENT, SECURITY_REVIEWER, sync_roles


def test_healthz_reports_database_up(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["status"] == "up"


def test_healthz_is_503_when_the_database_is_down(client, db, monkeypatch):
    class BrokenConnection:
        def cursor(self):
            raise ConnectionError("database gone")

    monkeypatch.setattr("apps.core.views.connection", BrokenConnection())
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == {"status": "down", "error": "ConnectionError"}


def test_healthz_is_503_when_the_configured_broker_is_down(client, db, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["broker"]["status"] == "down"


def test_roles_exist_with_their_permissions(db):
    reviewer = Group.objects.get(name=SECURITY_REVIEWER)
    dashboard = Group.objects.get(name=DASHBOARD)
    procurement = Group.objects.get(name=PROCUREMENT)
    assert reviewer.permissions.filter(codename="change_vendor").exists()
    assert dashboard.permissions.filter(codename="view_vendor").exists()
    assert not dashboard.permissions.exclude(codename__startswith="view_").exists()
    assert procurement.permissions.filter(codename="view_vendor").exists()
    assert not procurement.permissions.filter(codename="change_vendor").exists()


def test_role_sync_is_idempotent(db):
    before = {g.name: set(g.permissions.values_list("id", flat=True)) for g in Group.objects.all()}
    sync_roles()
    sync_roles()
    after = {g.name: set(g.permissions.values_list("id", flat=True)) for g in Group.objects.all()}
    assert before == after


def test_setup_demo_twice_leaves_the_same_rows(db, capsys):
    from django.apps import apps

    def row_counts():
        return {m._meta.label: m.objects.count() for m in apps.get_models() if m._meta.app_label != "sessions"}

    call_command("setup_demo")
    first = row_counts()
    out = capsys.readouterr().out
    call_command("setup_demo")
    assert row_counts() == first
    for username in ("reviewer", "buyer", "dashboard"):
        assert f"username: {username}" in out
        assert get_user_model().objects.get(username=username).groups.count() == 1


def test_setup_demo_passwords_are_random_not_fixed(db, capsys):
    call_command("setup_demo")
    first = capsys.readouterr().out
    call_command("setup_demo")
    second = capsys.readouterr().out
    assert first != second


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS"])
def test_production_settings_refuse_to_start_without_secrets(missing):
    env = {"SECRET_KEY": "x" * 60, "ALLOWED_HOSTS": "register.example.com", "PATH": "/usr/bin:/bin"}
    del env[missing]
    result = subprocess.run(
        [sys.executable, "-c", "import vendorrisk.settings.production"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert missing in result.stderr


@pytest.mark.postgres
def test_ci_really_runs_on_postgresql(db):
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        assert cursor.fetchone()[0].startswith("PostgreSQL")


@pytest.mark.broker
def test_a_real_task_goes_through_the_broker_to_a_real_worker(celery_worker_process):
    from apps.core.tasks import ping

    result = ping.apply_async(queue=celery_worker_process)
    assert result.get(timeout=60) == "pong"


def test_setup_demo_ends_with_urls_and_two_reviewers_not_with_mail(db, capsys):
    call_command("setup_demo")
    out = capsys.readouterr().out
    assert "Subject:" not in out  # the demo's notification emails are counted, not printed
    lines = out.strip().splitlines()
    assert lines[-1].startswith("  dashboard API token: ")
    assert any(line.startswith("Workspace (dashboard):") for line in lines)
    for username in ("reviewer", "reviewer2"):
        assert f"security-reviewer  username: {username} " in out
