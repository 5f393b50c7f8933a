"""With a shared cache (Redis), two server processes enforce one rate limit, not one each.

Two real servers on loopback ports, the same settings and the same Redis; requests alternate between them.
With a per-process cache each would let the whole limit through, and the pair twice the limit.
"""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid

import pytest
from django.conf import settings

LIMIT = 4


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_listening(port, process, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server on {port} exited: {process.stderr.read().decode()}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError(f"server on {port} did not start")


def token_exchange(port):
    """An anonymous token exchange with an empty body: throttled first, else a 400 that touches no database."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/auth/token/",
        data=json.dumps({}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.fixture
def two_servers(tmp_path):
    broker = settings.CELERY_BROKER_URL
    if not broker.startswith("redis://"):
        pytest.skip("needs Redis (CELERY_BROKER_URL is not a redis:// URL)")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "vendorrisk.settings.local",
        "DEBUG": "false",
        "REDIS_URL": broker,
        # A prefix of its own: the test shares Redis with other runs and never clears it.
        "CACHE_KEY_PREFIX": f"test-throttle-{uuid.uuid4().hex[:10]}",
        "API_THROTTLE_TOKEN_EXCHANGE": f"{LIMIT}/minute",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'servers.sqlite3'}",
    }
    env.pop("CACHE_URL", None)
    ports = [free_port(), free_port()]
    processes = [
        subprocess.Popen(
            [sys.executable, "manage.py", "runserver", "--noreload", "--skip-checks", f"127.0.0.1:{port}"],
            env=env,
            cwd=settings.BASE_DIR,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for port in ports
    ]
    try:
        for port, process in zip(ports, processes, strict=True):
            wait_until_listening(port, process)
        yield ports
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=20)


@pytest.mark.broker
def test_two_server_processes_share_one_limit(two_servers):
    statuses = [token_exchange(two_servers[i % 2]) for i in range(2 * LIMIT)]
    assert statuses.count(400) == LIMIT, statuses
    assert statuses.count(429) == LIMIT, statuses
