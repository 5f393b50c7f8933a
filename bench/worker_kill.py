"""Kill a Celery worker (SIGKILL, the whole process group) in the middle of the baseline fan-out, start another,
and check that the result is complete and free of duplicates.

Needs PostgreSQL and Redis, and a scratch database (it is emptied):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/vr_worker_kill CELERY_BROKER_URL=redis://127.0.0.1:6379/7 \
        .venv/bin/python bench/worker_kill.py [--vendors 30000]

Why it holds: the task is acknowledged late (CELERY_TASK_ACKS_LATE), so the message of a killed worker stays
unacknowledged in Redis and is handed to the next worker once the visibility timeout passes (shortened here to
CELERY_VISIBILITY_TIMEOUT=10 s); the fan-out commits batch by batch and skips statuses that exist, so the rerun
resumes, and the unique (vendor, requirement) constraint forbids a duplicate even under a race.
"""

import argparse
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
VISIBILITY_TIMEOUT = 10
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vendorrisk.settings.local")
os.environ["CELERY_VISIBILITY_TIMEOUT"] = str(VISIBILITY_TIMEOUT)


STARTED = time.monotonic()


def say(message):
    print(f"[{time.monotonic() - STARTED:7.1f} s] {message}", flush=True)


def start_worker(queue):
    """A real worker (prefork, one child) in its own process group, so one killpg takes parent and child."""
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "vendorrisk", "worker", "-Q", queue, "--concurrency=1",
         "--without-heartbeat", "--without-gossip", "--without-mingle", "--loglevel=WARNING"],
        cwd=ROOT,
        env=os.environ.copy(),
        start_new_session=True,
    )  # fmt: skip


def wait_for(condition, timeout, step=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(step)
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vendors", type=int, default=30_000)
    args = parser.parse_args()
    if not os.environ.get("CELERY_BROKER_URL") or "postgres" not in os.environ.get("DATABASE_URL", ""):
        sys.exit("set DATABASE_URL (PostgreSQL, a scratch database) and CELERY_BROKER_URL (Redis)")

    import django

    django.setup()
    from django.core.management import call_command
    from django.db.models import Count

    from apps.risk.models import Tightening, VendorRequirement
    from apps.risk.services import baseline_tighten
    from tests.factories.accounts import UserFactory
    from tests.factories.bulk import analytics_vendors_bulk
    from tests.factories.datamap import DataCategoryFactory, SystemFactory
    from tests.factories.risk import SecurityRequirementFactory
    from vendorrisk.celery import app

    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    say(f"creating {args.vendors} analytics vendors")
    reviewer = UserFactory(role="security-reviewer", username="reviewer")
    analytics_vendors_bulk(
        count=args.vendors, system=SystemFactory(), categories=[DataCategoryFactory(code="contact", sensitivity=2)]
    )
    rule = SecurityRequirementFactory(code="pseudonymise-client-side-analytics")

    queue = f"worker-kill-{uuid.uuid4().hex[:8]}"
    app.conf.task_routes = {"risk.*": {"queue": queue}}
    app.amqp.flush_routes()
    app.amqp.__dict__.pop("router", None)
    first = start_worker(queue)
    time.sleep(3)
    statuses = VendorRequirement.objects.filter(requirement=rule)

    tightening = baseline_tighten(requirement=rule, actor=reviewer, scope={"category": "analytics"})
    say(f"tightening #{tightening.pk} committed; fan-out enqueued on queue {queue}")
    wait_for(statuses.exists, timeout=120, step=0.01)
    os.killpg(first.pid, signal.SIGKILL)
    first.wait()
    at_kill = statuses.count()
    say(f"SIGKILL worker {first.pid} (and its child) with {at_kill} of {args.vendors} statuses written")
    time.sleep(1)
    after_kill = statuses.count()
    say(f"one second later, still {after_kill} statuses: nothing runs while no worker is up")

    second = start_worker(queue)
    say(f"second worker {second.pid} started; the unacked message returns after {VISIBILITY_TIMEOUT} s")
    wait_for(lambda: statuses.count() > after_kill, timeout=300, step=0.1)
    say(f"the second worker is writing: {statuses.count()} statuses (it resumes: existing ones are skipped)")
    done = wait_for(
        lambda: Tightening.objects.filter(pk=tightening.pk, fanned_out_at__isnull=False).first(), timeout=300
    )
    os.killpg(second.pid, signal.SIGTERM)
    second.wait(timeout=60)
    if done is None:
        sys.exit("FAIL: the fan-out did not finish on the second worker")

    total = statuses.count()
    vendors = statuses.values("vendor").distinct().count()
    duplicates = (
        VendorRequirement.objects.values("vendor", "requirement").annotate(n=Count("id")).filter(n__gt=1).count()
    )
    say(f"fan-out finished: tightening says {done.vendors_in_scope} in scope, {done.statuses_created} created")
    say(f"statuses for the rule: {total}; distinct vendors: {vendors}; duplicated pairs: {duplicates}")
    ok = at_kill < args.vendors and total == vendors == args.vendors and duplicates == 0
    print("RESULT:", "complete and duplicate-free after a SIGKILL mid-fan-out" if ok else "FAIL")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
