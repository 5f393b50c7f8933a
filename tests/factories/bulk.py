"""Many vendors at once, for the fan-out scale test and bench/fanout.py: bulk inserts, no per-row signals."""

from apps.datamap.choices import Mechanism, Sharing
from apps.datamap.models import DataFlow, DataFlowCategory
from apps.vendors.choices import VendorCategory, VendorStatus
from apps.vendors.models import Vendor, VendorService

BATCH = 2000


def analytics_vendors_bulk(*, count, system, categories, prefix="bulk", mechanism=Mechanism.CLIENT_SIDE_SDK):
    """`count` active analytics vendors, each with one service and one flow from `system` sharing `categories`."""
    vendors = Vendor.objects.bulk_create(
        [
            Vendor(
                slug=f"{prefix}-{i}",
                legal_name=f"{prefix.title()} {i} Inc.",
                display_name=f"{prefix.title()} {i}",
                category=VendorCategory.ANALYTICS,
                status=VendorStatus.ACTIVE,
                tier=2,
                computed_tier=2,
            )
            for i in range(count)
        ],
        batch_size=BATCH,
    )
    services = VendorService.objects.bulk_create(
        [VendorService(vendor=vendor, slug="analytics", name="Analytics") for vendor in vendors], batch_size=BATCH
    )
    flows = DataFlow.objects.bulk_create(
        [
            DataFlow(
                code=f"{prefix}-flow-{i}",
                system=system,
                service=service,
                vendor_id=service.vendor_id,
                mechanism=mechanism,
                purpose="Product analytics",
            )
            for i, service in enumerate(services)
        ],
        batch_size=BATCH,
    )
    DataFlowCategory.objects.bulk_create(
        [
            DataFlowCategory(flow=flow, category=category, sharing=Sharing.SHARED)
            for flow in flows
            for category in categories
        ],
        batch_size=BATCH,
    )
    from apps.dashboard.services import summaries_refresh

    summaries_refresh(vendor_ids=[vendor.pk for vendor in vendors])  # as the flow services keep them
    return vendors
