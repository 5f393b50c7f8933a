"""Writes of the incidents app. Each is one transaction; bad input raises ValidationError naming the field."""

import datetime
import uuid
from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from apps.datamap.models import DataCategory, DataFlow, System
from apps.vendors.models import Vendor

from .choices import ActionKind, ExposureStatus, IncidentStatus, TimelineEventKind
from .models import (
    CLOCK_SOURCE_FIELDS,
    Incident,
    IncidentClaim,
    IncidentExposure,
    IncidentSource,
    Recommendation,
    ResponseAction,
    ScopeAmendment,
    TimelineEvent,
)
from .selectors import scope_snapshot
from .signals import incident_recorded


def _unique_slug(base: str) -> str:
    slug = slugify(base)[:110] or "incident"
    candidate, n = slug, 2
    while Incident.objects.filter(slug=candidate).exists():
        candidate, n = f"{slug}-{n}", n + 1
    return candidate


def _check_flows_and_systems(*, vendor, flows, systems):
    foreign = [flow.code for flow in flows if flow.vendor_id != vendor.pk]
    if foreign:
        raise ValidationError({"affected_flows": f"These flows do not go to {vendor}: {', '.join(foreign)}."})
    flow_systems = {flow.system_id for flow in flows}
    if flows and systems and not flow_systems & {system.pk for system in systems}:
        raise ValidationError({"affected_systems": "None of the affected systems is the source of an affected flow."})


# The regulatory facts and clock moments an incident may carry from the start (sources come later: an incident
# has none when it is first recorded, so the `*_source` fields are set by incident_update).
REGULATORY_FIELDS = (
    "sa_notified_at",
    "supervisory_authority",
    "sa_reference",
    "subjects_notified_at",
    "our_role",
    "risk_to_individuals",
    "our_systems_breached",
    "dora_major_classified_at",
    "dora_initial_notified_at",
    "dora_intermediate_reported_at",
    "dora_final_reported_at",
)


@transaction.atomic
def incident_record(
    *,
    vendor: Vendor,
    title: str,
    severity: str,
    recorded_by,
    slug: str = "",
    summary: str = "",
    status: str = IncidentStatus.REPORTED,
    vendor_detected_at: datetime.datetime | None = None,
    vendor_notified_at: datetime.datetime | None = None,
    dataset_received_at: datetime.datetime | None = None,
    we_became_aware_at: datetime.datetime | None = None,
    public_disclosure_at: datetime.datetime | None = None,
    data_subjects: Iterable[str] = (),
    affected_systems: Iterable[System] = (),
    affected_flows: Iterable[DataFlow] = (),
    estimated_affected_records: int | None = None,
    breach_location: str = "",
    **regulatory,
) -> Incident:
    """Record an incident against a vendor and send `incident_recorded`. `regulatory` takes REGULATORY_FIELDS.

    Raises ValidationError (per field) on a bad severity or status, times before the vendor's detection (or
    notifications before our awareness), flows that do not go to this vendor, or a slug already taken.
    """
    refused = set(regulatory) - set(REGULATORY_FIELDS)
    if refused:
        raise ValidationError(dict.fromkeys(refused, "This field cannot be set when recording an incident."))
    if not slug:
        detected = vendor_detected_at or timezone.now()
        slug = _unique_slug(f"{vendor.slug}-{detected:%Y-%m}")
    incident = Incident(
        slug=slug,
        vendor=vendor,
        title=title,
        summary=summary,
        severity=severity,
        status=status,
        vendor_detected_at=vendor_detected_at,
        vendor_notified_at=vendor_notified_at,
        dataset_received_at=dataset_received_at,
        we_became_aware_at=we_became_aware_at,
        public_disclosure_at=public_disclosure_at,
        data_subjects=list(data_subjects),
        estimated_affected_records=estimated_affected_records,
        breach_location=breach_location,
        **regulatory,
    )
    return incident_save_new(
        incident=incident, affected_systems=affected_systems, affected_flows=affected_flows, recorded_by=recorded_by
    )


