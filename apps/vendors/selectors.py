"""Reads of the vendor register."""

from django.db.models import Prefetch, QuerySet

from apps.datamap.choices import Sharing
from apps.datamap.models import DataFlow, DataFlowCategory

from .models import Subprocessor, Vendor


def vendor_register_list(*, queryset: QuerySet[Vendor] | None = None) -> QuerySet[Vendor]:
    """Vendors with what the register lists beside each one, in a constant number of queries.

    Each vendor carries `listed_flows` (every flow, ended ones too, `system` loaded), and each flow `shared_rows`
    (its SHARED category rows, `category` loaded). Ended flows stay listed: what a vendor received stays with it
    until a deletion is certified, so a terminated vendor still shows where it sat and what it got.
    """
    queryset = Vendor.objects.all() if queryset is None else queryset
    shared_rows = DataFlowCategory.objects.filter(sharing=Sharing.SHARED).select_related("category")
    flows = DataFlow.objects.select_related("system").prefetch_related(
        Prefetch("flow_categories", queryset=shared_rows, to_attr="shared_rows")
    )
    return queryset.prefetch_related(Prefetch("flows", queryset=flows, to_attr="listed_flows"))


def vendor_systems(vendor: Vendor) -> list[str]:
    """Names of the systems a vendor sits or sat in, from `listed_flows` as loaded by vendor_register_list()."""
    return sorted({flow.system.name for flow in vendor.listed_flows})


def vendor_shared_categories(vendor: Vendor) -> list[str]:
    """Names of the categories a vendor receives or received, from `listed_flows` (vendor_register_list())."""
    return sorted({row.category.name for flow in vendor.listed_flows for row in flow.shared_rows})


def subprocessor_chain_path(*, start: Vendor, goal: Vendor, limit: int = 50) -> list[Vendor] | None:
    """The vendors from `start` down the subprocessor chain to `goal` (both included), or None when unreachable.

    One query per level, at most `limit` levels. Used to refuse a link that would close a cycle.
    """
    parents = {start.pk: None}
    frontier = {start.pk}
    for _level in range(limit):
        if goal.pk in parents:
            break
        next_frontier = set()
        for vendor_id, sub_id in Subprocessor.objects.filter(vendor_id__in=frontier).values_list(
            "vendor_id", "subprocessor_id"
        ):
            if sub_id not in parents:
                parents[sub_id] = vendor_id
                next_frontier.add(sub_id)
        frontier = next_frontier
        if not frontier:
            break
    if goal.pk not in parents:
        return None
    ids, node = [], goal.pk
    while node is not None:
        ids.append(node)
        node = parents[node]
    by_id = Vendor.objects.in_bulk(ids)
    return [by_id[pk] for pk in reversed(ids)]
