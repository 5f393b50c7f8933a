"""The dashboard's per-vendor summaries computed from the raw register, for a set of vendors at once.

The one definition of what a summary holds: apps.dashboard.services writes it, the dashboard selectors use it
live for rows past their `stale_on`, and `rebuild_aggregates` compares the stored rows with it.
Five queries whatever the number of vendors.
"""

import dataclasses
import datetime

from django.db.models import Count, Exists, Min, OuterRef
from django.utils import timezone

from apps.datamap.choices import Mechanism, Sensitivity, Sharing
from apps.datamap.models import DataFlow, DataFlowCategory
from apps.datamap.selectors import active_flow_q


@dataclasses.dataclass(frozen=True)
class Summary:
    received_category_ids: tuple[int, ...] = ()
    mechanisms: tuple[str, ...] = ()
    client_side_personal: bool = False
    critical_flows: int = 0
    stale_on: datetime.date | None = None

    @property
    def is_empty(self) -> bool:
        return self == EMPTY


EMPTY = Summary()
FIELDS = tuple(field.name for field in dataclasses.fields(Summary))


def stored_summaries(queryset) -> dict[int, Summary]:
    """The VendorSummary rows of `queryset` in the form summaries_computed returns."""
    summaries = {}
    for vendor_id, categories, mechanisms, *rest in queryset.values_list("vendor_id", *FIELDS):
        summaries[vendor_id] = Summary(tuple(categories), tuple(mechanisms), *rest)
    return summaries


def summaries_computed(*, vendor_ids=None, today: datetime.date | None = None) -> dict[int, Summary]:
    """{vendor id: Summary} for these vendors (None: every vendor); vendors that receive nothing are left out."""
    today = today or timezone.localdate()
    shared = DataFlowCategory.objects.filter(active_flow_q(prefix="flow__", today=today), sharing=Sharing.SHARED)
    flows = DataFlow.objects.filter(active_flow_q(today=today))
    if vendor_ids is not None:
        vendor_ids = list(set(vendor_ids))
        shared = shared.filter(flow__vendor_id__in=vendor_ids)
        flows = flows.filter(vendor_id__in=vendor_ids)
    categories: dict[int, set[int]] = {}
    pairs = shared.order_by().values_list("flow__vendor_id", "category_id").distinct()
    for vendor_id, category_id in pairs.iterator(chunk_size=20_000):
        categories.setdefault(vendor_id, set()).add(category_id)
    mechanisms: dict[int, set[str]] = {}
    for vendor_id, mechanism in flows.order_by().values_list("vendor_id", "mechanism").distinct():
        mechanisms.setdefault(vendor_id, set()).add(mechanism)
    critical = dict(
        flows.filter(
            Exists(
                DataFlowCategory.objects.filter(
                    flow=OuterRef("pk"), sharing=Sharing.SHARED, category__sensitivity=Sensitivity.CRITICAL
                )
            )
        )
        .order_by()
        .values("vendor_id")
        .annotate(n=Count("pk"))
        .values_list("vendor_id", "n")
    )
    client_side = set(
        shared.filter(flow__mechanism=Mechanism.CLIENT_SIDE_SDK, category__is_personal_data=True)
        .order_by()
        .values_list("flow__vendor_id", flat=True)
        .distinct()
    )
    # The earliest end date among running flows: on that day what the vendor receives may change by itself.
    stale = dict(
        flows.filter(ends_on__isnull=False)
        .order_by()
        .values("vendor_id")
        .annotate(first_end=Min("ends_on"))
        .values_list("vendor_id", "first_end")
    )
    return {
        vendor_id: Summary(
            received_category_ids=tuple(sorted(categories.get(vendor_id, ()))),
            mechanisms=tuple(sorted(mechanisms.get(vendor_id, ()))),
            client_side_personal=vendor_id in client_side,
            critical_flows=critical.get(vendor_id, 0),
            stale_on=stale.get(vendor_id),
        )
        for vendor_id in set(categories) | set(mechanisms) | client_side | set(stale)
    }
