"""Time the bulk import: N vendors, one service each, 10 flows per vendor (3 categories each), then the export.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/vr_bench .venv/bin/python bench/import_register.py --vendors 10000

Writes the workbook (a zip of CSVs) to a temporary file, imports it twice in a throw-away test database (created
and dropped like the test runner does): the first run creates everything, the second must change nothing. Prints
time, rows per second and the peak RSS of the process after each step, then times the XLSX export.
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
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vendorrisk.settings.test")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import get_runner  # noqa: E402

FLOWS_PER_VENDOR = 10
SYSTEMS = 20
CATEGORIES = ("email-address", "name", "device-id", "ip-address", "usage-data")


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


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


def run(vendors):
    from apps.datamap.models import DataFlow
    from apps.exchange.exporter import export_register
    from apps.exchange.importer import import_register
    from tests.factories.datamap import DataCategoryFactory

    for code in CATEGORIES:
        DataCategoryFactory(code=code)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "register.zip"
        started = time.perf_counter()
        write_workbook(path, vendors)
        rows = vendors * (2 + FLOWS_PER_VENDOR) + SYSTEMS
        print(f"workbook: {rows} rows, {path.stat().st_size / 1e6:.1f} MB in {time.perf_counter() - started:.1f} s")
        for label in ("first import (creates)", "second import (changes nothing)"):
            started = time.perf_counter()
            with path.open("rb") as stream:
                report = import_register(stream=stream, filename=path.name, actor=None, apply=True)
            elapsed = time.perf_counter() - started
            assert report.ok, report.errors[:5]
            counts = {name: (s.created, s.changed, s.unchanged) for name, s in report.sheets.items()}
            print(f"{label}: {elapsed:.1f} s, {rows / elapsed:.0f} rows/s, peak RSS {peak_rss_mb():.0f} MB, {counts}")
        assert DataFlow.objects.count() == vendors * FLOWS_PER_VENDOR
        started = time.perf_counter()
        with (Path(folder) / "export.xlsx").open("wb") as out:
            export_register(out, fmt="xlsx")
        print(f"export xlsx: {time.perf_counter() - started:.1f} s, peak RSS {peak_rss_mb():.0f} MB")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vendors", type=int, default=10_000)
    args = parser.parse_args()
    runner = get_runner(settings)(verbosity=0, interactive=False)
    old_config = runner.setup_databases()
    try:
        print(f"database: {connection.vendor}, {args.vendors} vendors, {args.vendors * FLOWS_PER_VENDOR} flows")
        run(args.vendors)
    finally:
        runner.teardown_databases(old_config)


if __name__ == "__main__":
    main()
