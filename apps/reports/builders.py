"""The report contents: one builder per report, each returning a plain, JSON-ready dict.

Every format (apps.reports.renderers) renders these dicts and nothing else, so a fact appears in every
format or in none. The shape is documented in apps/reports/SCHEMA.md and apps/reports/schema.json; bump
SCHEMA_VERSION when a key changes meaning or disappears (adding a key is a minor bump).

Each builder runs a fixed number of queries whatever the number of flows, categories or events: every
related list is fetched once with select_related/prefetch_related (see apps.reports.selectors).
"""

from collections import OrderedDict

from django.utils import timezone, translation

from apps.datamap.choices import Mechanism, Sensitivity, Sharing
from apps.incidents.choices import ExposureStatus, TimelineEventKind
from apps.incidents.delays import notification_delays
from apps.incidents.models import CLOCK_SOURCE_FIELDS
from apps.incidents.obligations import CLOCK_STATUS_LABELS, LAW_LABELS, incident_clocks
from apps.incidents.selectors import claim_conflicts

from . import selectors
from .jsontext import Deferred, Rows, Shared, materialise
from .notices import category_label

# 2.0 (issue 16): the incident report's GDPR keys of `notification` gave way to `clocks` (per role and law) and
# `moments`; `provenance`, `lang` and `affected_records` were added.
SCHEMA_VERSION = "2.0"
REPORT_LANGUAGES = ("en", "fr", "es")
EXPOSURE_KEYS = (
    ExposureStatus.EXPOSED,
    ExposureStatus.NOT_EXPOSED,
    ExposureStatus.SUSPECTED,
    ExposureStatus.UNKNOWN,
)


def _iso(value):
    return value.isoformat() if value else None


def _hours(value):
    """384.0 → 384: whole hours read as integers in every format; fractions stay."""
    return int(value) if value is not None and float(value).is_integer() else value


def _category_ref(category):
    return {"code": category.code, "name": category_label(category)}


class _CategoryItems:
    """{code, name, sensitivity} of each category, made once per report: a category recurs on every flow, and
    translating its sensitivity label 10,000 times was most of the build time of a 200 × 50 report. The items
    are jsontext.Shared, so the JSON text of each is also made once.

    Called with a category, or with a category id when built with `categories` ({id: category})."""

    def __init__(self, categories=None):
        self.labels = {value: str(label) for value, label in Sensitivity.choices}
        self.categories = categories or {}
        self.items = {}
        self.by_code = {}
        for category in self.categories.values():
            self(category)

    def __call__(self, category):
        key = category if isinstance(category, int) else category.pk
        item = self.items.get(key)
        if item is None:
            if isinstance(category, int):
                category = self.categories[category]
            item = self.items[key] = Shared(
                code=category.code,
                name=category_label(category),
                sensitivity=category.sensitivity,
                sensitivity_label=self.labels.get(category.sensitivity),
            )
            self.by_code[category.code] = item
        return item


def _source(source):
    if source is None:
        return None
    return {
        "key": source.key,
        "title": source.title,
        "kind": source.kind,
        "reliability": source.reliability,
        "reliability_label": str(source.get_reliability_display()),
    }


def _tier(vendor, latest_change):
    reasons = []
    if latest_change is not None:
        reasons = list(latest_change.inputs.get("reasons", [])) if isinstance(latest_change.inputs, dict) else []
        if latest_change.reason:
            reasons.append(latest_change.reason)
    if vendor.tier_override is not None and vendor.tier_override_reason not in reasons:
        reasons.append(vendor.tier_override_reason)
    return {
        "tier": vendor.tier,
        "tier_label": str(vendor.get_tier_display()) if vendor.tier else None,
        "tier_computed": vendor.computed_tier,
        "tier_override": vendor.tier_override,
        "tier_reasons": reasons,
        "tier_changed_at": _iso(latest_change.changed_at) if latest_change else None,
    }


def _flow(flow, category_item):
    shared, not_shared = [], []
    for category, sharing in flow.category_rows:
        (shared if sharing == Sharing.SHARED else not_shared).append(category_item(category))
    return {
        "code": flow.code,
        "system": {"slug": flow.system.slug, "name": flow.system.name, "url": flow.system.url},
        "service": {"slug": flow.service.slug, "name": flow.service.name},
        "mechanism": flow.mechanism,
        "mechanism_label": str(flow.get_mechanism_display()),
        "purpose": flow.purpose,
        "data_subjects": list(flow.data_subjects),
        "processing_countries": list(flow.processing_countries),
        "storage_countries": list(flow.storage_countries),
        "estimated_records": flow.estimated_records,
        "starts_on": _iso(flow.starts_on),
        "ends_on": _iso(flow.ends_on),
        "shared": shared,
        "not_shared": not_shared,
    }


