"""The dashboard's per-vendor summaries computed from the raw register, for a set of vendors at once.

The one definition of what a summary holds: apps.dashboard.services writes it, the dashboard selectors use it
live for rows past their `stale_on`, and `rebuild_aggregates` compares the stored rows with it.
Three queries whatever the number of vendors.
"""

import dataclasses
import datetime

from django.db.models import Min, Q
from django.utils import timezone

from apps.datamap.choices import Mechanism, Sharing
from apps.datamap.models import DataFlow, DataFlowCategory
from apps.datamap.selectors import active_flow_q


@dataclasses.dataclass(frozen=True)
class Summary:
    received_category_ids: tuple[int, ...] = ()
    client_side_personal: bool = False
    stale_on: datetime.date | None = None

    @property
    def is_empty(self) -> bool:
        return not self.received_category_ids and not self.client_side_personal and self.stale_on is None


EMPTY = Summary()


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
    client_side = set(
        shared.filter(flow__mechanism=Mechanism.CLIENT_SIDE_SDK, category__is_personal_data=True)
        .order_by()
        .values_list("flow__vendor_id", flat=True)
        .distinct()
    )
    # The earliest end date among running flows: on that day what the vendor receives may change by itself.
    stale = dict(
        flows.filter(ends_on__isnull=False)
        .filter(Q(flow_categories__sharing=Sharing.SHARED))
        .order_by()
        .values("vendor_id")
        .annotate(first_end=Min("ends_on"))
        .values_list("vendor_id", "first_end")
    )
    return {
        vendor_id: Summary(
            received_category_ids=tuple(sorted(categories.get(vendor_id, ()))),
            client_side_personal=vendor_id in client_side,
            stale_on=stale.get(vendor_id),
        )
        for vendor_id in set(categories) | client_side | set(stale)
    }
