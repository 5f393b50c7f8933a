# ruff: noqa: F811 - the review fixtures are imported from tests/reviews/conftest.py and requested by name
"""Scale-out on one PostgreSQL and one Redis, with no coordination of our own: two gunicorn instances (two workers
each) on two ports and two Celery workers, with production settings.

- an API rate limit holds across both instances (the throttle counters are in the shared Redis cache);
- two reviewers approving the same review at once, one on each instance: exactly one wins, the other gets 409;
- a fan-out asked for on both instances runs on both workers and completes once, with no duplicate status, and
  the worker's log lines carry the request id of the HTTP request that asked for it;
- SIGKILL of the pool process running a fan-out (what the OOM killer does) loses nothing: the message goes back
  to the queue and the fan-out completes, duplicate-free.
"""

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid

import pytest
from django.conf import settings
from django.db import connection
from django.db.models import Count

from apps.accounts.models import ApiToken
from apps.reviews.models import ReviewTransition
from apps.risk.models import Tightening, VendorRequirement
from tests.factories.bulk import analytics_vendors_bulk
from tests.factories.datamap import DataCategoryFactory, SystemFactory
from tests.factories.risk import SecurityRequirementFactory
from tests.reviews.conftest import meet_all, onboarding_vendor, review_factory, tier2_baseline  # noqa: F401

pytestmark = [pytest.mark.postgres, pytest.mark.broker]
THROTTLE = 25
METRICS_TOKEN = secrets.token_urlsafe(32)
VENDORS = 6000


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait(condition, timeout, step=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(step)
    return None


def _call(port, path, token, method="GET", body=None, request_id=None):
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
    )
    if request_id:
        request.add_header("X-Request-ID", request_id)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


