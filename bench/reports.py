"""Time the report builders on a vendor with 200 flows × 50 categories: median, p95 and query count.

    .venv/bin/python bench/reports.py [--flows 200] [--categories 50] [--runs 20]

Runs against a throw-away test database (SQLite in memory by default; PostgreSQL when DATABASE_URL points
there), never against the development or production data.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vendorrisk.settings.test")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402


def build_vendor(flows, categories):
    """One vendor, 5 systems, `flows` flows each carrying all `categories` (two thirds shared), one incident."""
    from apps.datamap.models import DataCategory, DataFlow, DataFlowCategory, System
    from apps.incidents.models import Incident, IncidentExposure
    from apps.vendors.models import Contract, Subprocessor, Vendor, VendorService

    vendor = Vendor.objects.create(slug="bench", legal_name="Bench Inc.", display_name="Bench", category="analytics")
    service = VendorService.objects.create(vendor=vendor, slug="analytics", name="Analytics")
    Contract.objects.create(vendor=vendor, reference="msa", starts_on="2024-01-01", breach_notification_hours=72)
    hosting = Vendor.objects.create(slug="bench-host", legal_name="Host", display_name="Host", category="hosting")
    Subprocessor.objects.create(vendor=vendor, subprocessor=hosting, purpose="Hosting").services.add(service)
    catalogue = DataCategory.objects.bulk_create(
        DataCategory(code=f"bench-cat-{i}", name=f"Category {i}", path=f"bench-cat-{i}/", sensitivity=1 + i % 4)
        for i in range(categories)
    )
    systems = System.objects.bulk_create(System(slug=f"bench-sys-{i}", name=f"System {i}") for i in range(5))
    created = DataFlow.objects.bulk_create(
        DataFlow(code=f"bench-flow-{i}", system=systems[i % 5], service=service, vendor=vendor, mechanism="server_api")
        for i in range(flows)
    )
    DataFlowCategory.objects.bulk_create(
        DataFlowCategory(flow=flow, category=category, sharing="shared" if i % 3 else "not_shared")
        for flow in created
        for i, category in enumerate(catalogue)
    )
    incident = Incident.objects.create(slug="bench-incident", vendor=vendor, title="Bench", severity="high")
    IncidentExposure.objects.bulk_create(
        IncidentExposure(incident=incident, category=category, status="exposed") for category in catalogue[:10]
    )
    incident.affected_flows.add(*created)
    return vendor, incident


def measure(label, function, runs):
    timings = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            function()
            timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    p95 = timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))]
    print(f"{label:<28} median {statistics.median(timings):8.1f} ms   p95 {p95:8.1f} ms   queries {len(queries)}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--flows", type=int, default=200)
    parser.add_argument("--categories", type=int, default=50)
    parser.add_argument("--runs", type=int, default=20)
    options = parser.parse_args()

    from apps.reports.builders import build_dataflow_report, build_incident_report
    from apps.reports.renderers import render

    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        vendor, incident = build_vendor(options.flows, options.categories)
        scale = f"{options.flows} flows × {options.categories} categories"
        print(f"{connection.vendor}: 1 vendor, {scale}, {options.runs} runs")
        measure("dataflow build", lambda: build_dataflow_report(vendor=vendor), options.runs)
        report = build_dataflow_report(vendor=vendor)
        for fmt in ("json", "html", "csv"):
            measure(f"dataflow render {fmt}", lambda fmt=fmt: render(report, fmt), options.runs)
        measure("dataflow build + json", lambda: render(build_dataflow_report(vendor=vendor), "json"), options.runs)
        measure("dataflow build + html", lambda: render(build_dataflow_report(vendor=vendor), "html"), options.runs)
        measure("incident build + json", lambda: render(build_incident_report(incident=incident), "json"), options.runs)
        measure("incident build + html", lambda: render(build_incident_report(incident=incident), "html"), options.runs)
        html, _ = render(report, "html")
        json_text, _ = render(report, "json")
        print(f"sizes: json {len(json_text) / 1024:.0f} KiB, html {len(html) / 1024:.0f} KiB")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
