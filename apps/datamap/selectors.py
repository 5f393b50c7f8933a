"""Reads of the data map: who receives which data, through which of our systems and how.

Only rows marked SHARED count as "received"; an explicit NOT_SHARED row is a negative assurance, reported
beside the shared ones but never counted as receipt. A flow is active while its end date is empty or still
in the future (offboarding sets the end date to the day the flow stopped).
"""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.vendors.models import Vendor

from .choices import Sharing
from .models import DataCategory, DataFlow, DataFlowCategory, System


def active_flow_q(*, today: datetime.date | None = None, prefix: str = "") -> Q:
    """The condition "this flow is running today", usable from DataFlow (prefix "") or a related model."""
    today = today or timezone.localdate()
    return Q(**{f"{prefix}ends_on__isnull": True}) | Q(**{f"{prefix}ends_on__gt": today})


def category_get(*, code: str) -> DataCategory:
    """The category with this code. Raises ValidationError naming `category_code` when there is none.

    A typo must not read as "nobody receives this data", so an unknown code is an error, not an empty answer.
    """
    try:
        return DataCategory.objects.get(code=code)
    except DataCategory.DoesNotExist:
        raise ValidationError({"category_code": _("Unknown data category: %(code)s.") % {"code": code}}) from None


def category_subtree(*, category: DataCategory, include_descendants: bool = True) -> QuerySet[DataCategory]:
    """The category and, unless told otherwise, every category below it (one indexed prefix query)."""
    if include_descendants:
        return DataCategory.objects.filter(path__startswith=category.path)
    return DataCategory.objects.filter(pk=category.pk)


def category_subtree_ids(*, category: DataCategory) -> list[int]:
    """The ids of the category and every category below it, read first from the small catalogue.

    Filters on flow-category rows then use `category_id IN (...)` with literal ids: PostgreSQL estimates each id
    from its statistics, so a rare subtree (password) gets an index plan. A join on `path LIKE 'x/%'` inside an
    EXISTS hides the selectivity and the planner guesses the same row count for every subtree.
    """
    return list(category_subtree(category=category).values_list("pk", flat=True))


def vendors_receiving(
    *,
    category_code: str,
    include_descendants: bool = True,
    mechanism: str | None = None,
    active_only: bool = False,
) -> QuerySet[Vendor]:
    """Vendors that receive or received a category (or one of its descendants) through a SHARED row of a flow.

    Ended flows count unless `active_only`: data a vendor received stays with it until a deletion is
    certified, so a breach at a terminated vendor still exposes it (the Mixpanel case).

    Each vendor carries `receiving_flows`: the matching flows, with `system` and `service` loaded and
    `matching_categories` (the SHARED DataFlowCategory rows that matched, with their category). Four queries
    whatever the number of vendors (category, vendors, flows, rows). Raises ValidationError for an unknown code.
    """
    category = category_get(code=category_code)
    subtree = category_subtree(category=category, include_descendants=include_descendants)
    matching_rows = DataFlowCategory.objects.filter(sharing=Sharing.SHARED, category__in=subtree)

    flows = DataFlow.objects.filter(Exists(matching_rows.filter(flow=OuterRef("pk"))))
    if mechanism:
        flows = flows.filter(mechanism=mechanism)
    if active_only:
        flows = flows.filter(active_flow_q())

    flows_with_rows = flows.select_related("system", "service").prefetch_related(
        Prefetch(
            "flow_categories",
            queryset=matching_rows.select_related("category").order_by("category__path"),
            to_attr="matching_categories",
        )
    )
    return (
        Vendor.objects.filter(Exists(flows.filter(vendor=OuterRef("pk"))))
        .prefetch_related(
            Prefetch("flows", queryset=flows_with_rows.order_by("system__name"), to_attr="receiving_flows")
        )
        .order_by("display_name")
    )


@dataclass(frozen=True)
class FlowData:
    """One flow and what it carries: the SHARED rows and the explicitly NOT_SHARED rows (each with its note)."""

    flow: DataFlow
    shared: list[DataFlowCategory] = field(default_factory=list)
    not_shared: list[DataFlowCategory] = field(default_factory=list)

    @property
    def shared_codes(self) -> set[str]:
        return {row.category.code for row in self.shared}

    @property
    def not_shared_codes(self) -> set[str]:
        return {row.category.code for row in self.not_shared}


def _flow_data(flows: QuerySet[DataFlow]) -> list[FlowData]:
    flows = flows.select_related("system", "service", "vendor").prefetch_related(
        Prefetch(
            "flow_categories",
            queryset=DataFlowCategory.objects.select_related("category").order_by("category__path"),
        )
    )
    result = []
    for flow in flows:
        rows = list(flow.flow_categories.all())
        result.append(
            FlowData(
                flow=flow,
                shared=[row for row in rows if row.sharing == Sharing.SHARED],
                not_shared=[row for row in rows if row.sharing == Sharing.NOT_SHARED],
            )
        )
    return result


def vendor_data_received(*, vendor: Vendor, active_only: bool = False) -> list[FlowData]:
    """Every flow to the vendor with its shared and explicitly-not-shared categories. Two queries.

    Ended flows are included unless `active_only`: after an incident the question is what the vendor held.
    """
    flows = DataFlow.objects.filter(vendor=vendor)
    if active_only:
        flows = flows.filter(active_flow_q())
    return _flow_data(flows.order_by("system__name", "code"))


def system_data_sent(*, system: System, active_only: bool = False) -> list[FlowData]:
    """Every flow leaving one of our systems, with its shared and explicitly-not-shared categories. Two queries."""
    flows = DataFlow.objects.filter(system=system)
    if active_only:
        flows = flows.filter(active_flow_q())
    return _flow_data(flows.order_by("vendor__display_name", "code"))