@transaction.atomic
def incident_save_new(
    *, incident: Incident, affected_systems: Iterable[System], affected_flows: Iterable[DataFlow], recorded_by
) -> Incident:
    """Validate and save an incident built but not yet saved (the admin's add form builds one), then send
    `incident_recorded`. Systems default to the sources of the affected flows.

    Raises ValidationError as incident_record does.
    """
    flows, systems = list(affected_flows), list(affected_systems)
    _check_flows_and_systems(vendor=incident.vendor, flows=flows, systems=systems)
    incident.recorded_by = recorded_by
    incident.full_clean()
    incident.save()
    incident.affected_flows.set(flows)
    incident.affected_systems.set(systems or {flow.system for flow in flows})
    incident_recorded.send(sender=Incident, incident=incident)
    return incident


# What a reviewer may edit on an incident already recorded. The vendor and the reference (slug) stay: sources,
# flows and reports hang off them.
INCIDENT_EDITABLE_FIELDS = frozenset(
    {
        "title",
        "summary",
        "severity",
        "status",
        "vendor_detected_at",
        "vendor_notified_at",
        "dataset_received_at",
        "we_became_aware_at",
        "public_disclosure_at",
        "data_subjects",
        "estimated_affected_records",
        "breach_location",
        *REGULATORY_FIELDS,
        *CLOCK_SOURCE_FIELDS.values(),
    }
)


@transaction.atomic
def incident_update(
    *,
    incident: Incident,
    affected_systems: Iterable[System] | None = None,
    affected_flows: Iterable[DataFlow] | None = None,
    **changes,
) -> tuple[Incident, str]:
    """Edit an incident's headline, times and scope; returns (the incident, its severity before the edit).

    Only INCIDENT_EDITABLE_FIELDS are accepted; `affected_systems`/`affected_flows` None leaves them as they
    are. Raises ValidationError naming the field on an unknown or read-only field, a bad severity or status,
    a time before the vendor's detection (as the model does), or flows that do not go to this vendor.
    """
    refused = set(changes) - INCIDENT_EDITABLE_FIELDS
    if refused:
        raise ValidationError(dict.fromkeys(refused, "This field cannot be changed once the incident is recorded."))
    incident = Incident.objects.select_for_update().select_related("vendor").get(pk=incident.pk)
    for name in CLOCK_SOURCE_FIELDS.values():
        if name in changes:
            _check_source(incident=incident, source=changes[name], field=name)
    previous_severity = incident.severity
    for name, value in changes.items():
        setattr(incident, name, list(value) if name == "data_subjects" else value)
    flows = list(affected_flows) if affected_flows is not None else None
    systems = list(affected_systems) if affected_systems is not None else None
    if flows is not None or systems is not None:
        _check_flows_and_systems(
            vendor=incident.vendor,
            flows=flows if flows is not None else list(incident.affected_flows.all()),
            systems=systems if systems is not None else list(incident.affected_systems.all()),
        )
    incident.full_clean()
    incident.save()
    if flows is not None:
        incident.affected_flows.set(flows)
    if systems is not None:
        incident.affected_systems.set(systems)
    return incident, previous_severity


def _apply(obj, fields: Mapping, editable: Iterable[str]):
    """Set the editable fields on a child row, validate it as its model does, save it."""
    refused = set(fields) - set(editable)
    if refused:
        raise ValidationError(dict.fromkeys(refused, "This field cannot be changed here."))
    for name, value in fields.items():
        setattr(obj, name, value)
    obj.full_clean()
    obj.save()
    return obj


def _child_key(prefix: str, key: str) -> str:
    return key or f"{slugify(prefix)}-{uuid.uuid4().hex[:8]}"


SOURCE_FIELDS = ("kind", "title", "publisher", "url", "language", "published_on", "reliability", "excerpt")


@transaction.atomic
def source_add(
    *, incident: Incident, kind: str, title: str, reliability: int, key: str = "", **fields
) -> IncidentSource:
    """Add a source to the incident (publisher, url, language, published_on, excerpt optional).

    Raises ValidationError naming the field on a bad kind or reliability, a bad URL or a key already used.
    """
    source = IncidentSource(incident=incident, key=_child_key(kind, key))
    return _apply(source, {"kind": kind, "title": title, "reliability": reliability, **fields}, SOURCE_FIELDS)


