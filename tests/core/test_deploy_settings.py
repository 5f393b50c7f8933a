"""Production settings pass Django's deployment checklist with warnings treated as errors."""

import json
import os
import secrets
import subprocess
import sys

from django.conf import settings


def test_production_settings_pass_check_deploy():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "vendorrisk.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "register.example.com",
        # Production refuses to start without a database URL; the check itself opens no connection.
        "DATABASE_URL": os.environ.get("DATABASE_URL") or f"sqlite:///{settings.BASE_DIR / 'db.sqlite3'}",
        # Production with one cache per process warns (operations.W001); the check opens no connection to it.
        "REDIS_URL": "redis://127.0.0.1:6379/5",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def production_database_settings(**extra_env):
    """The production settings' DATABASES, as a fresh interpreter reads them from this environment."""
    return production_setting("DATABASES", **extra_env)["default"]


def production_setting(name, **extra_env):
    """One production setting, as a fresh interpreter reads it from this environment."""
    unset = {"CONN_MAX_AGE", "SESSION_ENGINE"}
    env = {
        **{key: value for key, value in os.environ.items() if key not in unset},
        "DJANGO_SETTINGS_MODULE": "vendorrisk.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "register.example.com",
        "DATABASE_URL": "postgres://vendorrisk@db.example.com:5432/vendorrisk",  # read, never connected to
        **extra_env,
    }
    code = f"from django.conf import settings; print(json.dumps(settings.{name}, default=str))"
    result = subprocess.run(
        [sys.executable, "-c", f"import json, django; django.setup(); {code}"],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_reuses_database_connections_with_health_checks():
    database = production_database_settings()
    assert database["CONN_MAX_AGE"] == 60  # not a new connection per request
    assert database["CONN_HEALTH_CHECKS"] is True  # a dropped connection is replaced, not an error


def test_production_connection_age_comes_from_the_environment():
    assert production_database_settings(CONN_MAX_AGE="0")["CONN_MAX_AGE"] == 0
    assert production_database_settings(CONN_MAX_AGE="300")["CONN_MAX_AGE"] == 300


def test_production_sessions_are_cached_only_in_a_shared_cache():
    # A per-process cache would keep serving a session another process signed out: database sessions alone.
    no_cache = production_setting("SESSION_ENGINE", REDIS_URL="", CACHE_URL="")
    assert no_cache == "django.contrib.sessions.backends.db"
    shared = production_setting("SESSION_ENGINE", REDIS_URL="redis://cache.example.com:6379/0", CACHE_URL="")
    assert shared == "django.contrib.sessions.backends.cached_db"  # read from Redis, written to the database too
    chosen = production_setting(
        "SESSION_ENGINE",
        REDIS_URL="redis://cache.example.com:6379/0",
        SESSION_ENGINE="django.contrib.sessions.backends.db",
    )
    assert chosen == "django.contrib.sessions.backends.db"  # the operator's choice wins
