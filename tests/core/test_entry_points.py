"""The servers' entry points fail closed: without DJANGO_SETTINGS_MODULE they load production settings."""

import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings

# What an operator who forgot DJANGO_SETTINGS_MODULE would have: secrets, hosts, nothing else.
MINIMAL_ENV = {
    "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
    "SECRET_KEY": secrets.token_urlsafe(64),
    "ALLOWED_HOSTS": "register.example.com",
}
PROBE = (
    "import {module}; from django.conf import settings; "
    "print(settings.SETTINGS_MODULE, settings.DEBUG, settings.ADMIN_REQUIRES_OTP, settings.SESSION_COOKIE_SECURE)"
)


def run_probe(module, **extra_env):
    return subprocess.run(
        [sys.executable, "-c", PROBE.format(module=module)],
        env={**MINIMAL_ENV, **extra_env},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("module", ["vendorrisk.wsgi", "vendorrisk.asgi", "vendorrisk.celery"])
def test_entry_point_without_database_url_refuses_to_start(module):
    result = run_probe(module)
    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr


@pytest.mark.parametrize("module", ["vendorrisk.wsgi", "vendorrisk.asgi", "vendorrisk.celery"])
def test_entry_point_defaults_to_production_debug_off_otp_on(module, tmp_path):
    result = run_probe(module, DATABASE_URL=f"sqlite:///{tmp_path / 'probe.sqlite3'}")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["vendorrisk.settings.production", "False", "True", "True"]


def test_manage_py_stays_on_local_settings_for_development():
    result = subprocess.run(
        [sys.executable, "manage.py", "diffsettings", "--output", "unified"],
        env={"PATH": MINIMAL_ENV["PATH"]},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "+ DEBUG = True" in result.stdout


@pytest.mark.parametrize("variable", ["REDIS_URL", "CACHE_URL"])
def test_a_redis_url_gives_every_process_the_same_cache(variable):
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.CACHES['default']['BACKEND'])",
        ],
        env={
            "PATH": MINIMAL_ENV["PATH"],
            "DJANGO_SETTINGS_MODULE": "vendorrisk.settings.local",
            variable: "redis://127.0.0.1:6379/7",
        },
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.strip() == "django.core.cache.backends.redis.RedisCache", result.stderr
