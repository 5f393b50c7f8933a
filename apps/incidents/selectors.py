"""Reads of the incidents app: exposure by status, contradictions between sources, the scope as it stands."""

from collections import defaultdict

from django.db.models import F, Prefetch, Q

from apps.datamap.choices import Sharing
from apps.datamap.models import DataFlowCategory

from .choices import ClaimKind, ExposureStatus, Reliability, SourceKind
from .models import Incident, IncidentClaim, IncidentExposure

# The order a reader wants: what leaked first, what did not last.
EXPOSURE_STATUS_ORDER = (
    ExposureStatus.EXPOSED,
    ExposureStatus.SUSPECTED,
    ExposureStatus.UNKNOWN,
    ExposureStatus.NOT_EXPOSED,
)
# Between two sources of equal reliability, the one closer to the facts is the reference.
SOURCE_KIND_RANK = {
    SourceKind.OFFICIAL_NOTICE: 0,
    SourceKind.REGULATOR: 1,
    SourceKind.VENDOR_STATEMENT: 2,
    SourceKind.SECONDARY: 3,
    SourceKind.PRESS: 4,
    SourceKind.OTHER: 5,
}


def incident_list():
    """Incidents with what a list row shows (vendor, the vendor's contracts for the notification delay)."""
    return Incident.objects.select_related("vendor").prefetch_related("vendor__contracts")


def category_ever_shared_with_vendor(*, vendor_id, category) -> bool:
    """True when some flow, past or present, sent this category (or a broader or narrower one) to the vendor.

    A flow that shares "contact" sent the e-mail address, and a flow that shares "email-address" sent part
    of "contact": both count. An explicit "not shared" never does.
    """
    shared = DataFlowCategory.objects.filter(flow__vendor_id=vendor_id, sharing=Sharing.SHARED)
    if not category.path:
        return shared.filter(category_id=category.pk).exists()
    parts = category.path.rstrip("/").split("/")
    ancestor_paths = ["/".join(parts[: i + 1]) + "/" for i in range(len(parts))]
    return shared.filter(Q(category__path__in=ancestor_paths) | Q(category__path__startswith=category.path)).exists()


def source_summary(source):
    if source is None:
        return None
    return {"key": source.key, "title": source.title, "reliability": Reliability(source.reliability).name.lower()}


def category_summary(category):
    if category is None:
        return None
    return {"code": category.code, "name": category.name}


def exposure_summary(*, incident) -> dict:
    """{status: [{category, source, override_reason, note}]} for every status, in reading order. One query."""
    summary = {status.value: [] for status in EXPOSURE_STATUS_ORDER}
    exposures = incident.exposures.select_related("category", "source").order_by("category__path", "category__code")
    for exposure in exposures:
        summary[exposure.status].append(
            {
                "category": category_summary(exposure.category),
                "source": source_summary(exposure.source),
                "override_reason": exposure.override_reason,
                "note": exposure.note,
            }
        )
    return summary


def exposure_datamap_overrides(*, incident=None):
    """Exposures marked exposed or suspected against the data map (recorded with an override reason)."""
    exposures = IncidentExposure.objects.filter(status__in=(ExposureStatus.EXPOSED, ExposureStatus.SUSPECTED)).exclude(
        override_reason=""
    )
    if incident is not None:
        exposures = exposures.filter(incident=incident)
    return exposures.select_related("incident", "category", "source")


def _claim_topic(claim):
    if claim.kind == ClaimKind.EXPOSURE:
        return (ClaimKind.EXPOSURE, claim.category_id)
    return (claim.kind, claim.subject.strip().casefold())


def _claim_value(claim):
    if claim.kind == ClaimKind.EXPOSURE:
        return claim.exposure_status
    return claim.value.strip().casefold()


def _reference_rank(claim):
    return (-claim.source.reliability, SOURCE_KIND_RANK.get(claim.source.kind, 99), claim.source.key, claim.key)


