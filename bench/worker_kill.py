"""Kill Celery workers with SIGKILL in the middle of the baseline fan-out and check that the result is complete
and free of duplicates. Two scenarios on the same 30,000 vendors, each with a requirement of its own:

- child: SIGKILL the pool process running the task (what the OOM killer does). The worker's parent sees the
  process lost and, with CELERY_TASK_REJECT_ON_WORKER_LOST, requeues the message at once.
- worker: SIGKILL the parent and its child together (a lost node), then start a new worker. The message was never
  acknowledged (CELERY_TASK_ACKS_LATE), so Redis hands it out again once the visibility timeout has passed
  (shortened here to CELERY_VISIBILITY_TIMEOUT=10 s; kombu scans for such messages about every 100 s).

Either way the fan-out commits batch by batch and skips statuses that exist, so the rerun resumes, and the
unique (vendor, requirement) constraint forbids a duplicate even under a race.

Needs PostgreSQL, Redis and a scratch database (it is emptied):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/vr_worker_kill CELERY_BROKER_URL=redis://127.0.0.1:6379/7 \
        .venv/bin/python bench/worker_kill.py [--vendors 30000]
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
    queue = f"worker-kill-{uuid.uuid4().hex[:8]}"
    app.conf.task_routes = {"risk.*": {"queue": queue}}
    app.amqp.flush_routes()
    app.amqp.__dict__.pop("router", None)

    def scenario(kill):
        """kill="child": SIGKILL the pool process running the task (as the OOM killer would); the parent sees the
        worker lost and, with reject_on_worker_lost, requeues the message at once. kill="worker": SIGKILL parent
        and child together (a node lost); Redis redelivers after the visibility timeout to a new worker."""
        rule = SecurityRequirementFactory(code=f"rule-after-{kill}-kill")
        statuses = VendorRequirement.objects.filter(requirement=rule)
        worker = start_worker(queue)
        time.sleep(3)
        tightening = baseline_tighten(requirement=rule, actor=reviewer, scope={"category": "analytics"})
        say(f"[{kill}] tightening #{tightening.pk} committed; fan-out enqueued on {queue}")
        wait_for(statuses.exists, timeout=120, step=0.01)
        if kill == "child":
            child = int(
                subprocess.run(["pgrep", "-P", str(worker.pid)], capture_output=True, text=True).stdout.split()[0]
            )
            os.kill(child, signal.SIGKILL)
            at_kill = statuses.count()
            say(f"[child] SIGKILL pool process {child} with {at_kill} of {args.vendors} statuses written")
            survivor = worker
        else:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()
            at_kill = statuses.count()
            say(f"[worker] SIGKILL worker {worker.pid} and its child with {at_kill} of {args.vendors} statuses written")
            time.sleep(1)
            say(f"[worker] one second later: {statuses.count()} statuses, nothing runs while no worker is up")
            survivor = start_worker(queue)
            say(f"[worker] new worker {survivor.pid} started")
        resumed = wait_for(lambda: statuses.count() > at_kill and statuses.count(), timeout=400, step=0.1)
        say(f"[{kill}] the task runs again: {resumed} statuses (existing ones are skipped)")
        done = wait_for(
            lambda: Tightening.objects.filter(pk=tightening.pk, fanned_out_at__isnull=False).first(), timeout=300
        )
        os.killpg(survivor.pid, signal.SIGTERM)
        survivor.wait(timeout=60)
        if done is None:
            say(f"[{kill}] FAIL: the fan-out did not finish")
            return False
        total = statuses.count()
        vendors = statuses.values("vendor").distinct().count()
        duplicates = (
            VendorRequirement.objects.filter(requirement=rule)
            .values("vendor")
            .annotate(n=Count("id"))
            .filter(n__gt=1)
            .count()
        )
        say(f"[{kill}] done: {done.vendors_in_scope} in scope; statuses {total}; distinct vendors {vendors}; "
            f"duplicates {duplicates}")  # fmt: skip
        return at_kill < args.vendors and total == vendors == args.vendors and duplicates == 0

    results = {kill: scenario(kill) for kill in ("child", "worker")}
    for kill, ok in results.items():
        print(f"RESULT [{kill} killed]:", "complete and duplicate-free" if ok else "FAIL")
    sys.exit(0 if all(results.values()) else 1)


if __name__ == "__main__":
    main()
