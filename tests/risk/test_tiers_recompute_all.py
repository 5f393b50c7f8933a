"""The set-based recompute of every vendor gives exactly what recomputing each vendor one by one gives."""

import datetime
import random

import pytest
from django.db import transaction

from apps.datamap.choices import Mechanism
from apps.risk.models import TierChange, Tightening, VendorRequirement
from apps.risk.services import tiers_recompute_all, vendor_tier_recompute
from apps.vendors.models import Vendor
from tests.factories.datamap import DataCategoryFactory, DataFlowFactory, SystemFactory
from tests.factories.risk import BaselineFactory, SecurityRequirementFactory
from tests.factories.vendors import VendorFactory, VendorServiceFactory

CRITICALITIES = ["low", "medium", "high", "critical"]
MECHANISMS = [Mechanism.SERVER_API, Mechanism.CLIENT_SIDE_SDK]


class Rollback(Exception):
    pass


def varied_portfolio(count, seed):
    """Vendors whose inputs vary (sensitivity, volume, SDKs, access, secrets, criticality, ended flows, no flows),
    stored tiers that are stale in every way (none, too high, too low, right), overrides and a terminated vendor."""
    rng = random.Random(seed)
    categories = [DataCategoryFactory(code=f"cat-{s}", sensitivity=s) for s in (1, 2, 3, 4)]
    requirements = [SecurityRequirementFactory(code=f"req-{n}") for n in range(5)]
    for tier in (1, 2, 3, 4):
        BaselineFactory(tier=tier, requirements=requirements[tier - 1 : tier + 1])
    Tightening.objects.create(
        requirement=requirements[4], scope={"data_categories": ["cat-2"]}, due_on=datetime.date(2030, 1, 1)
    )
    system = SystemFactory()
    for i in range(count):
        vendor = VendorFactory(slug=f"v-{seed}-{i}", tier=rng.choice([None, 1, 2, 3, 4]))
        for _ in range(rng.randint(0, 2)):
            service = VendorServiceFactory(
                vendor=vendor,
                business_criticality=rng.choice(CRITICALITIES),
                production_access=rng.random() < 0.1,
                handles_secrets=rng.random() < 0.1,
            )
            for _ in range(rng.randint(0, 3)):
                received = rng.sample(categories, rng.randint(0, 3))
                DataFlowFactory(
                    service=service,
                    system=system,
                    mechanism=rng.choice(MECHANISMS),
                    estimated_records=rng.choice([None, 10, 600_000, 2_000_000]),
                    ends_on=rng.choice([None, None, datetime.date(2020, 1, 1)]),
                    shared=received[:2],
                    not_shared=received[2:],
                )
        if rng.random() < 0.15:
            Vendor.objects.filter(pk=vendor.pk).update(
                tier_override=rng.choice([1, 2, 3, 4]), tier_override_reason="Contract"
            )
    Vendor.objects.filter(slug=f"v-{seed}-0").update(status="terminated", tier=4, computed_tier=4)


def outcome():
    """Everything a user could see of a recompute: tiers, tier changes, requirement statuses, history."""
    vendors = list(Vendor.objects.order_by("pk").values_list("pk", "tier", "computed_tier", "tier_override"))
    changes = sorted(
        TierChange.objects.values_list("vendor_id", "from_tier", "to_tier", "cause", "inputs", "changed_by_id"),
        key=repr,
    )
    statuses = sorted(
        VendorRequirement.objects.values_list("vendor_id", "requirement__code", "status", "due_on", "tightening_id"),
        key=repr,
    )
    history = sorted(
        Vendor.history.values_list("id", "tier", "computed_tier", "history_type", "history_user_id"), key=repr
    )
    return vendors, changes, statuses, history


def recomputed_one_by_one(actor):
    try:
        with transaction.atomic():
            for vendor in Vendor.objects.order_by("pk"):
                vendor_tier_recompute(vendor=vendor, actor=actor)
            expected = outcome()
            raise Rollback
    except Rollback:
        return expected


@pytest.mark.parametrize("seed", [1, 2])
def test_the_set_based_recompute_equals_recomputing_each_vendor(reviewer, seed):
    varied_portfolio(60, seed)
    before = outcome()
    expected = recomputed_one_by_one(reviewer)
    assert outcome() == before  # rolled back

    counts = tiers_recompute_all(actor=reviewer)

    assert outcome() == expected
    vendors, changes, statuses, history = expected
    assert counts == {"vendors": 59, "changed": len(changes)}
    assert len(changes) > 10 and len(statuses) > 10 and len(history) > len(before[3])  # the test has teeth
    assert any(code == "req-4" and tightening for _, code, _, _, tightening in statuses)  # the peer tightening
    assert tiers_recompute_all(actor=reviewer) == {"vendors": 59, "changed": 0}
    assert outcome() == expected  # a second run changes nothing


