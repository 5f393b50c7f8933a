"""Fourth parties: the subprocessor chain as a graph, and what of our data reaches a subprocessor through it.

A chain hop (vendor → subprocessor) passes on what arrived at the vendor, narrowed by the categories declared for
that hop (SubprocessorCategory: from the vendor's declaration or a questionnaire answer):

- a hop with shared categories declared passes only those (a category arriving under a declared one passes as it
  is; a declared category under one arriving passes as the declared, narrower one);
- a category declared *not shared* on a hop never passes that hop;
- a hop with nothing declared passes everything that arrived, marked `assumed`: an unknown hop is treated as the
  worst case, never as "nothing reaches them".

The first hop also honours the services a subprocessor supports: when the link names some of the vendor's
services, only our flows to those services go down it. Every walk stops at the depth limit
(MONITORING_CHAIN_MAX_DEPTH, 5 by default) and never visits a vendor twice on one path, so a cycle recorded
before cycles were refused cannot loop. One query per level of the walk, plus the flows: constant in the number of
vendors, bounded by the depth.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.utils.translation import gettext as _

from apps.datamap.choices import Sharing
from apps.datamap.models import DataFlow, DataFlowCategory
from apps.datamap.selectors import active_flow_q
from apps.vendors.models import Subprocessor, Vendor

DEFAULT_MAX_DEPTH = 5


def max_depth() -> int:
    return getattr(settings, "MONITORING_CHAIN_MAX_DEPTH", DEFAULT_MAX_DEPTH)


def depth_clean(depth, *, field_name="depth") -> int:
    """A requested depth as an int in 1..max_depth(). Raises ValidationError naming the field."""
    if depth in (None, ""):
        return max_depth()
    try:
        depth = int(depth)
    except (TypeError, ValueError):
        raise ValidationError({field_name: _("The depth is a whole number.")}) from None
    if not 1 <= depth <= max_depth():
        raise ValidationError({field_name: _("The depth is between 1 and %(max)d.") % {"max": max_depth()}})
    return depth


def _links():
    return Subprocessor.objects.select_related("vendor", "subprocessor").prefetch_related(
        "services", Prefetch("categories", queryset=_declared_rows())
    )


def _declared_rows():
    from .models import SubprocessorCategory

    return SubprocessorCategory.objects.select_related("category").order_by("category__path")


# --- the graph below a vendor ----------------------------------------------------------------------------------
def fourth_party_graph(*, vendor: Vendor, depth: int | None = None) -> dict:
    """vendor → subprocessor → … as nodes and edges, with each hop's country, services and declared categories."""
    depth = depth_clean(depth)
    nodes = {vendor.pk: vendor}
    edges, frontier, truncated = [], {vendor.pk}, False
    seen_edges = set()
    for level in range(1, depth + 1):
        links = [link for link in _links().filter(vendor_id__in=frontier) if link.pk not in seen_edges]
        next_frontier = set()
        for link in links:
            seen_edges.add(link.pk)
            edges.append((level, link))
            if link.subprocessor_id not in nodes:
                nodes[link.subprocessor_id] = link.subprocessor
                next_frontier.add(link.subprocessor_id)
        frontier = next_frontier
        if not frontier:
            break
    else:
        truncated = Subprocessor.objects.filter(vendor_id__in=frontier).exists()
    return {
        "vendor": _vendor_ref(vendor),
        "depth_limit": depth,
        "truncated": truncated,
        "nodes": [_vendor_ref(node) for node in nodes.values()],
        "edges": [_edge(link, level=level) for level, link in edges],
    }


def _vendor_ref(vendor):
    return {"slug": vendor.slug, "display_name": vendor.display_name, "tier": vendor.tier}


def _edge(link, *, level):
    return {
        "level": level,
        "vendor": link.vendor.slug,
        "subprocessor": link.subprocessor.slug,
        "country": link.country,
        "purpose": link.purpose,
        "services": [service.slug for service in link.services.all()],
        "categories": [
            {"category": row.category.code, "sharing": row.sharing, "source": row.source, "reference": row.reference}
            for row in link.categories.all()
        ],
    }


# --- what reaches a subprocessor -------------------------------------------------------------------------------
@dataclass
class _Reach:
    """Categories (code → (path, DataCategory)) reaching a point of a path, and whether a hop was assumed."""

    categories: dict = field(default_factory=dict)
    assumed: bool = False


def pass_hop(arriving: dict, declared_rows) -> tuple[dict, bool]:
    """What of `arriving` (code → category) passes one hop with these declared rows; (passing, assumed)."""
    shared = [row.category for row in declared_rows if row.sharing == Sharing.SHARED]
    refused = [row.category for row in declared_rows if row.sharing == Sharing.NOT_SHARED]
    passing = {}
    if not shared:
        passing = dict(arriving)
    else:
        for category in arriving.values():
            for declared in shared:
                if category.path.startswith(declared.path):
                    passing[category.code] = category
                elif declared.path.startswith(category.path):
                    passing[declared.code] = declared
    passing = {
        code: category
        for code, category in passing.items()
        if not any(category.path.startswith(no.path) for no in refused)
    }
    return passing, not shared


