"""The data-flow report of a 5,000-flow vendor over the API, in CSV and JSON: time, chunks sent, peak memory.

The vendor is added inside a transaction that is rolled back (5,000 flows x 10 categories, bulk inserts, a few
seconds), so the register is left as it was. Peak memory is what tracemalloc sees allocated above the start while
the response is made and read chunk by chunk (as a WSGI server would send it); time is measured in other runs,
without tracemalloc, which slows Python down.
"""

import time
import tracemalloc

from django.db import transaction

from apps.datamap.models import DataCategory, DataFlow, DataFlowCategory, System
from apps.vendors.models import Vendor, VendorService
from bench.harness import measure

FLOWS = 5_000
CATEGORIES_PER_FLOW = 10


def add_big_vendor(flows=FLOWS, categories_per_flow=CATEGORIES_PER_FLOW):
    vendor = Vendor.objects.create(slug="bench-big-report", legal_name="Big report", display_name="Big report")
    service = VendorService.objects.create(vendor=vendor, slug="bench-big-service", name="Big service")
    systems = list(System.objects.order_by("pk")[:20])
    catalogue = list(DataCategory.objects.order_by("path")[:categories_per_flow])
    created = DataFlow.objects.bulk_create(
        (
            DataFlow(
                code=f"bench-big-{i:05}",
                system=systems[i % len(systems)],
                service=service,
                vendor=vendor,
                mechanism="server_api",
                purpose=f"Purpose {i}",
                data_subjects=["users"],
                processing_countries=["US", "FR"],
            )
            for i in range(flows)
        ),
        batch_size=1_000,
    )
    DataFlowCategory.objects.bulk_create(
        (
            DataFlowCategory(flow=flow, category=category, sharing="shared" if i % 3 else "not_shared")
            for flow in created
            for i, category in enumerate(catalogue)
        ),
        batch_size=5_000,
    )
    return vendor


def _download(client, path):
    """GET `path` and read the body as a server would: (chunks, bytes). The test client closes the response
    itself (closing it here would also close the database connection, inside the bench's transaction)."""
    response = client.get(path)
    if response.status_code != 200:
        raise RuntimeError(f"GET {path} answered {response.status_code}")
    chunks = size = 0
    if response.streaming:
        for chunk in response.streaming_content:
            chunks += 1
            size += len(chunk)
    else:
        chunks, size = 1, len(response.content)
    return chunks, size


def _peak_mb(client, path):
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        start, _ = tracemalloc.get_traced_memory()
        _download(client, path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return (peak - start) / 1024 / 1024


def rows(client, *, repeat):
    measured = []
    with transaction.atomic():
        started = time.perf_counter()
        vendor = add_big_vendor()
        added = time.perf_counter() - started
        for fmt in ("csv", "json"):
            path = f"/api/v1/vendors/{vendor.slug}/report/?format={fmt}"
            chunks, size = _download(client, path)
            row = measure(
                f"API vendor report {fmt} ({FLOWS:,} flows)", lambda p=path: _download(client, p), repeat=repeat
            )
            row.note = f"{chunks:,} chunks, {size / 1024 / 1024:.1f} MB, peak +{_peak_mb(client, path):.1f} MB traced"
            measured.append(row)
        transaction.set_rollback(True)
    # How long the set-up took goes in a note: a row without a median would read as "not measured".
    measured[0].note += f"; vendor added in {added:.1f} s, rolled back"
    return measured
