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
