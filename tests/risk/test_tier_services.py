"""Tier recompute, override and history; recompute when the data map changes."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from apps.datamap.choices import Sharing
from apps.datamap.services import CategoryAnswer
from apps.register import flows
from apps.risk.models import TierChange, VendorRequirement
from apps.risk.services import (
    tiers_recompute_all,
    vendor_tier_override,
    vendor_tier_override_clear,
    vendor_tier_recompute,
)
from tests.factories.datamap import DataCategoryFactory, DataFlowFactory, SystemFactory
from tests.factories.risk import BaselineFactory, SecurityRequirementFactory
from tests.factories.vendors import VendorFactory, VendorServiceFactory


@pytest.fixture
def contact(db):
    return DataCategoryFactory(code="email-address", sensitivity=2)


@pytest.fixture
def analytics_vendor(contact):
    vendor = VendorFactory(slug="pixel", tier=None)
    service = VendorServiceFactory(vendor=vendor, business_criticality="low")
    DataFlowFactory(service=service, mechanism="server_api", shared=[contact])
    return vendor


def test_recompute_stores_the_tier_and_one_change_with_its_inputs(analytics_vendor, reviewer):
    result = vendor_tier_recompute(vendor=analytics_vendor, actor=reviewer)
    assert (result.tier, analytics_vendor.tier, analytics_vendor.computed_tier) == (3, 3, 3)
    change = TierChange.objects.get(vendor=analytics_vendor)
    assert (change.from_tier, change.to_tier, change.cause, change.changed_by) == (None, 3, "computed", reviewer)
    assert change.inputs["categories"] == ["email-address"]
    assert change.inputs["reasons"] == result.reasons


def test_recompute_without_a_change_keeps_no_new_row(analytics_vendor):
    vendor_tier_recompute(vendor=analytics_vendor)
    vendor_tier_recompute(vendor=analytics_vendor)
    assert TierChange.objects.filter(vendor=analytics_vendor).count() == 1


def test_ended_flows_and_not_shared_categories_do_not_count(analytics_vendor):
    secret = DataCategoryFactory(code="api-key", sensitivity=4)
    DataFlowFactory(service=analytics_vendor.services.get(), ends_on="2020-01-01", shared=[secret])
    DataFlowFactory(service=analytics_vendor.services.get(), not_shared=[secret])
    assert vendor_tier_recompute(vendor=analytics_vendor).tier == 3


def test_recompute_runs_a_fixed_number_of_queries(analytics_vendor, contact, django_assert_num_queries):
    vendor_tier_recompute(vendor=analytics_vendor)
    with django_assert_num_queries(6) as small:
        vendor_tier_recompute(vendor=analytics_vendor)
    for n in range(10):
        DataFlowFactory(service=analytics_vendor.services.get(), shared=[DataCategoryFactory(code=f"c{n}")])
    with django_assert_num_queries(len(small.captured_queries)):
        vendor_tier_recompute(vendor=analytics_vendor)


def test_a_tier_change_creates_the_new_baseline_statuses(analytics_vendor):
    BaselineFactory(tier=3, requirements=[SecurityRequirementFactory(code="security-questionnaire")])
    vendor_tier_recompute(vendor=analytics_vendor)
    assert list(
        VendorRequirement.objects.filter(vendor=analytics_vendor).values_list("requirement__code", "status")
    ) == [("security-questionnaire", "not_met")]


def test_override_needs_a_reason_and_a_reviewer(analytics_vendor, reviewer, buyer):
    vendor_tier_recompute(vendor=analytics_vendor)
    with pytest.raises(ValidationError) as error:
        vendor_tier_override(vendor=analytics_vendor, tier=1, reason="  ", actor=reviewer)
    assert "reason" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        vendor_tier_override(vendor=analytics_vendor, tier=7, reason="why", actor=reviewer)
    assert "tier" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        vendor_tier_override(vendor=analytics_vendor, tier=1, reason="Board decision", actor=buyer)
    analytics_vendor.refresh_from_db()
    assert (analytics_vendor.tier, analytics_vendor.tier_override) == (3, None)


def test_override_wins_over_recompute_until_cleared(analytics_vendor, reviewer):
    vendor_tier_recompute(vendor=analytics_vendor)
    vendor_tier_override(vendor=analytics_vendor, tier=1, reason="Holds our EU customer list", actor=reviewer)
    vendor_tier_recompute(vendor=analytics_vendor)
    analytics_vendor.refresh_from_db()
    assert (analytics_vendor.tier, analytics_vendor.computed_tier) == (1, 3)
    vendor_tier_override_clear(vendor=analytics_vendor, actor=reviewer, reason="Scope reduced")
    analytics_vendor.refresh_from_db()
    assert analytics_vendor.tier == 3
    causes = list(TierChange.objects.filter(vendor=analytics_vendor).order_by("id").values_list("cause", "to_tier"))
    assert causes == [("computed", 3), ("override", 1), ("override_cleared", 3)]
    override = TierChange.objects.get(vendor=analytics_vendor, cause="override")
    assert (override.reason, override.changed_by) == ("Holds our EU customer list", reviewer)


def test_setting_a_category_on_a_flow_recomputes_the_tier(analytics_vendor, contact, reviewer):
    vendor_tier_recompute(vendor=analytics_vendor)
    flow = analytics_vendor.flows.get()
    password = DataCategoryFactory(code="password", sensitivity=4)
    flows.flow_category_set(flow=flow, category=password, sharing=Sharing.SHARED, actor=reviewer)
    analytics_vendor.refresh_from_db()
    assert analytics_vendor.tier == 1
    flows.flow_update(flow=flow, actor=reviewer, categories=[CategoryAnswer(contact, Sharing.SHARED)])
    analytics_vendor.refresh_from_db()
    assert analytics_vendor.tier == 3


def test_a_new_client_side_flow_recomputes_the_tier(analytics_vendor, reviewer):
    vendor_tier_recompute(vendor=analytics_vendor)
    flows.flow_create(
        actor=reviewer,
        code="console-to-pixel",
        system=SystemFactory(),
        service=analytics_vendor.services.get(),
        mechanism="client_side_sdk",
    )
    analytics_vendor.refresh_from_db()
    assert analytics_vendor.tier == 2


def test_recompute_all_uses_constant_queries_and_keeps_overrides(contact, reviewer, django_assert_max_num_queries):
    def make(n, offset):
        for i in range(n):
            service = VendorServiceFactory(vendor=VendorFactory(slug=f"v-{offset + i}"), business_criticality="low")
            DataFlowFactory(service=service, shared=[contact])

    make(3, 0)
    # 20 for the recompute and its statuses, and the compliance counts' refresh of the moved vendors (a fixed 6).
    with django_assert_max_num_queries(26) as few:
        assert tiers_recompute_all() == {"vendors": 3, "changed": 3}
    make(30, 100)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert tiers_recompute_all() == {"vendors": 33, "changed": 30}
    assert tiers_recompute_all()["changed"] == 0
    vendor_tier_override(vendor=VendorFactory(slug="v-0"), tier=1, reason="Special", actor=reviewer)
    tiers_recompute_all()
    assert VendorFactory(slug="v-0").tier == 1
