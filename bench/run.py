"""`make bench`: time the register's heavy paths on the database in DATABASE_URL and print a table.

BENCH_SCALE=small (1,000 vendors, a few minutes), full (10,000 vendors / ~100,000 flows / ~1,000,000
flow-category rows) or huge (100,000 vendors / ~1,000,000 flows / ~10,000,000 flow-category rows). A database
with unapplied migrations is migrated first; an empty register is filled with `generate_portfolio` (seed 1); a
register that already holds vendors is measured as it is.
Each run is saved to bench/results/<scale>.json (machine, load, commit, register size, rows) and, when the next
smaller scale's file exists (or BENCH_COMPARE=path.json is given), a "growth" column prints each row's median
over that file's median for the same row: ~1 is flat, ~10 from full to huge is linear.
PostgreSQL gives the real figures; SQLite works for a smoke run.
Requests go through django.test.Client against the real URLs with DEBUG off, logged in as a security reviewer.
Rows whose feature is not on this branch print "n/a (not built)" instead of a number.
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vendorrisk.settings.local")
os.environ["DEBUG"] = "False"  # the figures must not include debug toolbars, query logging or tracebacks
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")

import logging  # noqa: E402

import django  # noqa: E402

django.setup()
logging.disable(logging.INFO)  # login and request logs would interleave with the table

from django.db import connection  # noqa: E402

from apps.datamap.models import DataFlow, DataFlowCategory  # noqa: E402
from apps.vendors.models import Vendor  # noqa: E402
from bench import checks, results  # noqa: E402
from bench.database import ensure_migrated  # noqa: E402
from bench.harness import print_table  # noqa: E402
from bench.scenarios import Bench  # noqa: E402

SCALES = {
    "small": {"vendors": 1_000, "systems": 50, "flows_per_vendor": 10, "repeat": 10},
    "full": {"vendors": 10_000, "systems": 200, "flows_per_vendor": 10, "repeat": 20},
    "huge": {"vendors": 100_000, "systems": 500, "flows_per_vendor": 10, "repeat": 10},
}


def register_size():
    return {
        "vendors": Vendor.objects.count(),
        "flows": DataFlow.objects.count(),
        "flow_categories": DataFlowCategory.objects.count(),
    }


def database_name():
    if connection.vendor != "postgresql":
        return connection.vendor
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return f"postgresql {cursor.fetchone()[0]}"


def main():
    scale_name = os.environ.get("BENCH_SCALE", "small")
    if scale_name not in SCALES:
        sys.exit(f"BENCH_SCALE must be one of {', '.join(SCALES)}, not {scale_name!r}")
    try:
        baseline_path = results.baseline_path(scale_name, os.environ.get("BENCH_COMPARE"))
    except FileNotFoundError as exc:
        sys.exit(str(exc))
    # Read now: this run overwrites bench/results/<scale>.json, which BENCH_COMPARE may name.
    baseline = results.load(baseline_path) if baseline_path else None
    load_before = os.getloadavg()[0]
    scale = SCALES[scale_name]
    ensure_migrated(print)
    bench = Bench(out=print, repeat=scale["repeat"])
    bench.prepare(vendors=scale["vendors"], systems=scale["systems"], flows_per_vendor=scale["flows_per_vendor"])
    rows = bench.run_all()
    checks.apply_targets(rows)
    document = results.record(
        scale=scale_name, rows=rows, register=register_size(), database=database_name(), load_before=load_before
    )
    saved = results.save(document)
    print()
    if baseline:
        results.apply_growth(rows, baseline)
        print(results.describe(baseline, baseline_path))
    else:
        print(
            f"No growth column: no smaller scale's results in {results.RESULTS_DIR} (run it first, or BENCH_COMPARE=)"
        )
    print_table(rows, print)
    print()
    for line in checks.summary(rows):
        print(line)
    print(f"Saved to {saved} (load {document['load']['before']} before, {document['load']['after']} after).")


if __name__ == "__main__":
    main()
