"""Time the tightening fan-out: N analytics vendors receiving contact data through a client-side SDK.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/vr_bench .venv/bin/python bench/fanout.py --vendors 10000

Builds the data in a throw-away test database (created and dropped like the test runner does), runs the
fan-out twice (the second run must create nothing) and prints the figures: time, queries, counts.
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vendorrisk.settings.test")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext, get_runner  # noqa: E402


def run(vendors):
    from apps.accounts.roles import SECURITY_REVIEWER
    from apps.risk.models import SecurityRequirement, VendorRequirement
    from apps.risk.services import baseline_tighten, tightening_fan_out
    from tests.factories.accounts import UserFactory
    from tests.factories.bulk import analytics_vendors_bulk
    from tests.factories.datamap import DataCategoryFactory, SystemFactory

    call_command("loaddata", "fixtures/020_requirements_and_baselines.json", verbosity=0)
    contact = DataCategoryFactory(code="contact", sensitivity=2)
    email = DataCategoryFactory(code="email-address", parent=contact, sensitivity=2)
    reviewer = UserFactory(username="bench-reviewer", role=SECURITY_REVIEWER)
    started = time.perf_counter()
    analytics_vendors_bulk(count=vendors, system=SystemFactory(slug="console"), categories=[email])
    print(f"built {vendors} vendors with flows in {time.perf_counter() - started:.2f} s")

    rule = SecurityRequirement.objects.get(code="no-personal-data-client-side-analytics-without-pseudonymisation")
    # baseline_tighten enqueues the fan-out on commit; hold the commit so that the runs below are the timed ones.
    with transaction.atomic():
        tightening = baseline_tighten(
            requirement=rule,
            actor=reviewer,
            scope={"category": "analytics", "mechanism": "client_side_sdk", "data_categories": ["contact"]},
        )
        for label in ("first run", "second run"):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                counts = tightening_fan_out(tightening_id=tightening.pk)
                elapsed = time.perf_counter() - started
            print(f"{label}: {elapsed:.3f} s, {len(queries.captured_queries)} queries, {counts}")
        assert VendorRequirement.objects.filter(requirement=rule).count() == vendors
        transaction.set_rollback(True)  # nothing to enqueue: the bench database is dropped anyway


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vendors", type=int, default=10_000)
    args = parser.parse_args()
    runner = get_runner(settings)(verbosity=0, interactive=False)
    old_config = runner.setup_databases()
    try:
        print(f"database: {connection.vendor}")
        run(args.vendors)
    finally:
        runner.teardown_databases(old_config)


if __name__ == "__main__":
    main()
