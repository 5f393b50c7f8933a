"""Time the bulk import on the database in DATABASE_URL: N vendors, one service each, 10 flows per vendor.

    createdb -h 127.0.0.1 -U postgres vr_import-speed_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/vr_import-speed_bench .venv/bin/python bench/import_register.py

The database must hold no register (it is migrated here, and emptied between sizes with `flush`, so never point
it at one you keep). Each size starts from an empty register with the reference fixtures loaded, as
bench/scenarios.py `prepare` does (the category catalogue, requirements and baselines: the tier recompute creates
the baseline statuses). A workbook (a zip of CSVs) of N vendors, N services, 10·N flows with 3 answers each is
written to a temporary file and imported three times: a dry run, the apply (creates everything), and the same
file again (must change nothing). Each prints seconds, rows per second, SQL queries and the process's peak RSS.
The smaller sizes come first, so the growth of time, queries and memory with the size is visible.
"""

import argparse
import csv
import io
import os
import resource
import sys
import tempfile
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vendorrisk.settings.local")
os.environ["DEBUG"] = "False"  # connection.queries would keep every query of a 100,000-flow import

import logging  # noqa: E402

import django  # noqa: E402

django.setup()
logging.disable(logging.INFO)

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

FLOWS_PER_VENDOR = 10
SYSTEMS = 20
CATEGORIES = ("email-address", "name", "device-id", "ip-address", "usage-data")


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class QueryCounter:
    """Counts the statements sent, without keeping them (CaptureQueriesContext would hold 100,000s of strings)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def write_workbook(path, vendors):
    def sheet(archive, name, header, rows):
        with archive.open(f"{name}.csv", "w") as member:
            text = io.TextIOWrapper(member, encoding="utf-8", newline="")
            writer = csv.writer(text)
            writer.writerow(header)
            writer.writerows(rows)
            text.flush()
            text.detach()

    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        sheet(archive, "systems", ["slug", "name"], ([f"system-{i}", f"System {i}"] for i in range(SYSTEMS)))
        sheet(
            archive,
            "vendors",
            ["slug", "legal_name", "display_name", "hq_country", "category"],
            ([f"vendor-{i}", f"Vendor {i} Ltd", f"Vendor {i}", "IE", "analytics"] for i in range(vendors)),
        )
        sheet(
            archive, "services", ["vendor", "slug", "name"], ([f"vendor-{i}", "main", "Main"] for i in range(vendors))
        )
        sheet(
            archive,
            "flows",
            ["code", "system", "vendor", "service", "mechanism", "storage_countries", "shared", "not_shared"],
            (
                [
                    f"flow-{i}-{j}",
                    f"system-{(i + j) % SYSTEMS}",
                    f"vendor-{i}",
                    "main",
                    "server_api",
                    "IE",
                    f"{CATEGORIES[j % 5]}; {CATEGORIES[(j + 1) % 5]}",
                    CATEGORIES[(j + 2) % 5],
                ]
                for i in range(vendors)
                for j in range(FLOWS_PER_VENDOR)
            ),
        )


def empty_register():
    """Flush the database and load the reference fixtures (catalogue, requirements, baselines) as `prepare` does."""
    from apps.core.demo import fixture_files
    from apps.datamap.models import DataCategory
    from tests.factories.datamap import DataCategoryFactory

    call_command("flush", interactive=False, verbosity=0, allow_cascade=True)
    for path in fixture_files():
        if path.name.startswith("0"):
            call_command("loaddata", str(path), verbosity=0)
    for code in CATEGORIES:  # the workbook's codes, whether or not the catalogue names them so
        if not DataCategory.objects.filter(code=code).exists():
            DataCategoryFactory(code=code)


STEPS = {"dry": ("dry run", False), "apply": ("apply (creates)", True), "reimport": ("re-import (no change)", True)}


def run(vendors, steps):
    from apps.datamap.models import DataFlow, DataFlowCategory
    from apps.exchange.importer import import_register
    from apps.risk.models import VendorRequirement
    from apps.vendors.models import Vendor

    empty_register()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "register.zip"
        started = time.perf_counter()
        write_workbook(path, vendors)
        rows = vendors * (2 + FLOWS_PER_VENDOR) + SYSTEMS
        print(
            f"\n{vendors:,} vendors, {vendors * FLOWS_PER_VENDOR:,} flows: workbook of {rows:,} rows, "
            f"{path.stat().st_size / 1e6:.1f} MB written in {time.perf_counter() - started:.1f} s"
        )
        for label, apply in (STEPS[step] for step in steps):
            counter = QueryCounter()
            started = time.perf_counter()
            with connection.execute_wrapper(counter), path.open("rb") as stream:
                report = import_register(stream=stream, filename=path.name, actor=None, apply=apply)
            elapsed = time.perf_counter() - started
            assert report.ok, report.errors[:5]
            counts = {name: (s.created, s.changed, s.unchanged) for name, s in report.sheets.items()}
            print(
                f"  {label:22} {elapsed:7.1f} s  {rows / elapsed:7.0f} rows/s  {counter.count:8,} queries  "
                f"peak RSS {peak_rss_mb():4.0f} MB  load {os.getloadavg()[0]:4.1f}  (new, changed, same): {counts}"
            )
        if "apply" in steps:
            assert DataFlow.objects.count() == vendors * FLOWS_PER_VENDOR
            assert DataFlowCategory.objects.count() == vendors * FLOWS_PER_VENDOR * 3
        tiered = Vendor.objects.filter(tier__isnull=False).count()
        print(f"  register: {tiered:,} vendors tiered, {VendorRequirement.objects.count():,} requirement statuses")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vendors", type=int, nargs="+", default=[1_000, 10_000], help="sizes, smallest first")
    parser.add_argument("--steps", nargs="+", choices=STEPS, default=list(STEPS), help="imports to run, in order")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    from apps.vendors.models import Vendor

    if Vendor.objects.filter(slug__regex=r"^(?!vendor-\d+$)").exists():
        sys.exit("This database holds a register that is not this bench's: give it an empty one.")
    print(f"database: {connection.vendor}; {os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.1f}")
    for size in sorted(args.vendors):
        run(size, args.steps)
    call_command("flush", interactive=False, verbosity=0, allow_cascade=True)


if __name__ == "__main__":
    main()