def subprocessor_exposure(*, subprocessor: Vendor, depth: int | None = None, active_only: bool = False) -> dict:
    """Which of our data reaches `subprocessor`, through which of our vendors, chains and flows.

    Walks up from the subprocessor (who uses it, who uses them…) to the depth limit, then follows every simple
    path from a vendor we send data to down to the subprocessor, passing our flows' shared categories through
    each hop. Ended flows count unless `active_only` (what a vendor received stays with it).
    """
    depth = depth_clean(depth)
    links_into = defaultdict(list)  # vendor id → links from it, on the way to the subprocessor
    frontier, seen, truncated = {subprocessor.pk}, {subprocessor.pk}, False
    for _level in range(depth):
        links = list(_links().filter(subprocessor_id__in=frontier))
        frontier = set()
        for link in links:
            links_into[link.vendor_id].append(link)
            if link.vendor_id not in seen:
                seen.add(link.vendor_id)
                frontier.add(link.vendor_id)
        if not frontier:
            break
    else:
        truncated = Subprocessor.objects.filter(subprocessor_id__in=frontier).exists()

    upstream = seen - {subprocessor.pk}
    rows = DataFlowCategory.objects.filter(sharing=Sharing.SHARED).select_related("category")
    flows = DataFlow.objects.filter(vendor_id__in=upstream).select_related("system", "service", "vendor")
    if active_only:
        flows = flows.filter(active_flow_q())
    flows = flows.prefetch_related(Prefetch("flow_categories", queryset=rows, to_attr="shared_rows")).order_by("code")
    flows_by_vendor = defaultdict(list)
    for flow in flows:
        flows_by_vendor[flow.vendor_id].append(flow)

    paths = []
    for vendor_id in sorted(flows_by_vendor, key=lambda pk: flows_by_vendor[pk][0].vendor.slug):
        for chain in _paths_down(vendor_id, subprocessor.pk, links_into, depth):
            path = _path_exposure(chain, flows_by_vendor[vendor_id])
            if path is not None:
                paths.append(path)
    return {
        "subprocessor": _vendor_ref(subprocessor),
        "depth_limit": depth,
        "truncated": truncated,
        "vendors": sorted({path["vendors"][0] for path in paths}),
        "categories": _categories_summary(paths),
        "paths": paths,
    }


def _paths_down(start_id, goal_id, links_from, depth):
    """Every simple path of links from `start_id` to `goal_id`, at most `depth` hops."""
    stack = [(start_id, [], {start_id})]
    while stack:
        node, chain, visited = stack.pop()
        for link in links_from.get(node, ()):
            if link.subprocessor_id == goal_id:
                yield [*chain, link]
            elif link.subprocessor_id not in visited and len(chain) + 1 < depth:
                stack.append((link.subprocessor_id, [*chain, link], visited | {link.subprocessor_id}))


def _path_exposure(chain, flows):
    first = chain[0]
    supported = {service.pk for service in first.services.all()}
    path_flows = [flow for flow in flows if not supported or flow.service_id in supported]
    flow_answers = []
    assumed_any = False
    for flow in path_flows:
        arriving = {row.category.code: row.category for row in flow.shared_rows}
        for link in chain:
            arriving, assumed = pass_hop(arriving, link.categories.all())
            assumed_any = assumed_any or assumed
        if arriving:
            flow_answers.append(
                {
                    "flow": flow.code,
                    "system": flow.system.slug,
                    "mechanism": flow.mechanism,
                    "ended_on": flow.ends_on.isoformat() if flow.ends_on else None,
                    "categories": sorted(arriving),
                    "_objects": arriving,
                }
            )
    if not flow_answers:
        return None
    return {
        "vendors": [first.vendor.slug, *(link.subprocessor.slug for link in chain)],
        "hops": [
            {
                "vendor": link.vendor.slug,
                "subprocessor": link.subprocessor.slug,
                "country": link.country,
                "declared": bool(link.categories.all()),
            }
            for link in chain
        ],
        "assumed": assumed_any,
        "flows": flow_answers,
    }


def _categories_summary(paths):
    summary = {}
    for path in paths:
        for answer in path["flows"]:
            for code, category in answer.pop("_objects").items():
                entry = summary.setdefault(
                    code,
                    {
                        "code": code,
                        "name": category.name,
                        "sensitivity": category.sensitivity,
                        "vendors": set(),
                        "flows": set(),
                    },
                )
                entry["vendors"].add(path["vendors"][0])
                entry["flows"].add(answer["flow"])
    return [
        {**entry, "vendors": sorted(entry["vendors"]), "flows": sorted(entry["flows"])}
        for entry in sorted(summary.values(), key=lambda e: (-e["sensitivity"], e["code"]))
    ]


def vendor_exposure(*, vendor: Vendor) -> dict:
    """What one vendor receives from us directly (its flows' shared categories), for a signal's triage."""
    rows = DataFlowCategory.objects.filter(sharing=Sharing.SHARED).select_related("category")
    flows = (
        DataFlow.objects.filter(vendor=vendor)
        .select_related("system")
        .prefetch_related(Prefetch("flow_categories", queryset=rows, to_attr="shared_rows"))
        .order_by("code")
    )
    return {
        "flows": [
            {
                "flow": flow.code,
                "system": flow.system.slug,
                "mechanism": flow.mechanism,
                "ended_on": flow.ends_on.isoformat() if flow.ends_on else None,
                "categories": sorted(row.category.code for row in flow.shared_rows),
            }
            for flow in flows
        ]
    }
