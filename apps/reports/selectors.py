"""Reads behind the reports: each fetches everything its builder needs in a fixed number of queries."""

import json

import orjson
from django.db.models import F, Max, Prefetch, Q, TextField
from django.db.models.functions import Cast

from apps.datamap.choices import Sharing
from apps.datamap.models import DataCategory, DataFlow, DataFlowCategory
from apps.incidents.models import Incident, IncidentExposure
from apps.risk.models import TierChange
from apps.vendors.models import Subprocessor, Vendor, VendorService


class ReportSubjectNotFound(LookupError):
    """The vendor or incident a report was asked for does not exist."""


def _flows_with_categories(flows):
    """The flows, each with `category_rows`: [(category, sharing)] in catalogue order. Three queries.

    The (flow, category) rows are read as tuples and the categories once each: a 200-flow × 50-category vendor
    has 10,000 rows but 50 categories, and building 20,000 model instances was most of the report's time.
    """
    flow_ids = flows.values("pk")
    rows = (
        DataFlowCategory.objects.filter(flow__in=flow_ids)
        .order_by("category__path", "category__code")
        .values_list("flow_id", "category_id", "sharing")
    )
    used = DataFlowCategory.objects.filter(flow__in=flow_ids).values("category_id")
    categories = {category.pk: category for category in DataCategory.objects.filter(pk__in=used)}
    flow_list = list(flows.select_related("system", "service").order_by("system__name", "code"))
    by_flow = {flow.pk: flow for flow in flow_list}
    for flow in flow_list:
        flow.category_rows = []
    for flow_id, category_id, sharing in rows:
        by_flow[flow_id].category_rows.append((categories[category_id], sharing))
    return flow_list


# The columns of a flow the data-flow report shows.
FLOW_REPORT_FIELDS = (
    "pk",
    "code",
    "system__slug",
    "system__name",
    "system__url",
    "service_id",
    "service__slug",  # these two are read apart: see dataflow_flow_rows
    "service__name",
    "mechanism",
    "purpose",
    "data_subjects",
    "processing_countries",
    "storage_countries",
    "estimated_records",
    "starts_on",
    "ends_on",
    "updated_at",
)
# The flow's JSON columns: read as their text and decoded here by orjson. Through JSONField.from_db_value (a
# converter call and json.loads per value) the 600 small lists of a 200-flow report took a fifth of its time.
_JSON_COLUMNS = ("data_subjects", "processing_countries", "storage_countries")
# The columns read with the flow: all but the service's slug and name.
_FLOW_COLUMNS = tuple(
    Cast(field, TextField()) if field in _JSON_COLUMNS else field
    for field in FLOW_REPORT_FIELDS
    if not field.startswith("service__")
)


def _json_value(text):
    """What JSONField would have made of a column's text: orjson's value, or json's where orjson refuses the text
    (NaN, which SQLite may hold, or an integer beyond 64 bits), as json.loads is what JSONField uses."""
    if text is None:
        return None
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


# Flows per chunk of queries: a 200-flow vendor is read in three queries, a 5,000-flow vendor ten flows' worth of
# rows at a time (500 flows x 50 categories is 25,000 small tuples at most, a few MB, whatever the vendor's size).
FLOW_ROWS_CHUNK = 500


def dataflow_flow_rows(*, vendor, categories, chunk_size=None):
    """The vendor's flows in report order (system name, code), one FLOW_REPORT_FIELDS tuple each, each
    followed by the ids of its shared and of its not shared categories in catalogue order: yields (flow tuple,
    [shared ids], [not shared ids]). `categories` is dataflow_categories(): every category, in catalogue order.

    Read `chunk_size` flows at a time, each chunk in plain queries: its flows (keyset pagination on system name and
    code, which is unique), the services not yet read, and the flows' category rows. A 5,000-flow vendor is never
    in memory at once and a flow's columns are not decoded once per category. Server-side cursors did that too,
    but cost a DECLARE, FETCHes and a CLOSE per cursor and a materialised result (WITH HOLD, outside a
    transaction): a third of a
    200-flow report's time."""
    chunk_size = chunk_size or FLOW_ROWS_CHUNK
    # Each flow's category ids are put in catalogue order here, by their place in `categories` (which the database
    # ordered, in its collation): ordered by the database, the rows were joined to the catalogue and sorted, 2–7 ms
    # of a 200-flow report's 10,000 rows against 0.5–0.9 ms read as they lie.
    rank = {category_id: place for place, category_id in enumerate(categories)}.__getitem__
    flows = DataFlow.objects.filter(vendor=vendor).order_by("system__name", "code")
    services = {}  # id → (slug, name)
    after = Q()
    while True:
        chunk = list(flows.filter(after).values_list(*_FLOW_COLUMNS)[:chunk_size])
        if not chunk:
            return
        # The services by id, apart: joined to the flows, PostgreSQL hashed the whole service table (20,000 rows
        # at 10,000 vendors, 28 ms of a 200-flow report); by primary key it reads the vendor's few.
        unseen = {flow[5] for flow in chunk} - services.keys()
        if unseen:
            rows = VendorService.objects.filter(pk__in=unseen).order_by().values_list("pk", "slug", "name")
            services.update((pk, (slug, name)) for pk, slug, name in rows)
        # Columns 8–10 of a chunk row are the JSON columns' text (see _FLOW_COLUMNS).
        chunk = [
            (*flow[:6], *services[flow[5]], *flow[6:8], *map(_json_value, flow[8:11]), *flow[11:]) for flow in chunk
        ]
        shared, not_shared = {flow[0]: [] for flow in chunk}, {flow[0]: [] for flow in chunk}
        category_rows = (
            DataFlowCategory.objects.filter(flow_id__in=shared)
            .order_by()
            .values_list("flow_id", "category_id", "sharing")
        )
        for flow_id, category_id, sharing in category_rows:
            (shared if sharing == Sharing.SHARED else not_shared)[flow_id].append(category_id)
        for flow in chunk:
            shared_ids, not_shared_ids = shared[flow[0]], not_shared[flow[0]]
            shared_ids.sort(key=rank)
            not_shared_ids.sort(key=rank)
            yield flow, shared_ids, not_shared_ids
        if len(chunk) < chunk_size:
            return
        last = chunk[-1]  # FLOW_REPORT_FIELDS: (pk, code, system slug, system name, ...)
        after = Q(system__name__gt=last[3]) | Q(system__name=last[3], code__gt=last[1])
        del chunk, shared, not_shared