@transaction.atomic
def source_update(*, source: IncidentSource, **fields) -> IncidentSource:
    """Correct a source's description (not its key: claims and exposures cite it). Raises as source_add."""
    return _apply(source, fields, SOURCE_FIELDS)


CLAIM_FIELDS = ("source", "kind", "category", "exposure_status", "subject", "value", "statement")


@transaction.atomic
def claim_add(
    *, incident: Incident, source: IncidentSource, kind: str, statement: str, key: str = "", **fields
) -> IncidentClaim:
    """Attribute a claim to one of the incident's sources (category, exposure_status, subject, value optional).

    Raises ValidationError on `source` (another incident's), `category`/`exposure_status` (an exposure claim
    without them), `subject` (another claim without subject and value), `kind`, or a key already used.
    """
    _check_source(incident=incident, source=source)
    claim = IncidentClaim(incident=incident, key=_child_key(kind, key))
    return _apply(claim, {"source": source, "kind": kind, "statement": statement, **fields}, CLAIM_FIELDS)


@transaction.atomic
def claim_update(*, claim: IncidentClaim, **fields) -> IncidentClaim:
    """Correct a claim. Raises as claim_add."""
    _check_source(incident=claim.incident, source=fields.get("source"))
    return _apply(claim, fields, CLAIM_FIELDS)


RECOMMENDATION_FIELDS = ("position", "text", "source")


@transaction.atomic
def recommendation_add(
    *,
    incident: Incident,
    text: str,
    source: IncidentSource | None = None,
    position: int | None = None,
    key: str = "",
) -> Recommendation:
    """Add what affected people should do; last in the list unless a position is given.

    Raises ValidationError on an empty `text`, `source` (another incident's) or a key already used.
    """
    _check_source(incident=incident, source=source)
    if position is None:
        last = incident.recommendations.order_by("-position").values_list("position", flat=True).first()
        position = 0 if last is None else last + 1
    recommendation = Recommendation(incident=incident, key=_child_key("recommendation", key))
    return _apply(recommendation, {"text": text, "source": source, "position": position}, RECOMMENDATION_FIELDS)


@transaction.atomic
def recommendation_update(*, recommendation: Recommendation, **fields) -> Recommendation:
    """Reword or reorder a recommendation. Raises as recommendation_add."""
    _check_source(incident=recommendation.incident, source=fields.get("source"))
    return _apply(recommendation, fields, RECOMMENDATION_FIELDS)


def _check_source(*, incident, source, field="source"):
    if source is not None and source.incident_id != incident.pk:
        raise ValidationError({field: f"“{source}” is not a source of this incident."})


def _exposure_write(*, incident, category, status, source, override_reason, note=None):
    """Create or update one exposure row (validated by the model); returns (exposure, previous status).

    `note` None keeps the row's note as it is (scope amendments do not carry one)."""
    if status not in ExposureStatus.values:
        raise ValidationError({"status": f"“{status}” is not an exposure status ({', '.join(ExposureStatus.values)})."})
    if source is None:
        # An exposure is a fact someone stated: without its source a reader cannot weigh it (issue 16).
        raise ValidationError({"source": "Cite the source that says what happened to this category."})
    _check_source(incident=incident, source=source)
    exposure = IncidentExposure.objects.filter(incident=incident, category=category).first()
    previous = exposure.status if exposure else None
    if exposure is None:
        exposure = IncidentExposure(incident=incident, category=category)
    exposure.status = status
    exposure.source = source
    exposure.override_reason = override_reason
    if note is not None:
        exposure.note = note
    exposure.full_clean(validate_unique=False)
    exposure.save()
    return exposure, previous


@transaction.atomic
def exposure_set(
    *,
    incident: Incident,
    category: DataCategory,
    status: str,
    source: IncidentSource,
    override_reason: str = "",
    note: str | None = None,
) -> IncidentExposure:
    """Set what the incident did to one data category, backed by a source (required).

    Raises ValidationError on `override_reason` when the category is marked exposed or suspected though no
    data flow ever sent it to the vendor (the data map contradicts it) and no reason is given; on `source`
    when it is missing or belongs to another incident; on `status` when it is not an exposure status.
    """
    exposure, _ = _exposure_write(
        incident=incident,
        category=category,
        status=status,
        source=source,
        override_reason=override_reason,
        note=note,
    )
    return exposure


