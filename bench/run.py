"""`make bench`: time the register's heavy paths on the database in DATABASE_URL and print a table.

BENCH_SCALE=small (1,000 vendors, a few minutes) or full (10,000 vendors / ~100,000 flows / ~1,000,000
flow-category rows). An empty register is filled first with `generate_portfolio` (seed 1); a register that
already holds vendors is measured as it is. PostgreSQL gives the real figures; SQLite works for a smoke run.
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

from bench import checks  # noqa: E402
from bench.harness import print_table  # noqa: E402
from bench.scenarios import Bench  # noqa: E402

SCALES = {
    "small": {"vendors": 1_000, "systems": 50, "flows_per_vendor": 10, "repeat": 10},
    "full": {"vendors": 10_000, "systems": 200, "flows_per_vendor": 10, "repeat": 20},
}


def main():
    scale_name = os.environ.get("BENCH_SCALE", "small")
    if scale_name not in SCALES:
        sys.exit(f"BENCH_SCALE must be one of {', '.join(SCALES)}, not {scale_name!r}")
    scale = SCALES[scale_name]
    bench = Bench(out=print, repeat=scale["repeat"])
    bench.prepare(vendors=scale["vendors"], systems=scale["systems"], flows_per_vendor=scale["flows_per_vendor"])
    rows = bench.run_all()
    checks.apply_targets(rows)
    print()
    print_table(rows, print)
    print()
    for line in checks.summary(rows):
        print(line)


if __name__ == "__main__":
    main()
