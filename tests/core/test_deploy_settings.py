"""Production settings pass Django's deployment checklist with warnings treated as errors."""

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