@transaction.atomic
def timeline_append(
    *,
    incident: Incident,
    kind: str,
    description: str,
    recorded_by,
    occurred_at: datetime.datetime | None = None,
    precision: str = "day",
    source: IncidentSource | None = None,
    corrects: TimelineEvent | None = None,
    key: str = "",
) -> TimelineEvent:
    """Append an event to the timeline. The timeline only grows: to fix an event, append one that `corrects` it.

    Raises ValidationError on `kind`, `source` or `corrects` (another incident's) and on a key already used.
    """
    if kind not in TimelineEventKind.values:
        raise ValidationError({"kind": f"“{kind}” is not a timeline event kind."})
    if corrects is not None and corrects.incident_id != incident.pk:
        raise ValidationError({"corrects": "A correction must correct an event of the same incident."})
    _check_source(incident=incident, source=source)
    if corrects is not None and kind == TimelineEventKind.OTHER:
        kind = TimelineEventKind.CORRECTION
    event = TimelineEvent(
        incident=incident,
        key=key or f"{slugify(kind)}-{uuid.uuid4().hex[:8]}",
        kind=kind,
        description=description,
        occurred_at=occurred_at,
        occurred_on_precision=precision if occurred_at else "unknown",
        source=source,
        corrects=corrects,
        recorded_by=recorded_by,
    )
    event.full_clean()
    event.save()
    return event


SCOPE_CHANGE_KEYS = {
    "exposures",
    "data_subjects_add",
    "data_subjects_remove",
    "systems_add",
    "systems_remove",
    "flows_add",
    "flows_remove",
}


def _record_first_version(incident, actor):
    """Version 0 is the scope as first disclosed, kept so that the first amendment does not hide it."""
    return ScopeAmendment.objects.create(
        incident=incident,
        version=0,
        amended_at=incident.public_disclosure_at or incident.created_at,
        reason="Scope as first recorded.",
        changes={},
        scope_snapshot=scope_snapshot(incident=incident),
        recorded_by=actor,
    )


@transaction.atomic
def scope_amend(*, incident: Incident, changes: Mapping, reason: str, actor) -> ScopeAmendment:
    """Change the incident's scope and record an amendment (version n+1) with what changed and the scope after.

    `changes` keys: `exposures` (list of {category, status, source, override_reason?}), `data_subjects_add`
    / `data_subjects_remove` (strings), `systems_add` / `systems_remove` (System), `flows_add` /
    `flows_remove` (DataFlow of the incident's vendor). The first amendment also keeps version 0, the scope
    before it, so every earlier version stays readable.

    Raises ValidationError on `reason` (empty), `changes` (empty or unknown keys) and on any field an
    exposure or flow refuses (see exposure_set); nothing is written then.
    """
    if not reason.strip():
        raise ValidationError({"reason": "Say why the scope changes."})
    unknown = set(changes) - SCOPE_CHANGE_KEYS
    if unknown:
        raise ValidationError({"changes": f"Unknown scope changes: {', '.join(sorted(unknown))}."})
    if not any(changes.values()):
        raise ValidationError({"changes": "An amendment must change something."})

    incident = Incident.objects.select_for_update().select_related("vendor").get(pk=incident.pk)
    last = incident.amendments.order_by("-version").first() or _record_first_version(incident, actor)
    recorded = {}

    exposure_changes = []
    for item in changes.get("exposures", ()):
        exposure, previous = _exposure_write(
            incident=incident,
            category=item["category"],
            status=item["status"],
            source=item.get("source"),
            override_reason=item.get("override_reason", ""),
        )
        if previous != exposure.status:
            exposure_changes.append({"category": exposure.category.code, "from": previous, "to": exposure.status})
    if exposure_changes:
        recorded["exposures"] = exposure_changes

    subjects = list(incident.data_subjects)
    added = [s for s in changes.get("data_subjects_add", ()) if s not in subjects]
    removed = [s for s in changes.get("data_subjects_remove", ()) if s in subjects]
    if added or removed:
        incident.data_subjects = [s for s in subjects if s not in removed] + added
        incident.save(update_fields=["data_subjects", "updated_at"])
        recorded["data_subjects"] = {"added": added, "removed": removed}

    flows_add = list(changes.get("flows_add", ()))
    _check_flows_and_systems(vendor=incident.vendor, flows=flows_add, systems=())
    for name, manager, key_attr in (
        ("systems", incident.affected_systems, "slug"),
        ("flows", incident.affected_flows, "code"),
    ):
        current = set(manager.all())
        to_add = [obj for obj in changes.get(f"{name}_add", ()) if obj not in current]
        to_remove = [obj for obj in changes.get(f"{name}_remove", ()) if obj in current]
        manager.add(*to_add)
        manager.remove(*to_remove)
        if to_add or to_remove:
            recorded[name] = {
                "added": sorted(getattr(o, key_attr) for o in to_add),
                "removed": sorted(getattr(o, key_attr) for o in to_remove),
            }

    if not recorded:
        raise ValidationError({"changes": "These changes leave the scope as it was."})
    return ScopeAmendment.objects.create(
        incident=incident,
        version=last.version + 1,
        amended_at=timezone.now(),
        reason=reason,
        changes=recorded,
        scope_snapshot=scope_snapshot(incident=incident),
        recorded_by=actor,
    )


