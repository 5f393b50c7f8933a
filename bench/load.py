"""Load on gunicorn over loopback: requests per second and p99 latency of the vendor list and the blast-radius
query at concurrency 1, 8 and 32, printed beside raw SQL's throughput for the same rows (the floor).

gunicorn runs with production settings and 2 sync workers (GUNICORN_WORKERS) on 127.0.0.1; a bounded loader (threads,
one keep-alive connection each) sends requests for a fixed time per level and stops by itself. The raw SQL column
runs bench/sql.py's queries for the same page at the same concurrency, one database connection per thread.

Needs a scratch PostgreSQL database (filled with `generate_portfolio --vendors 1000` when empty):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/vr_load .venv/bin/python bench/load.py [--seconds 5]
"""

import argparse
import http.client
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vendorrisk.settings.local")
os.environ["DEBUG"] = "False"

PAGE = 50
PATHS = {
    "vendor list": f"/api/v1/vendors/?page_size={PAGE}",
    "blast radius": f"/api/v1/vendors/?data_category=email-address&mechanism=client_side_sdk&page_size={PAGE}",
}
LEVELS = (1, 8, 32)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def p99(samples):
    return statistics.quantiles(samples, n=100)[98] if len(samples) >= 2 else (samples[0] if samples else 0.0)


def run_level(work, concurrency, seconds):
    """Call work() from `concurrency` threads for `seconds`; (calls per second, p99 seconds, errors)."""
    latencies, errors, lock = [], [0], threading.Lock()
    deadline = time.monotonic() + seconds

    def loop():
        state = {}
        mine, failed = [], 0
        while time.monotonic() < deadline:
            started = time.perf_counter()
            ok = work(state)
            elapsed = time.perf_counter() - started
            if ok:
                mine.append(elapsed)
            else:
                failed += 1
        state.get("close", lambda: None)()
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    threads = [threading.Thread(target=loop) for _ in range(concurrency)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.monotonic() - began
    return len(latencies) / wall, p99(latencies), errors[0]


def http_work(port, path, token):
    def work(state):
        if "conn" not in state:
            state["conn"] = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            state["close"] = state["conn"].close
        try:
            state["conn"].request("GET", path, headers={"Authorization": f"Token {token}"})
            response = state["conn"].getresponse()
            response.read()
            return response.status == 200
        except (OSError, http.client.HTTPException):
            state["conn"].close()
            del state["conn"]
            return False

    return work


def sql_work(query):
    from django.db import connection

    def work(state):
        state["close"] = connection.close  # each thread's own connection
        return bool(query())

    return work


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="per concurrency level and endpoint")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if "postgres" not in os.environ.get("DATABASE_URL", ""):
        sys.exit("set DATABASE_URL to a scratch PostgreSQL database")

    import django

    django.setup()
    from django.core.management import call_command

    from apps.accounts.models import ApiToken
    from apps.vendors.models import Vendor
    from bench import sql
    from tests.factories.accounts import UserFactory

    call_command("migrate", verbosity=0)
    if not Vendor.objects.exists():
        call_command("setup_demo", verbosity=0)
        call_command("generate_portfolio", "--vendors", "1000", "--append", verbosity=0)
    user = UserFactory(role="dashboard", username=f"load-{secrets.token_hex(4)}")
    token = ApiToken.objects.create(user=user, second_factor=True)[1]
    vendors = Vendor.objects.count()

    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "vendorrisk.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "False",
        "API_THROTTLE_USER": "1000000/minute",
        "GUNICORN_WORKERS": str(args.workers),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_ACCESSLOG": "/dev/null",
        "GUNICORN_LOGLEVEL": "warning",
        "CELERY_BROKER_URL": "",
        "LOG_LEVEL": "WARNING",
    }
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"], env=env, cwd=ROOT,
                              stdout=subprocess.DEVNULL, start_new_session=True)  # fmt: skip
    try:
        for _ in range(100):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                time.sleep(0.2)
        raw = {"vendor list": lambda: sql.vendor_page(PAGE), "blast radius": lambda: sql.blast_radius(limit=PAGE)}
        print(f"gunicorn {args.workers} sync workers, production settings, {vendors} vendors, page of {PAGE}, "
              f"{args.seconds:g} s per cell, {os.cpu_count()} cores for loader, server and PostgreSQL")  # fmt: skip
        print(
            f"{'endpoint':<14}{'conc.':>6}{'HTTP req/s':>12}{'p99 ms':>9}{'errors':>8}{'raw SQL q/s':>13}{'p99 ms':>9}"
        )
        for name, path in PATHS.items():
            http_work(port, path, token)({})  # warm up a worker
            for level in LEVELS:
                rps, tail, errors = run_level(http_work(port, path, token), level, args.seconds)
                qps, sql_tail, _ = run_level(sql_work(raw[name]), level, args.seconds)
                print(
                    f"{name:<14}{level:>6}{rps:>12.1f}{tail * 1000:>9.1f}{errors:>8}{qps:>13.1f}{sql_tail * 1000:>9.1f}"
                )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        user.delete()


if __name__ == "__main__":
    main()
