"""The synthetic portfolio generator, at a tiny scale: deterministic, complete, and careful with real registers."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.models import Count, F
from django.db.models.functions import Coalesce

from apps.datamap.models import DataCategory, DataFlow, DataFlowCategory
from apps.datamap.services import category_paths_rebuild
from apps.demo.portfolio import generate_portfolio
from apps.incidents.models import Incident
from apps.reviews.models import Review, ReviewTransition
from apps.risk.models import Baseline, VendorRequirement
from apps.risk.services import tiers_recompute_all
from apps.vendors.models import Vendor
from tests.factories.vendors import VendorFactory

pytestmark = pytest.mark.django_db

TINY = {"vendors": 12, "systems": 3, "flows_per_vendor": 4, "heavy_vendor_flows": 9, "batch_size": 7}


def snapshot():
    """What a user would compare: vendors with their tier and status, and each flow's categories."""
    vendors = list(Vendor.objects.order_by("slug").values_list("slug", "category", "status", "tier"))
    flows = {
        code: sorted(DataFlowCategory.objects.filter(flow__code=code).values_list("category__code", "sharing"))
        for code in DataFlow.objects.order_by("code").values_list("code", flat=True)
    }
    return vendors, flows


def generate_and_snapshot(seed, **overrides):
    with transaction.atomic():
        result = generate_portfolio(seed=seed, **{**TINY, **overrides})
        taken = snapshot()
        transaction.set_rollback(True)
    return result, taken


def test_same_seed_gives_the_same_register_whatever_the_batch_size():
    _, first = generate_and_snapshot(seed=5)
    _, again = generate_and_snapshot(seed=5, batch_size=1000)
    _, other = generate_and_snapshot(seed=6)
    assert first == again
    assert first != other


def test_counts_match_the_request_and_every_flow_carries_3_to_12_categories():
    result = generate_portfolio(seed=1, **TINY)
    assert Vendor.objects.count() == result["vendors"] == 12
    assert DataFlow.objects.count() == result["flows"]
    assert DataFlowCategory.objects.count() == result["flow_categories"]
    assert VendorRequirement.objects.count() == result["requirement_statuses"] > 0
    assert ReviewTransition.objects.count() == result["review_transitions"] > 0
    assert Review.objects.count() == result["reviews"] >= 12
    # vendor 0 is the heavy one (report benchmarks), the others get 2..6 flows around the average of 4
    per_vendor = dict(Vendor.objects.annotate(n=Count("flows")).values_list("slug", "n"))
    heavy = Vendor.objects.get(slug__startswith="s1-v00000")
    assert per_vendor.pop(heavy.slug) == 9
    assert all(2 <= n <= 6 for n in per_vendor.values())
    sizes = DataFlow.objects.annotate(n=Count("flow_categories")).values_list("n", flat=True)
    assert min(sizes) >= 3 and max(sizes) <= 12
    # the denormalised vendor (bulk_create bypasses save()) matches the service's vendor on every flow
    assert not DataFlow.objects.exclude(vendor=F("service__vendor")).exists()
    assert Incident.objects.filter(vendor=heavy).exists()


def test_the_command_refuses_a_register_that_already_holds_vendors():
    VendorFactory(slug="real-vendor")
    with pytest.raises(CommandError, match="already holds 1 vendors.*--append"):
        call_command("generate_portfolio", "--vendors", "2", "--systems", "1", "--flows-per-vendor", "3")
    assert Vendor.objects.count() == 1


def test_append_adds_next_to_existing_vendors_but_never_the_same_seed_twice():
    VendorFactory(slug="real-vendor")
    args = ["--vendors", "2", "--systems", "1", "--flows-per-vendor", "3", "--heavy-vendor-flows", "0", "--seed", "4"]
    call_command("generate_portfolio", *args, "--append", verbosity=0)
    assert Vendor.objects.count() == 3
    with pytest.raises(CommandError, match="--seed 4"):
        call_command("generate_portfolio", *args, "--append", verbosity=0)
    assert Vendor.objects.count() == 3


def test_bad_sizes_are_refused_with_the_option_named():
    with pytest.raises(CommandError, match="--vendors"):
        call_command("generate_portfolio", "--vendors", "0")
    assert not Vendor.objects.exists()


def test_the_portfolio_uses_the_real_catalogue_paths_and_tier_rule():
    generate_portfolio(seed=3, **TINY)
    # The shared catalogue and baselines, loaded from the fixtures, with paths as the datamap rule builds them.
    assert DataCategory.objects.filter(code="email-address", path="contact/email-address/").exists()
    assert Baseline.objects.current().count() == 4
    assert category_paths_rebuild() == 0
    # Recomputing every tier with apps.risk finds each vendor where the generator put it.
    tiers = dict(Vendor.objects.values_list("pk", "computed_tier"))
    assert None not in tiers.values()
    tiers_recompute_all()
    assert dict(Vendor.objects.values_list("pk", "computed_tier")) == tiers
    assert not Vendor.objects.exclude(tier=Coalesce("tier_override", "computed_tier")).exists()


def full_snapshot():
    """Every generated table a user reads, by natural keys (ids and timestamps differ from run to run)."""
    vendors, flows = snapshot()
    return {
        "vendors": vendors,
        "flows": flows,
        "vendor_details": list(
            Vendor.objects.order_by("slug").values_list(
                "slug", "legal_name", "hq_country", "domains", "computed_tier", "tier_override", "tier_override_reason"
            )
        ),
        "flow_details": list(
            DataFlow.objects.order_by("code").values_list(
                "code",
                "vendor__slug",
                "service__slug",
                "system__slug",
                "mechanism",
                "data_subjects",
                "processing_countries",
                "estimated_records",
                "starts_on",
                "ends_on",
            )
        ),
        "requirements": sorted(
            VendorRequirement.objects.values_list("vendor__slug", "requirement__code", "status", "due_on")
        ),
        "reviews": sorted(Review.objects.values_list("vendor__slug", "kind", "state", "tier", "due_on")),
        "transitions": sorted(ReviewTransition.objects.values_list("review__vendor__slug", "from_state", "to_state")),
        "incidents": sorted(Incident.objects.values_list("slug", "severity", "status", "vendor_detected_at")),
    }


@pytest.mark.postgres
def test_copy_and_bulk_create_write_the_same_register():
    registers = {}
    for use_copy in (True, False):
        with transaction.atomic():
            result = generate_portfolio(seed=7, use_copy=use_copy, **TINY)
            registers[result["writer"]] = (
                full_snapshot(),
                {k: v for k, v in result.items() if k not in ("seconds", "peak_rss_mb", "writer")},
            )
            transaction.set_rollback(True)
    assert set(registers) == {"copy", "bulk_create"}
    assert registers["copy"] == registers["bulk_create"]
    snap, counts = registers["copy"]
    assert counts["flow_categories"] == sum(len(categories) for categories in snap["flows"].values()) > 0
    # New rows after a COPY draw ids past the reserved ones, and the foreign keys were checked.
    generate_portfolio(seed=8, **TINY)
    extra = VendorFactory(slug="after-the-copy")
    assert extra.pk > Vendor.objects.exclude(pk=extra.pk).order_by("-pk").values_list("pk", flat=True).first()


def test_copy_is_refused_off_postgresql():
    if connection.vendor == "postgresql":
        pytest.skip("SQLite behaviour")
    with pytest.raises(ValueError, match="COPY needs PostgreSQL"):
        generate_portfolio(seed=9, use_copy=True, **TINY)
    assert not Vendor.objects.exists()
