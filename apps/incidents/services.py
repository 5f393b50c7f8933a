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
    Incident,
    IncidentExposure,
    IncidentSource,
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
) -> Incident:
    """Record an incident against a vendor and send `incident_recorded`.

    Raises ValidationError (per field) on a bad severity or status, times before the vendor's detection,
    flows that do not go to this vendor, or a slug already taken.
    """
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


def _check_source(*, incident, source, field="source"):
    if source is not None and source.incident_id != incident.pk:
        raise ValidationError({field: f"“{source}” is not a source of this incident."})


def _exposure_write(*, incident, category, status, source, override_reason):
    """Create or update one exposure row (validated by the model); returns (exposure, previous status)."""
    if status not in ExposureStatus.values:
        raise ValidationError({"status": f"“{status}” is not an exposure status ({', '.join(ExposureStatus.values)})."})
    _check_source(incident=incident, source=source)
    exposure = IncidentExposure.objects.filter(incident=incident, category=category).first()
    previous = exposure.status if exposure else None
    if exposure is None:
        exposure = IncidentExposure(incident=incident, category=category)
    exposure.status = status
    exposure.source = source
    exposure.override_reason = override_reason
    exposure.full_clean(validate_unique=False)
    exposure.save()
    return exposure, previous


@transaction.atomic
def exposure_set(
    *,
    incident: Incident,
    category: DataCategory,
    status: str,
    source: IncidentSource | None,
    override_reason: str = "",
) -> IncidentExposure:
    """Set what the incident did to one data category, backed by a source.

    Raises ValidationError on `override_reason` when the category is marked exposed or suspected though no
    data flow ever sent it to the vendor (the data map contradicts it) and no reason is given; on `source`
    when it belongs to another incident; on `status` when it is not an exposure status.
    """
    exposure, _ = _exposure_write(
        incident=incident, category=category, status=status, source=source, override_reason=override_reason
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