def claim_conflicts(*, incident) -> list[dict]:
    """Claims that contradict the most reliable source speaking to the same thing. One query.

    "The same thing" is the data category for exposure claims, the subject for the others (a date, the
    attacker, a recommended action). The reference is the claim of the most reliable source on that
    topic (ties: official notice first); every other claim with a different value is a conflict.
    """
    claims = IncidentClaim.objects.filter(incident=incident).select_related("source", "category")
    by_topic = defaultdict(list)
    for claim in claims:
        by_topic[_claim_topic(claim)].append(claim)

    conflicts = []
    for topic_claims in by_topic.values():
        reference = min(topic_claims, key=_reference_rank)
        for claim in sorted(topic_claims, key=_reference_rank):
            if claim.source_id == reference.source_id or _claim_value(claim) == _claim_value(reference):
                continue
            conflicts.append(
                {
                    "kind": claim.kind,
                    "category": category_summary(claim.category),
                    "subject": claim.subject,
                    "claim": claim.statement,
                    "claim_key": claim.key,
                    "value": claim.exposure_status or claim.value,
                    "source": source_summary(claim.source),
                    "contradicted_by": {
                        "source": source_summary(reference.source),
                        "claim_key": reference.key,
                        "statement": reference.statement,
                        "value": reference.exposure_status or reference.value,
                    },
                }
            )
    conflicts.sort(key=lambda c: ((c["category"] or {}).get("code", ""), c["subject"], c["source"]["key"]))
    return conflicts


def unsupported_claims(*, incident) -> list[dict]:
    """Claims of low-reliability sources that no other source confirms or contradicts. One query.

    Not conflicts, but a reviewer should not take them as facts (e.g. a press article's "end-to-end encryption").
    """
    claims = IncidentClaim.objects.filter(incident=incident).select_related("source", "category")
    by_topic = defaultdict(list)
    for claim in claims:
        by_topic[_claim_topic(claim)].append(claim)
    return [
        {
            "kind": claim.kind,
            "category": category_summary(claim.category),
            "subject": claim.subject,
            "claim": claim.statement,
            "claim_key": claim.key,
            "value": claim.exposure_status or claim.value,
            "source": source_summary(claim.source),
        }
        for topic_claims in by_topic.values()
        if len({c.source_id for c in topic_claims}) == 1
        for claim in topic_claims
        if claim.source.reliability == Reliability.LOW
    ]


def scope_snapshot(*, incident) -> dict:
    """The incident's scope as it stands: category codes by exposure status, subjects, systems, flows."""
    exposures = {status.value: [] for status in EXPOSURE_STATUS_ORDER}
    for status, code in incident.exposures.order_by("category__code").values_list("status", "category__code"):
        exposures[status].append(code)
    return {
        "exposures": exposures,
        "data_subjects": list(incident.data_subjects),
        "systems": sorted(incident.affected_systems.values_list("slug", flat=True)),
        "flows": sorted(incident.affected_flows.values_list("code", flat=True)),
    }


def scope_versions(*, incident) -> list[dict]:
    """Every recorded version of the scope, oldest first, each readable on its own."""
    return [
        {
            "version": amendment.version,
            "amended_at": amendment.amended_at,
            "reason": amendment.reason,
            "changes": amendment.changes,
            "scope": amendment.scope_snapshot,
            "recorded_by": amendment.recorded_by.get_username() if amendment.recorded_by else None,
        }
        for amendment in incident.amendments.select_related("recorded_by").order_by("version")
    ]


# Events with no date (a source says "in between") go last on every database, after the dated ones.
TIMELINE_ORDER = (F("occurred_at").asc(nulls_last=True), "recorded_at", "id")


def incident_timeline(*, incident):
    """The timeline in order, each event with the source it cites and the event it corrects."""
    return (
        incident.timeline.select_related("source", "corrects")
        .prefetch_related(Prefetch("corrections", to_attr="correction_list"))
        .order_by(*TIMELINE_ORDER)
    )