def test_only_the_named_vendors_are_recomputed(reviewer):
    varied_portfolio(20, 3)
    named = list(Vendor.objects.exclude(status="terminated").order_by("pk").values_list("pk", flat=True)[:5])
    untouched = dict(Vendor.objects.exclude(pk__in=named).values_list("pk", "tier"))
    assert tiers_recompute_all(vendor_ids=named)["vendors"] == 5
    assert dict(Vendor.objects.exclude(pk__in=named).values_list("pk", "tier")) == untouched
    assert set(TierChange.objects.values_list("vendor_id", flat=True)) <= set(named)


def test_the_recompute_reads_what_the_flow_services_keep_in_the_summaries(reviewer, monkeypatch):
    """Written through the register's doors: new flows, a not-shared row, an ended flow, a category made more
    sensitive (its receivers' summaries keep the same ids) and a flow that ends by its date with no write (its
    summary row goes stale and that vendor is read from the register). Still the same as one by one."""
    from apps.dashboard.models import VendorSummary
    from apps.datamap.choices import Sharing
    from apps.datamap.services import CategoryAnswer
    from apps.register import flows

    varied_portfolio(30, 4)
    low, _, _, critical = (DataCategoryFactory(code=f"svc-{s}", sensitivity=s) for s in (1, 2, 3, 4))
    vendors = list(Vendor.objects.exclude(status="terminated").order_by("pk"))
    system = SystemFactory()
    today = datetime.date.today()
    for i, vendor in enumerate(vendors[:12]):
        service = VendorServiceFactory(vendor=vendor, business_criticality="low")
        flow = flows.flow_create(
            actor=reviewer,
            code=f"svc-flow-{i}",
            system=system,
            service=service,
            mechanism=Mechanism.SERVER_API,
            purpose="Support",
            data_subjects=["users"],
            categories=[
                CategoryAnswer(category=low, sharing=Sharing.SHARED),
                CategoryAnswer(category=critical, sharing=Sharing.NOT_SHARED),
            ],
        )
        if i % 3 == 1:
            flows.flow_end(flow=flow, actor=reviewer)
        if i % 3 == 2:
            flows.flow_end(flow=flow, actor=reviewer, ends_on=today + datetime.timedelta(days=1))
    flows.category_update(category=low, actor=reviewer, sensitivity=3)
    # Two days on: the flows that ended tomorrow stopped by their date, no write refreshed their vendors' rows.
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args: today + datetime.timedelta(days=2))
    assert VendorSummary.objects.filter(stale_on__lte=today + datetime.timedelta(days=2)).count() == 4

    earlier = set(TierChange.objects.values_list("pk", flat=True))
    expected = recomputed_one_by_one(reviewer)
    counts = tiers_recompute_all(actor=reviewer)

    assert outcome() == expected
    new_changes = TierChange.objects.exclude(pk__in=earlier)
    assert counts["changed"] == new_changes.count() > 10
    # The category raised to medium counts at its new level: its receivers moved on it.
    assert any(
        change.inputs["max_sensitivity"] == 3 and "svc-1" in change.inputs["categories"] for change in new_changes
    )


def test_fresh_summaries_spare_the_scan_of_flow_category_rows(reviewer):
    """With every summary current, the inputs and the TierChange records come from the summary rows."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    categories = [DataCategoryFactory(code=f"cat-{s}", sensitivity=s) for s in (1, 2, 3, 4)]
    for i in range(6):
        DataFlowFactory(
            service=VendorServiceFactory(vendor=VendorFactory(slug=f"f-{i}")), shared=categories[: i % 4 + 1]
        )
    with CaptureQueriesContext(connection) as queries:
        assert tiers_recompute_all(actor=reviewer)["changed"] == 6
    assert not [q["sql"] for q in queries.captured_queries if "datamap_dataflowcategory" in q["sql"]]
    records = dict(TierChange.objects.values_list("vendor__slug", "inputs"))
    assert [records[f"f-{i}"]["max_sensitivity"] for i in range(6)] == [1, 2, 3, 4, 1, 2]
    assert [records[f"f-{i}"]["computed_tier"] for i in range(4)] == [3, 3, 2, 1]  # its services are medium
    assert TierChange.objects.get(vendor__slug="f-1").inputs["categories"] == ["cat-1", "cat-2"]


@pytest.mark.django_db
def test_the_nightly_task_recomputes_every_stale_tier_once_and_then_changes_nothing():
    """The operator's door to the whole-register recompute is the Celery task `risk.tiers_recompute_all`."""
    from apps.risk.tasks import tiers_recompute_all as task

    varied_portfolio(12, seed=7)
    stale = Vendor.objects.exclude(status="terminated").count()
    first = task.delay().get()
    assert first["vendors"] == stale and first["changed"] > 0
    moved = TierChange.objects.count()
    assert task.delay().get()["changed"] == 0
    assert TierChange.objects.count() == moved  # the second run wrote nothing
