"""The set-based `tiers_recompute_all(vendor_ids=…)` leaves each vendor as `vendor_tier_recompute` leaves it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.risk.models import TierChange, VendorRequirement
from apps.risk.services import tiers_recompute_all, vendor_tier_recompute
from apps.vendors.models import Vendor
from tests.factories.datamap import DataCategoryFactory, DataFlowFactory
from tests.factories.risk import BaselineFactory, SecurityRequirementFactory
from tests.factories.vendors import VendorFactory, VendorServiceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def baselines(db):
    for tier in (1, 2, 3, 4):
        BaselineFactory(tier=tier, requirements=[SecurityRequirementFactory(code=f"tier-{tier}-control")])


@pytest.fixture
def categories(db):
    return [DataCategoryFactory(code="email-address", sensitivity=2), DataCategoryFactory(code="card", sensitivity=4)]


def _vendors(prefix, categories, copies=1):
    """Vendors whose tiers move in every way: up from none, held by an override, frozen by termination, none."""
    made = []
    for n in range(copies):
        for shape, criticality, shared in (
            ("contact", "low", categories[:1]),
            ("card", "critical", categories),
            ("idle", "medium", []),
        ):
            vendor = VendorFactory(slug=f"{prefix}{shape}-{n}", tier=None)
            service = VendorServiceFactory(vendor=vendor, business_criticality=criticality)
            if shared:
                DataFlowFactory(service=service, mechanism="client_side_sdk", shared=shared)
            made.append(vendor)
    overridden = VendorFactory(slug=f"{prefix}override", tier=None, tier_override=1, tier_override_reason="board")
    terminated = VendorFactory(slug=f"{prefix}ended", tier=2, status="terminated")
    DataFlowFactory(service=VendorServiceFactory(vendor=terminated), shared=categories[1:])
    return [*made, overridden, terminated]


def _state(prefix):
    vendors = Vendor.objects.filter(slug__startswith=prefix).order_by("slug")
    return [
        (
            vendor.slug.removeprefix(prefix),
            vendor.computed_tier,
            vendor.tier,
            [(c.from_tier, c.to_tier, c.cause, c.inputs) for c in TierChange.objects.filter(vendor=vendor)],
            sorted(VendorRequirement.objects.filter(vendor=vendor).values_list("requirement__code", "status")),
            [row.history_type for row in vendor.history.order_by("history_id")],
        )
        for vendor in vendors
    ]


def test_the_set_based_recompute_matches_the_one_vendor_recompute(baselines, categories, reviewer):
    for vendor in _vendors("one-", categories):
        vendor_tier_recompute(vendor=vendor, actor=reviewer)
    counts = tiers_recompute_all(vendor_ids=[v.pk for v in _vendors("set-", categories)], actor=reviewer)

    state = _state("set-")
    assert state == _state("one-")
    assert counts["vendors"] == 4 and counts["changed"] == 4  # the terminated vendor stays frozen, uncounted
    by_slug = {row[0]: row for row in state}
    assert by_slug["ended"][2] == 2 and by_slug["ended"][3] == []
    assert by_slug["override"][2] == 1 and by_slug["override"][4] == [("tier-1-control", "not_met")]
    assert by_slug["card-0"][2] < by_slug["contact-0"][2]  # the card data ranks the vendor higher (tier 1 highest)
    again = tiers_recompute_all(vendor_ids=[Vendor.objects.get(slug="set-card-0").pk], actor=reviewer)
    assert again["changed"] == 0 and _state("set-") == state  # nothing moved: no write, no history row


def test_the_set_based_recompute_costs_the_same_queries_for_more_vendors(baselines, categories, reviewer):
    def queries(prefix, copies):
        ids = [vendor.pk for vendor in _vendors(prefix, categories, copies)]
        with CaptureQueriesContext(connection) as captured:
            tiers_recompute_all(vendor_ids=ids, actor=reviewer)
        return len(captured)

    assert queries("small-", 1) == queries("large-", 4)