@transaction.atomic
def action_add(
    *,
    incident: Incident,
    kind: str,
    description: str,
    owner=None,
    due_on: datetime.date | None = None,
    key: str = "",
) -> ResponseAction:
    """Add a response action. Raises ValidationError on `kind`, an empty `description` or a key already used."""
    if kind not in ActionKind.values:
        raise ValidationError({"kind": f"“{kind}” is not a response action kind."})
    action = ResponseAction(
        incident=incident,
        key=key or f"{slugify(kind)}-{uuid.uuid4().hex[:8]}",
        kind=kind,
        description=description,
        owner=owner,
        due_on=due_on,
    )
    action.full_clean()
    action.save()
    return action


ACTION_FIELDS = ("kind", "description", "owner", "due_on")


@transaction.atomic
def action_update(*, action: ResponseAction, **fields) -> ResponseAction:
    """Change what an action is, who owns it or when it is due. Being done is action_complete's: `done_at` is
    refused here, so a done action cannot be quietly undone.
    """
    if "done_at" in fields:
        raise ValidationError({"done_at": "Mark an action done with “complete”; a done action stays done."})
    if "kind" in fields and fields["kind"] not in ActionKind.values:
        raise ValidationError({"kind": f"“{fields['kind']}” is not a response action kind."})
    return _apply(action, fields, ACTION_FIELDS)


@transaction.atomic
def action_complete(*, action: ResponseAction, done_at: datetime.datetime | None = None) -> ResponseAction:
    """Mark a response action done. Raises ValidationError on `done_at` if it is already done or in the future."""
    action = ResponseAction.objects.select_for_update().get(pk=action.pk)
    if action.done_at is not None:
        raise ValidationError({"done_at": f"This action was already done on {action.done_at:%Y-%m-%d}."})
    done_at = done_at or timezone.now()
    if done_at > timezone.now():
        raise ValidationError({"done_at": "An action cannot be done in the future."})
    action.done_at = done_at
    action.save(update_fields=["done_at", "updated_at"])
    return action


@transaction.atomic
def exposures_set_many(
    *, incident: Incident, categories, status: str, source: IncidentSource | None, override_reason: str = ""
) -> list[IncidentExposure]:
    """Set one status on several categories at once, backed by one source: all or nothing (as exposure_set).

    Raises ValidationError on `categories` (none given) and as exposure_set.
    """
    categories = list(categories)
    if not categories:
        raise ValidationError({"categories": "Choose at least one data category."})
    return [
        exposure_set(
            incident=incident, category=category, status=status, source=source, override_reason=override_reason
        )
        for category in categories
    ]