def _exposure_lists(exposures, *, with_source):
    lists = OrderedDict((str(key), []) for key in EXPOSURE_KEYS)
    for exposure in exposures:
        item = _category_ref(exposure.category)
        if with_source:
            item["source"] = _source(exposure.source)
            item["note"] = exposure.note
        lists[exposure.status].append(item)
    return dict(lists)


def _contract(contract):
    return {
        "reference": contract.reference,
        "starts_on": _iso(contract.starts_on),
        "ends_on": _iso(contract.ends_on),
        "dpa_signed_on": _iso(contract.dpa_signed_on),
        "breach_notification_hours": contract.breach_notification_hours,
        "audit_rights": contract.audit_rights,
        "subprocessor_change_notice_days": contract.subprocessor_change_notice_days,
    }


def build_dataflow_report(*, vendor, lang="en", generated_by=None, now=None, stream=False):
    """The vendor data-flow report: who receives what from which system, on which terms, with which history.

    With `stream=True` the flows are a jsontext.Rows read from a server-side cursor when the report is rendered,
    and what depends on every flow (subprocessors' categories, `register_as_of`) a jsontext.Deferred: a
    5,000-flow report is then written out without ever being whole in memory. Without it, a plain dict."""
    now = now or timezone.now()
    with translation.override(lang):
        report = _dataflow_report(vendor, lang=lang, generated_by=generated_by, now=now)
        if not stream:
            report = materialise(report)
    return report


class _FlowStream:
    """The report's flow dicts, made from selectors.dataflow_flow_rows each time it is iterated.

    A complete pass also records what the later sections need from every flow, so that streaming reads the
    flows once: the first position of each (service, shared category) and the latest flow change."""

    def __init__(self, vendor, categories):
        # Every label is made here, in the report's language: a streamed report is iterated after the builder
        # returned, outside its translation.override.
        self.vendor = vendor
        self.category_item = _CategoryItems(categories)
        self.mechanism_labels = {value: str(label) for value, label in Mechanism.choices}
        self.parts = {}  # (slug, name[, url]) → the Shared system or service dict
        self.first_shared = None  # {(service_id, category code): position}, set by a complete pass
        self.latest_change = None

    def __iter__(self):
        # Per flow, the work is a few C-level passes over its category ids, not Python per row: a 200-flow x
        # 50-category report has 10,000 rows, and a method call and an append each was a fifth of its time.
        items = self.category_item.items  # category id → its Shared item: the whole catalogue, made up front
        first = {}  # service id → {category id: position of its first shared row in the report}
        latest, position = None, 0
        for row, shared_ids, not_shared_ids in selectors.dataflow_flow_rows(
            vendor=self.vendor, categories=self.category_item.categories
        ):
            flow = self._flow(row)
            if not_shared_ids:
                flow["not_shared"] = list(map(items.__getitem__, not_shared_ids))
            if shared_ids:
                flow["shared"] = list(map(items.__getitem__, shared_ids))
                seen = first.setdefault(row[5], {})
                if not seen.keys() >= set(shared_ids):  # a category this service has not shared before
                    for offset, category_id in enumerate(shared_ids, position):
                        seen.setdefault(category_id, offset)
                position += len(shared_ids)
            if row[16] and (latest is None or row[16] > latest):
                latest = row[16]
            yield flow
        self.first_shared = {
            (service_id, items[category_id]["code"]): at
            for service_id, seen in first.items()
            for category_id, at in seen.items()
        }
        self.latest_change = latest

    def _shared(self, *values):
        """The same {slug, name[, url]} dict for every flow of a system or service: its JSON is made once."""
        item = self.parts.get(values)
        if item is None:
            keys = ("slug", "name", "url")[: len(values)]
            item = self.parts[values] = Shared(zip(keys, values, strict=True))
        return item

    def _flow(self, row):
        (_, code, system_slug, system_name, system_url, _, service_slug, service_name, mechanism, purpose) = row[:10]
        return {
            "code": code,
            "system": self._shared(system_slug, system_name, system_url),
            "service": self._shared(service_slug, service_name),
            "mechanism": mechanism,
            "mechanism_label": self.mechanism_labels.get(mechanism, mechanism),
            "purpose": purpose,
            "data_subjects": list(row[10]),
            "processing_countries": list(row[11]),
            "storage_countries": list(row[12]),
            "estimated_records": row[13],
            "starts_on": _iso(row[14]),
            "ends_on": _iso(row[15]),
            "shared": [],
            "not_shared": [],
        }

    def complete(self):
        """Run a pass (keeping nothing but its records) unless one has run to the end."""
        if self.first_shared is None:
            for _ in self:
                pass
        return self


