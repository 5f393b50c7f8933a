"""Reads of the vendor register."""

from collections import defaultdict

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


def vendor_register_columns(vendors: list[Vendor]) -> list[Vendor]:
    """Give each vendor of a page `listed_systems` and `listed_categories` (sorted names), in two queries.

    The register's list shows, per vendor, the systems it sits or sat in and the categories it receives or
    received (SHARED rows, ended flows too, as vendor_register_list()). Only names are fetched, and only for the
    page's vendors: prefetching flows and their category rows built some 20,000 model instances per page.
    """
    ids = [vendor.pk for vendor in vendors]
    systems, categories = defaultdict(set), defaultdict(set)
    flows = DataFlow.objects.filter(vendor_id__in=ids).order_by().values_list("vendor_id", "system__name").distinct()
    for vendor_id, name in flows:
        systems[vendor_id].add(name)
    shared = (
        DataFlowCategory.objects.filter(flow__vendor_id__in=ids, sharing=Sharing.SHARED)
        .order_by()
        .values_list("flow__vendor_id", "category__name")
        .distinct()
    )
    for vendor_id, name in shared:
        categories[vendor_id].add(name)
    for vendor in vendors:
        vendor.listed_systems = sorted(systems[vendor.pk])
        vendor.listed_categories = sorted(categories[vendor.pk])
    return vendors


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