@pytest.fixture
def cluster(transactional_db, tmp_path):
    db = connection.settings_dict
    queue = f"scaleout-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "vendorrisk.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}",
        # The cache shares the broker's Redis database here, under a prefix of its own (it is never cleared).
        "REDIS_URL": settings.CELERY_BROKER_URL,
        "CACHE_KEY_PREFIX": queue,
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "SECURE_SSL_REDIRECT": "False",
        "API_THROTTLE_USER": f"{THROTTLE}/minute",
        "LOG_FORMAT": "json",
        "METRICS_TOKEN": METRICS_TOKEN,
        "GUNICORN_WORKERS": "2",
        "GUNICORN_ACCESSLOG": "/dev/null",
    }
    processes, ports, logs = [], [], {}

    def start(name, command, extra=None):
        log = (tmp_path / f"{name}.log").open("w")
        logs[name] = tmp_path / f"{name}.log"
        process = subprocess.Popen(command, env={**env, **(extra or {})}, cwd=settings.BASE_DIR, stdout=log,
                                   stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip
        processes.append(process)
        return process

    for n in (1, 2):
        port = _free_port()
        ports.append(port)
        metrics_dir = tmp_path / f"metrics-{n}"
        metrics_dir.mkdir()
        start(f"web{n}", [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"],
              {"GUNICORN_BIND": f"127.0.0.1:{port}", "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir)})  # fmt: skip
    workers = {
        f"w{n}": start(
            f"worker{n}",
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "vendorrisk",
                "worker",
                "-Q",
                queue,
                "-n",
                f"w{n}-{queue}@%h",
                "--concurrency=1",
                "--without-gossip",
                "--without-mingle",
                "--loglevel=INFO",
            ],
        )  # fmt: skip
        for n in (1, 2)
    }

    def ready(port):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz/ready", timeout=5) as response:
                return response.status == 200
        except (OSError, urllib.error.HTTPError):
            return False

    try:
        assert _wait(lambda: all(ready(port) for port in ports), timeout=60, step=0.5), {
            name: path.read_text()[-2000:] for name, path in logs.items()
        }
        yield {"ports": ports, "workers": workers, "logs": logs, "queue": queue}
    finally:
        for process in processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


def _token(user):
    # A token issued after a second factor, as the token exchange issues one (production requires MFA).
    return ApiToken.objects.create(user=user, second_factor=True)[1]


def _statuses_complete(requirement, expected):
    rows = VendorRequirement.objects.filter(requirement=requirement)
    duplicates = rows.values("vendor").annotate(n=Count("id")).filter(n__gt=1).count()
    return rows.count(), rows.values("vendor").distinct().count(), duplicates


def test_two_instances_and_two_workers_behave_as_one(
    cluster,
    review_factory,
    meet_all,
    onboarding_vendor,
    reviewer,
    second_reviewer,
    dashboard_user,  # noqa: F811
):
    port_a, port_b = cluster["ports"]

    # 1. One rate limit across both instances: THROTTLE requests pass, alternating, and then every one is refused.
    dashboard = _token(dashboard_user)
    answers = [
        _call((port_a, port_b)[i % 2], "/api/v1/systems/?page_size=1", dashboard)[0] for i in range(THROTTLE + 6)
    ]
    assert answers.count(200) == THROTTLE and answers[THROTTLE:] == [429] * 6, answers
    # /metrics sums both gunicorn workers of an instance (PROMETHEUS_MULTIPROC_DIR) and reads the queue from Redis.
    scrape = urllib.request.Request(
        f"http://127.0.0.1:{port_a}/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}
    )
    with urllib.request.urlopen(scrape, timeout=10) as response:
        figures = response.read().decode()
    lines = figures.splitlines()
    served = sum(float(line.rsplit(" ", 1)[1]) for line in lines if line.startswith("vendorrisk_http_requests_total{")
                 and "systems" in line)  # fmt: skip
    assert served == (THROTTLE + 6 + 1) // 2, figures[:3000]
    assert f'vendorrisk_celery_queue_length{{queue="{cluster["queue"]}"}}' in figures

    # 2. Concurrent approvals of one review, one on each instance: exactly one winner.
    review = review_factory("in_review")
    meet_all(onboarding_vendor)
    barrier, outcomes = threading.Barrier(2), {}

    def approve(port, token):
        barrier.wait(timeout=10)
        outcomes[port] = _call(port, f"/api/v1/reviews/{review.pk}/approve/", token, "POST", {})

    threads = [threading.Thread(target=approve, args=(port, _token(user)))
               for port, user in ((port_a, reviewer), (port_b, second_reviewer))]  # fmt: skip
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    statuses = sorted(status for status, _ in outcomes.values())
    assert statuses == [200, 409], outcomes
    assert ReviewTransition.objects.filter(review=review, to_state="approved").count() == 1

    # 3. A fan-out asked for on both instances: each worker takes one run, the result is complete and duplicate-free.
    analytics_vendors_bulk(count=VENDORS, system=SystemFactory(), categories=[DataCategoryFactory(code="contact")])
    rule = SecurityRequirementFactory(code="scale-out-rule")
    token = _token(reviewer)
    body = {"requirement": rule.code, "scope": {"category": "analytics"}}
    status, created = _call(port_a, "/api/v1/tightenings/", token, "POST", body, request_id="rid-fanout-0001")
    assert status == 201, created
    status, _ = _call(port_b, f"/api/v1/tightenings/{created['id']}/fan-out/", token, "POST", {})
    assert status in (200, 202), status
    done = _wait(lambda: Tightening.objects.filter(pk=created["id"], fanned_out_at__isnull=False).exists(), 120)
    assert done
    _wait(lambda: all("risk.tightening_fan_out" in path.read_text() for name, path in cluster["logs"].items()
                      if name.startswith("worker")), 30)  # fmt: skip
    in_scope = Tightening.objects.get(pk=created["id"]).vendors_in_scope
    assert _statuses_complete(rule, in_scope) == (in_scope, in_scope, 0) and in_scope >= VENDORS
    for name in ("worker1", "worker2"):
        assert "risk.tightening_fan_out" in cluster["logs"][name].read_text(), f"{name} ran no fan-out"
    worker_lines = [json.loads(line) for path in (cluster["logs"]["worker1"], cluster["logs"]["worker2"])
                    for line in path.read_text().splitlines() if line.startswith("{")]  # fmt: skip
    assert any(line.get("request_id") == "rid-fanout-0001" for line in worker_lines), "request id not in worker logs"

    # 4. SIGKILL the pool process running a fan-out: the message is handed back and the fan-out still completes once.
    second = SecurityRequirementFactory(code="scale-out-after-kill")
    status, created = _call(port_b, "/api/v1/tightenings/", token, "POST",
                            {"requirement": second.code, "scope": {"category": "analytics"}})  # fmt: skip
    assert status == 201
    rows = VendorRequirement.objects.filter(requirement=second)
    assert _wait(rows.exists, 60, step=0.01)
    killed = None
    for worker in cluster["workers"].values():
        children = subprocess.run(["pgrep", "-P", str(worker.pid)], capture_output=True, text=True).stdout.split()
        log_name = "worker1" if worker is cluster["workers"]["w1"] else "worker2"
        if children and cluster["logs"][log_name].read_text().count("risk.tightening_fan_out") >= 2:
            killed = int(children[0])
    assert killed, "no worker was found running the second fan-out"
    at_kill = rows.count()
    os.kill(killed, signal.SIGKILL)
    finished = _wait(lambda: Tightening.objects.filter(pk=created["id"], fanned_out_at__isnull=False).exists(), 180)
    assert finished, "the fan-out did not complete after its worker process was killed"
    in_scope = Tightening.objects.get(pk=created["id"]).vendors_in_scope
    assert at_kill < in_scope
    assert _statuses_complete(second, in_scope) == (in_scope, in_scope, 0)