# The flow keys whose values come from JSON columns: lists that could hold any JSON value, a float included.
_JSON_LIST_KEYS = ("data_subjects", "processing_countries", "storage_countries")


def _plain_flow(flow):
    """Whether orjson may write a flow dict of _FlowStream (jsontext.Rows): its other values are str, int or None
    and Shared dicts of str by construction; its JSON lists are checked, as a float in one would be written
    differently."""
    return all(type(value) is str for key in _JSON_LIST_KEYS for value in flow[key])


def _subprocessors(links, flows):
    """Each subprocessor with the categories shared on the flows of the services it supports (every flow when it
    supports none recorded), in the order they first appear in the report's flows."""
    first_shared = flows.complete().first_shared
    by_code = {}
    for (_, code), position in first_shared.items():
        by_code[code] = min(position, by_code.get(code, position))
    result = []
    for link in links:
        supported = {service.pk for service in link.services.all()}
        # With no service recorded, assume the subprocessor may see everything the vendor receives.
        if supported:
            seen = {}
            for (service_id, code), position in first_shared.items():
                if service_id in supported and position < seen.get(code, position + 1):
                    seen[code] = position
        else:
            seen = by_code
        items = flows.category_item.by_code
        result.append(
            {
                "name": link.subprocessor.display_name,
                "slug": link.subprocessor.slug,
                "purpose": link.purpose,
                "country": link.country,
                "services": [service.name for service in link.services.all()],
                "categories": [items[code] for code in sorted(seen, key=seen.__getitem__)],
            }
        )
    return result


def _register_as_of(vendor, flows, contracts):
    latest_flow = flows.complete().latest_change
    moments = [vendor.updated_at, latest_flow, *(contract.updated_at for contract in contracts)]
    return max(m for m in moments if m)


def _later(lang, compute):
    """A section computed when the report is written (jsontext.Deferred), its labels in the report's language: a
    streamed report is written after the builder returned, outside its translation.override."""

    def run():
        with translation.override(lang):
            return compute()

    return Deferred(run)


def _requirement(status):
    return {
        "code": status.requirement.code,
        "title": status.requirement.title,
        "status": status.status,
        "status_label": str(status.get_status_display()),
        "due_on": _iso(status.due_on),
    }


def _review(review):
    return {
        "id": review.pk,
        "kind": review.kind,
        "kind_label": str(review.get_kind_display()),
        "state": review.state,
        "state_label": str(review.get_state_display()),
        "tier": review.tier,
        "created_at": _iso(review.created_at),
        "decided_at": _iso(review.decided_at),
        "due_on": _iso(review.due_on),
    }


def _incident(incident):
    return {
        "slug": incident.slug,
        "title": incident.title,
        "severity": incident.severity,
        "severity_label": str(incident.get_severity_display()),
        "status": incident.status,
        "status_label": str(incident.get_status_display()),
        "vendor_detected_at": _iso(incident.vendor_detected_at),
        "exposure": _exposure_lists(incident.exposures.all(), with_source=False),
    }


def _dataflow_report(vendor, *, lang, generated_by, now):
    data = selectors.dataflow_report_data(vendor=vendor)
    vendor = data["vendor"]
    flows = _FlowStream(vendor, data["categories"])
    return {
        "schema_version": SCHEMA_VERSION,
        "report": "dataflow",
        "vendor": {
            "name": vendor.display_name,
            "legal_name": vendor.legal_name,
            "slug": vendor.slug,
            "status": vendor.status,
            "status_label": str(vendor.get_status_display()),
            "category": vendor.category,
            "website": vendor.website,
            "hq_country": vendor.hq_country,
            **_tier(vendor, data["latest_tier_change"]),
        },
        "flows": Rows(lambda: flows, plain=_plain_flow),
        "subprocessors": Deferred(lambda: _subprocessors(data["subprocessors"], flows)),
        "contracts": [_contract(contract) for contract in data["contracts"]],
        # Read when written (a streamed report's page, the workspace's vendor page, shows none of these three).
        "requirements": _later(lang, lambda: [_requirement(status) for status in data["requirements"]]),
        "reviews": _later(lang, lambda: [_review(review) for review in data["reviews"]]),
        "incidents": _later(lang, lambda: [_incident(incident) for incident in data["incidents"]]),
        "lang": lang,
        "provenance": {
            "generated_at": _iso(now),
            "register_as_of": Deferred(lambda: _iso(_register_as_of(vendor, flows, data["contracts"]))),
            "generated_by": generated_by,
        },
    }