def dataflow_categories(*, vendor):
    """The catalogue's categories by id, for the vendor's flows to name theirs: the whole catalogue (a few dozen
    rows, reference data), which is cheaper to read than to find which ones the vendor's flows carry (that walked
    every flow-category row of the vendor once more, ~10 ms for 200 flows). In catalogue order (path, code):
    dataflow_flow_rows orders each flow's categories by it."""
    return {category.pk: category for category in DataCategory.objects.order_by("path", "code")}


def dataflow_latest_flow_change(*, vendor):
    return DataFlow.objects.filter(vendor=vendor).aggregate(latest=Max("updated_at"))["latest"]


def vendor_by_slug(slug):
    """Raises ReportSubjectNotFound."""
    try:
        return Vendor.objects.get(slug=slug)
    except Vendor.DoesNotExist:
        raise ReportSubjectNotFound(f"no vendor with slug {slug!r}") from None


def incident_by_reference(reference):
    """An incident by its slug, or by its numeric id. Raises ReportSubjectNotFound."""
    reference = str(reference).strip()
    incident = Incident.objects.filter(slug=reference).first()
    if incident is None and reference.isdigit():
        incident = Incident.objects.filter(pk=int(reference)).first()
    if incident is None:
        raise ReportSubjectNotFound(f"no incident with slug or id {reference!r}")
    return incident


def dataflow_report_data(*, vendor):
    """Everything the data-flow report shows about one vendor but its flows (dataflow_flow_rows), by section.
    Requirements, reviews and incidents are querysets, read when the report reaches them (a page showing none of
    them reads none of them)."""
    exposures = IncidentExposure.objects.select_related("category").order_by("category__path")
    return {
        "vendor": vendor,
        "categories": dataflow_categories(vendor=vendor),
        "subprocessors": list(
            Subprocessor.objects.filter(vendor=vendor).select_related("subprocessor").prefetch_related("services")
        ),
        "contracts": list(vendor.contracts.order_by("-starts_on")),
        "requirements": vendor.requirement_statuses.select_related("requirement").order_by("requirement__code"),
        "reviews": vendor.reviews.order_by("-created_at"),
        "latest_tier_change": TierChange.objects.filter(vendor=vendor).order_by("-changed_at", "-id").first(),
        "incidents": vendor.incidents.prefetch_related(Prefetch("exposures", queryset=exposures)).order_by(
            "-vendor_detected_at"
        ),
    }


def incident_report_data(*, incident):
    """Everything the incident report shows, keyed by section."""
    # The vendor's contracts are prefetched for apps.incidents.delays, which reads vendor.contracts.all().
    incident = Incident.objects.select_related("vendor").prefetch_related("vendor__contracts").get(pk=incident.pk)
    return {
        "incident": incident,
        "systems": list(incident.affected_systems.order_by("name")),
        "flows": _flows_with_categories(DataFlow.objects.filter(incidents=incident)),
        "exposures": list(incident.exposures.select_related("category", "source").order_by("status", "category__path")),
        "sources": list(incident.sources.order_by("-reliability", "key")),
        "events": list(
            incident.timeline.select_related("source", "corrects").order_by(
                F("occurred_at").asc(nulls_last=True), "recorded_at", "id"
            )
        ),
        "actions": list(incident.actions.order_by("due_on", "id")),
        "recommendations": list(incident.recommendations.select_related("source").order_by("position", "id")),
        "amendments": list(incident.amendments.order_by("version")),
        "claims": list(incident.claims.all()),
        "notice_approvals": list(
            incident.notice_approvals.select_related("approved_by").order_by("lang", "approved_at")
        ),
    }


def notice_data(*, incident):
    """What the notice to affected users draws on: the incident, its exposures and its actions."""
    incident = Incident.objects.select_related("vendor").get(pk=incident.pk)
    return {
        "incident": incident,
        "exposures": list(incident.exposures.select_related("category").order_by("category__path")),
        "actions": list(incident.actions.order_by("due_on", "id")),
    }
