"""Concentration at scale: `python bench/monitoring.py [--vendors 10000]` prints one bench row per figure.

On the database in DATABASE_URL (PostgreSQL for real figures). Inside one transaction that is rolled back at the
end, it tops the register up to `--vendors` vendors (bulk inserts, each with a service and a flow; one in ten
flows carries a critical category) and gives every vendor one to three subprocessors from a pool of 25 providers
in 12 countries, skewed so that one cloud holds about 40 % of them. It then times `concentration()` (the
dashboard's and the API's figures) and the threshold check, and counts their queries at two sizes to show they
stay constant. `make bench` runs the same rows on its generated portfolio (section "monitoring").
"""

import os
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vendorrisk.settings.local")

import argparse  # noqa: E402

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench.harness import measure, print_table  # noqa: E402

PROVIDERS = 25
COUNTRIES = ["US", "IE", "DE", "FR", "NL", "GB", "SE", "FI", "JP", "SG", "CA", "AU"]
TARGET = ("<300 ms, const. queries", 300)


def fill(*, vendors: int, seed: int = 1):
    """Top the register up to `vendors` vendors and link each to subprocessors. Bulk inserts: no history rows."""
    from apps.datamap.models import DataCategory, DataFlow, DataFlowCategory, System
    from apps.vendors.models import Subprocessor, Vendor, VendorService

    rng = random.Random(seed)
    critical = DataCategory.objects.filter(sensitivity=4).first() or DataCategory.objects.create(
        code="bench-secret", name="Bench secret", sensitivity=4
    )
    ordinary = DataCategory.objects.filter(sensitivity__lt=4).first() or DataCategory.objects.create(
        code="bench-contact", name="Bench contact", sensitivity=2
    )
    system = System.objects.first() or System.objects.create(slug="bench-system", name="Bench system")
    missing = max(0, vendors - Vendor.objects.count())
    new = Vendor.objects.bulk_create(
        Vendor(
            slug=f"bench-m-{i}",
            legal_name=f"Bench M {i}",
            display_name=f"Bench M {i}",
            category="analytics",
            tier=rng.choice([1, 2, 2, 3, 3, 4]),
            hq_country=rng.choice(COUNTRIES),
        )
        for i in range(missing)
    )
    services = VendorService.objects.bulk_create(VendorService(vendor=v, slug="svc", name="Service") for v in new)
    flows = DataFlow.objects.bulk_create(
        DataFlow(code=f"bench-m-flow-{i}", system=system, service=s, vendor_id=s.vendor_id, mechanism="server_api")
        for i, s in enumerate(services)
    )
    DataFlowCategory.objects.bulk_create(
        DataFlowCategory(flow=f, category=critical if i % 10 == 0 else ordinary, sharing="shared")
        for i, f in enumerate(flows)
    )
    providers = Vendor.objects.bulk_create(
        Vendor(slug=f"bench-cloud-{i}", legal_name=f"Cloud {i}", display_name=f"Cloud {i}", category="hosting", tier=3)
        for i in range(PROVIDERS)
    )
    weights = [40, *([60 / (PROVIDERS - 1)] * (PROVIDERS - 1))]
    links = []
    for vendor_id in Vendor.objects.exclude(slug__startswith="bench-cloud-").values_list("pk", flat=True):
        chosen = {p.pk for p in rng.choices(providers, weights=weights, k=rng.randint(1, 3))}
        links += [
            Subprocessor(vendor_id=vendor_id, subprocessor_id=p, country=COUNTRIES[p % len(COUNTRIES)]) for p in chosen
        ]
    Subprocessor.objects.bulk_create(links, batch_size=5000)
    return len(links)


def rows(*, repeat=20):
    from apps.monitoring.selectors import concentration
    from apps.monitoring.services import concentration_check, threshold_create

    out = []
    row = measure("concentration figures (dashboard/API)", concentration, repeat=repeat)
    out.append(row)
    threshold_create(actor=None, dimension="subprocessor", up_to_tier=1, max_percent=30)
    threshold_create(actor=None, dimension="critical_flows", up_to_tier=2, max_percent=30)
    out.append(measure("concentration threshold check (2 thresholds)", concentration_check, repeat=3))
    for row in out:
        row.target = TARGET[0]
        row.met = row.median_ms < TARGET[1]
    return out


def queries_of(action):
    with CaptureQueriesContext(connection) as captured:
        action()
    return len(captured.captured_queries)


def main():
    from apps.monitoring.selectors import concentration
    from apps.vendors.models import Subprocessor, Vendor

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vendors", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    with transaction.atomic():
        small = queries_of(concentration)
        links = fill(vendors=args.vendors)
        large = queries_of(concentration)
        print(
            f"{Vendor.objects.count():,} vendors, {Subprocessor.objects.count():,} subprocessor links "
            f"({links:,} added), {connection.vendor}; queries: {small} before filling, {large} after"
        )
        table = rows(repeat=args.repeat)
        print_table(table, print)
        transaction.set_rollback(True)
    if small != large:
        sys.exit("the concentration figures do not run in constant queries")


if __name__ == "__main__":
    main()