def _timeline(incident, events):
    if events:
        return [
            {
                "key": event.key,
                "occurred_at": _iso(event.occurred_at),
                "precision": event.occurred_on_precision,
                "kind": event.kind,
                "kind_label": str(event.get_kind_display()),
                "description": event.description,
                "source": event.source.key if event.source else None,
                "_source_id": event.source_id,
                "corrects": event.corrects.key if event.corrects else None,
            }
            for event in events
        ]
    # An incident recorded without events still has its key dates: show them rather than an empty timeline.
    derived = [
        (TimelineEventKind.DETECTED, incident.vendor_detected_at),
        (TimelineEventKind.VENDOR_NOTIFIED_US, incident.vendor_notified_at),
        (TimelineEventKind.DATASET_RECEIVED, incident.dataset_received_at),
        (TimelineEventKind.PUBLIC_DISCLOSURE, incident.public_disclosure_at),
    ]
    return [
        {
            "key": kind,
            "occurred_at": _iso(at),
            "precision": "day",
            "kind": str(kind),
            "kind_label": str(kind.label),
            "description": str(kind.label),
            "source": None,
            "corrects": None,
        }
        for kind, at in derived
        if at
    ]


def _notification(delays):
    """The vendor's clock against its contract clause (apps.incidents.delays)."""
    return {
        "vendor_detected_at": _iso(delays.vendor_detected_at),
        "vendor_notified_at": _iso(delays.vendor_notified_at),
        "dataset_received_at": _iso(delays.dataset_received_at),
        "told_at": _iso(delays.told_at),
        "delay_hours": _hours(delays.delay_hours),
        "still_waiting": delays.still_waiting,
        "contract_reference": delays.contract_reference,
        "contract_clause_hours": delays.contract_clause_hours,
        "contract_breached": delays.contract_breached,
    }


def _moments(incident, sources_by_id):
    """Each recorded moment of the incident's clocks with the source it comes from (title and reliability)."""
    moments = []
    for time_field, source_field in CLOCK_SOURCE_FIELDS.items():
        source = sources_by_id.get(getattr(incident, f"{source_field}_id"))
        moments.append(
            {
                "key": time_field,
                "label": str(incident._meta.get_field(time_field).verbose_name),
                "at": _iso(getattr(incident, time_field)),
                "source": _source(source),
            }
        )
    return moments


def _clocks(incident, now):
    return [
        {
            "code": clock.obligation.code,
            "law": clock.obligation.law,
            "law_label": str(LAW_LABELS[clock.obligation.law]),
            "article": clock.obligation.article,
            "duty": str(clock.obligation.duty),
            "status": clock.status,
            "status_label": str(CLOCK_STATUS_LABELS[clock.status]),
            "reason": clock.reason,
            "started_at": _iso(clock.started_at),
            "ended_at": _iso(clock.ended_at),
            "deadline": _iso(clock.deadline),
            "elapsed_hours": _hours(clock.elapsed_hours),
            "limit_hours": _hours(clock.limit_hours),
        }
        for clock in incident_clocks(incident, now=now)
    ]


def _as_of(incident, data):
    """The register's state the report reflects: the latest change to the incident or any of its rows."""
    moments = [incident.updated_at]
    for name in ("exposures", "sources", "actions", "recommendations", "claims"):
        moments += [row.updated_at for row in data[name]]
    moments += [event.recorded_at for event in data["events"]]
    moments += [amendment.amended_at for amendment in data["amendments"]]
    return max(m for m in moments if m)


def _provenance(incident, data, *, generated_by, now):
    return {
        "generated_at": _iso(now),
        "register_as_of": _iso(_as_of(incident, data)),
        "generated_by": generated_by,
        "notice_approvals": [
            {"lang": a.lang, "approved_by": a.approved_by.get_username(), "approved_at": _iso(a.approved_at)}
            for a in data["notice_approvals"]
        ],
    }


def _affected_records(incident, flows):
    counts = [flow.estimated_records for flow in flows]
    known = [count for count in counts if count is not None]
    return {
        "incident_estimate": incident.estimated_affected_records,
        "flows_estimate": sum(known) if known else None,
        "flows_without_estimate": len(counts) - len(known),
    }


def _affected_systems(systems, flows):
    """The systems recorded on the incident and those its affected flows leave, once each, by name."""
    by_slug = {s.slug: s for s in systems}
    for flow in flows:
        by_slug.setdefault(flow.system.slug, flow.system)
    return [{"slug": s.slug, "name": s.name, "url": s.url} for s in sorted(by_slug.values(), key=lambda s: s.name)]


def _source_title(source):
    return source.title if source else None


def build_incident_report(*, incident, lang="en", generated_by=None, now=None):
    """The incident report: what was exposed (and by whose account), who is affected, how late each party was
    against its obligations, and where each fact comes from. Labels in `lang` (en, fr, es)."""
    with translation.override(lang):
        return _incident_report(incident, lang=lang, generated_by=generated_by, now=now or timezone.now())


def _incident_report(incident, *, lang, generated_by, now):
    data = selectors.incident_report_data(incident=incident)
    incident = data["incident"]
    vendor = incident.vendor
    flows = data["flows"]
    category_item = _CategoryItems()
    delays = notification_delays(incident, now=now)
    sources_by_id = {source.pk: source for source in data["sources"]}
    return {
        "schema_version": SCHEMA_VERSION,
        "report": "incident",
        "lang": lang,
        "provenance": _provenance(incident, data, generated_by=generated_by, now=now),
        "incident": {
            "slug": incident.slug,
            "title": incident.title,
            "summary": incident.summary,
            "severity": incident.severity,
            "severity_label": str(incident.get_severity_display()),
            "status": incident.status,
            "status_label": str(incident.get_status_display()),
            "data_subjects": list(incident.data_subjects),
            "estimated_affected_records": incident.estimated_affected_records,
            "breach_location": incident.breach_location,
            "our_role": incident.our_role,
            "risk_to_individuals": incident.risk_to_individuals,
            "risk_to_individuals_label": str(incident.get_risk_to_individuals_display()),
            "our_systems_breached": incident.our_systems_breached,
            "supervisory_authority": incident.supervisory_authority,
            "sa_reference": incident.sa_reference,
        },
        "vendor": {"name": vendor.display_name, "slug": vendor.slug, "status": vendor.status, "tier": vendor.tier},
        "affected_systems": _affected_systems(data["systems"], flows),
        "flows": [_flow(flow, category_item) for flow in flows],
        "data_subjects": sorted(set(incident.data_subjects).union(*(flow.data_subjects for flow in flows))),
        "affected_records": _affected_records(incident, flows),
        "exposure": _exposure_lists(data["exposures"], with_source=True),
        "sources": [{**_source(s), "language": s.language, "url": s.url} for s in data["sources"]],
        "notification": _notification(delays),
        "moments": _moments(incident, sources_by_id),
        "clocks": _clocks(incident, now),
        "conflicts": claim_conflicts(incident=incident),
        "timeline": [
            {**event, "source_title": _source_title(sources_by_id.get(event.pop("_source_id", None)))}
            for event in _timeline(incident, data["events"])
        ],
        "actions": [
            {
                "kind": action.kind,
                "kind_label": str(action.get_kind_display()),
                "description": action.description,
                "due_on": _iso(action.due_on),
                "done_at": _iso(action.done_at),
            }
            for action in data["actions"]
        ],
        "recommendations": [
            {
                "text": rec.text,
                "source": rec.source.key if rec.source else None,
                "source_title": _source_title(rec.source),
            }
            for rec in data["recommendations"]
        ],
        "amendments": [
            {
                "version": amendment.version,
                "amended_at": _iso(amendment.amended_at),
                "reason": amendment.reason,
                "changes": amendment.changes,
                # The scope as this version left it: version 0 (as first recorded) stays readable next to
                # every amendment, so a reader sees how the scope moved, not only where it ended.
                "scope": amendment.scope_snapshot,
            }
            for amendment in data["amendments"]
        ],
    }
