"""Writes of the risk app: tiers, requirement statuses, and tightening baselines for a scope of peers."""

import dataclasses
import datetime
import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from apps.accounts.roles import require_security_reviewer
from apps.core.exceptions import TransitionRefused
from apps.core.history import history_copy_rows
from apps.reviews.models import RiskException
from apps.vendors.choices import DocumentKind, Tier, VendorStatus
from apps.vendors.models import Vendor

from .choices import RequirementStatus, TierChangeCause
from .compliance import compliance_refresh
from .models import Baseline, SecurityRequirement, TierChange, Tightening, VendorRequirement
from .selectors import (
    baseline_current,
    requirement_effective_status,
    tier_categories_for_vendors,
    tier_categories_from_summaries,
    tier_inputs_for_vendor,
    tier_inputs_for_vendors,
    tightening_scope_clean,
    tightening_scope_vendors,
    unexpired_exception_q,
)
from .tiering import TierInputs, TierResult, compute_tier

logger = logging.getLogger(__name__)

# A new requirement status is due this long after it appears, unless the caller says otherwise.
REQUIREMENT_GRACE_DAYS = 90
# Vendors handled per bulk_create in a fan-out: large enough that 10,000 vendors take a handful of queries.
FANOUT_BATCH_SIZE = 5000


def _effective_change(*, vendor, new_tier, cause, inputs, actor, reason=""):
    """Store the effective tier and keep a TierChange when it moved. Returns the TierChange or None."""
    if vendor.tier == new_tier:
        return None
    change = TierChange.objects.create(
        vendor=vendor,
        from_tier=vendor.tier,
        to_tier=new_tier,
        cause=cause,
        inputs=inputs,
        reason=reason,
        changed_by=actor,
    )
    vendor.tier = new_tier
    return change


def _result_record(result: TierResult, categories=None):
    """What a TierChange keeps of a computation; `categories` fills inputs read without them."""
    inputs = result.inputs if categories is None else dataclasses.replace(result.inputs, categories=categories)
    return {**inputs.as_dict(), "computed_tier": result.tier, "reasons": result.reasons}


def _categories_of(vendor_id):
    return tier_categories_for_vendors(vendor_ids=[vendor_id]).get(vendor_id, ())


@transaction.atomic
def vendor_tier_recompute(*, vendor, actor=None) -> TierResult:
    """Compute the vendor's tier from the register; keep a TierChange when its effective tier moves.

    The effective tier is the override when one is set. A fixed number of queries whatever the vendor's flows.
    A terminated vendor keeps the tier it had while it held our data (its ended flows would otherwise say 4).
    When the effective tier moves, the statuses of the new tier's baseline are created.
    """
    locked = Vendor.objects.select_for_update().get(pk=vendor.pk)
    # The categories received are read only when the tier moves: they are for the TierChange's record.
    result = compute_tier(tier_inputs_for_vendor(vendor=locked, with_categories=False))
    if locked.status == VendorStatus.TERMINATED:
        return result  # frozen at termination: the tier it had while it held our data stays on record
    effective = locked.tier_override or result.tier
    if (locked.computed_tier, locked.tier) == (result.tier, effective):
        return result
    locked.computed_tier = result.tier
    changed = None
    if locked.tier != effective:
        record = _result_record(result, categories=_categories_of(locked.pk))
        changed = _effective_change(
            vendor=locked, new_tier=effective, cause=TierChangeCause.COMPUTED, inputs=record, actor=actor
        )
    locked._history_user = actor
    locked.save(update_fields=["computed_tier", "tier", "updated_at"])
    vendor.computed_tier, vendor.tier = locked.computed_tier, locked.tier
    if changed:
        vendor_requirements_ensure(vendor=locked)
    return result


@transaction.atomic
def tiers_recompute_all(*, actor=None, vendor_ids=None) -> dict:
    """Recompute the tier of every vendor (or of `vendor_ids`), set-based; terminated vendors stay frozen.

    The same outcome as vendor_tier_recompute on each vendor, in a fixed number of queries: the inputs of every
    vendor are gathered in a few queries (the categories received from the dashboard's summary rows, which every
    flow write keeps current), compute_tier runs per vendor in memory, the vendors whose tiers moved are written
    in a few UPDATEs with their history rows and TierChanges, and the consequences of a tier change
    (the new tier's requirement statuses) are applied once for the set of vendors that moved.
    Returns {vendors, changed}: changed counts effective tier moves.
    """
    vendors = Vendor.objects.select_for_update().exclude(status=VendorStatus.TERMINATED)
    if vendor_ids is not None:
        vendors = vendors.filter(pk__in=set(vendor_ids))
    current = {
        pk: (computed, tier, override)
        for pk, computed, tier, override in vendors.order_by("pk").values_list(
            "pk", "computed_tier", "tier", "tier_override"
        )
    }
    inputs = tier_inputs_for_vendors(vendor_ids=vendor_ids, with_categories=False, from_summaries=True)
    results, moved = {}, []
    for pk, (computed, tier, override) in current.items():
        result = compute_tier(inputs.get(pk, TierInputs()))
        effective = override or result.tier
        if (computed, tier) != (result.tier, effective):
            results[pk] = (result, effective, tier)
            if tier != effective:
                moved.append(pk)
    _tiers_write(results=results, moved=moved, actor=actor)
    vendor_requirements_ensure_for_vendors(vendor_ids=moved)
    return {"vendors": len(current), "changed": len(moved)}


def _tiers_write(*, results, moved, actor):
    """A few UPDATEs (one per pair of computed and effective tier, at most 16), the history rows save() would keep
    copied in SQL, and the TierChanges bulk-inserted in large batches. `results`: {pk: (result, effective tier,
    stored tier)}; no Vendor instance is built."""
    if not results:
        return
    categories = tier_categories_from_summaries(vendor_ids=moved) if moved else {}
    now = timezone.now()
    by_tiers: dict[tuple[int, int], list[int]] = {}
    for pk, (result, effective, _) in results.items():
        by_tiers.setdefault((result.tier, effective), []).append(pk)
    # Not bulk_update: its CASE WHEN per row is quadratic in the batch; the pairs of tiers are few.
    for (computed, effective), pks in sorted(by_tiers.items()):
        Vendor.objects.filter(pk__in=pks).update(computed_tier=computed, tier=effective, updated_at=now)
    history_copy_rows(model=Vendor, pks=results, actor=actor)
    changes = []
    for pk in moved:
        result, effective, stored = results[pk]
        changes.append(
            TierChange(
                vendor_id=pk,
                from_tier=stored,
                to_tier=effective,
                cause=TierChangeCause.COMPUTED,
                inputs=_result_record(result, categories=categories.get(pk, ())),
                changed_by=actor,
            )
        )
    TierChange.objects.bulk_create(changes, batch_size=FANOUT_BATCH_SIZE)


@transaction.atomic
def vendor_tier_override(*, vendor, tier, reason, actor) -> Vendor:
    """Set a manual tier. Raises PermissionDenied (not a security reviewer), ValidationError (tier, reason)."""
    require_security_reviewer(actor, "override a tier")
    if tier not in Tier.values:
        raise ValidationError({"tier": f"Tier must be one of {Tier.values}."})
    if not (reason or "").strip():
        raise ValidationError({"reason": "A tier override needs a reason."})
    locked = Vendor.objects.select_for_update().get(pk=vendor.pk)
    locked.tier_override, locked.tier_override_reason = tier, reason.strip()
    _effective_change(
        vendor=locked,
        new_tier=tier,
        cause=TierChangeCause.OVERRIDE,
        inputs={"computed_tier": locked.computed_tier},
        actor=actor,
        reason=reason.strip(),
    )
    locked.save(update_fields=["tier_override", "tier_override_reason", "tier", "updated_at"])
    vendor.tier, vendor.tier_override, vendor.tier_override_reason = tier, tier, locked.tier_override_reason
    vendor_requirements_ensure(vendor=locked)
    return locked


@transaction.atomic
def vendor_tier_override_clear(*, vendor, actor, reason="") -> Vendor:
    """Return to the computed tier. Raises PermissionDenied when the actor is not a security reviewer."""
    require_security_reviewer(actor, "clear a tier override")
    locked = Vendor.objects.select_for_update().get(pk=vendor.pk)
    if locked.tier_override is None:
        return locked
    locked.tier_override, locked.tier_override_reason = None, ""
    result = compute_tier(tier_inputs_for_vendor(vendor=locked))
    locked.computed_tier = result.tier
    _effective_change(
        vendor=locked,
        new_tier=result.tier,
        cause=TierChangeCause.OVERRIDE_CLEARED,
        inputs=_result_record(result),
        actor=actor,
        reason=reason,
    )
    locked.save(update_fields=["tier_override", "tier_override_reason", "computed_tier", "tier", "updated_at"])
    vendor.tier, vendor.computed_tier, vendor.tier_override, vendor.tier_override_reason = (
        locked.tier,
        locked.computed_tier,
        None,
        "",
    )
    vendor_requirements_ensure(vendor=locked)
    return locked


@transaction.atomic
def vendor_requirements_ensure(*, vendor, due_on=None) -> int:
    """Create the missing statuses (not met) of every requirement that applies to the vendor; returns how many.

    That is its tier's current baseline, plus every peer-scope tightening whose scope the vendor has entered
    since it was fanned out (a new client-side analytics vendor gets the rule that an incident at a peer added).
    """
    due_on = due_on or timezone.localdate() + datetime.timedelta(days=REQUIREMENT_GRACE_DAYS)
    baseline = baseline_current(tier=vendor.tier)
    wanted = {r.pk: None for r in baseline.requirements.all() if r.is_active} if baseline else {}
    for tightening in _scoped_tightenings_reaching(vendor):
        wanted.setdefault(tightening.requirement_id, tightening)
    existing = set(
        VendorRequirement.objects.filter(vendor=vendor, requirement_id__in=wanted).values_list(
            "requirement_id", flat=True
        )
    )
    missing = [
        VendorRequirement(
            vendor=vendor,
            requirement_id=pk,
            status=RequirementStatus.NOT_MET,
            due_on=due_on,
            tightening=wanted[pk],
        )
        for pk in sorted(set(wanted) - existing)
    ]
    VendorRequirement.objects.bulk_create(missing, ignore_conflicts=True)
    # Called after every tier move too: the vendor's statuses may now count under another tier.
    compliance_refresh(vendor_ids=[vendor.pk])
    return len(missing)


@transaction.atomic
def vendor_requirements_ensure_for_vendors(*, vendor_ids, due_on=None) -> int:
    """vendor_requirements_ensure for many vendors at once, in a fixed number of queries (plus one per peer-scope
    tightening, as for one vendor); returns how many statuses were created. Reads each vendor's stored tier."""
    if not vendor_ids:
        return 0
    due_on = due_on or timezone.localdate() + datetime.timedelta(days=REQUIREMENT_GRACE_DAYS)
    by_tier = {
        baseline.tier: [r.pk for r in baseline.requirements.all() if r.is_active]
        for baseline in Baseline.objects.current().prefetch_related("requirements")
    }
    wanted = {}
    for pk, tier in Vendor.objects.filter(pk__in=vendor_ids).values_list("pk", "tier"):
        wanted[pk] = dict.fromkeys(by_tier.get(tier, ()))
    for tightening, reached in _scoped_tightenings_reaching_vendors(list(wanted)):
        for pk in reached:
            wanted[pk].setdefault(tightening.requirement_id, tightening)
    requirement_ids = {requirement_id for per_vendor in wanted.values() for requirement_id in per_vendor}
    existing = set(
        VendorRequirement.objects.filter(vendor_id__in=list(wanted), requirement_id__in=requirement_ids).values_list(
            "vendor_id", "requirement_id"
        )
    )
    now = timezone.now()
    missing = [
        VendorRequirement(
            vendor_id=pk,
            requirement_id=requirement_id,
            status=RequirementStatus.NOT_MET,
            due_on=due_on,
            tightening=per_vendor[requirement_id],
            created_at=now,
            updated_at=now,
        )
        for pk, per_vendor in sorted(wanted.items())
        for requirement_id in sorted(per_vendor)
        if (pk, requirement_id) not in existing
    ]
    VendorRequirement.objects.bulk_create(missing, ignore_conflicts=True, batch_size=FANOUT_BATCH_SIZE)
    # The callers pass the vendors whose tier moved: their statuses count under their new tier.
    compliance_refresh(vendor_ids=wanted)
    return len(missing)


def _scoped_tightenings_reaching_vendors(vendor_ids):
    """(tightening, ids of these vendors its peer scope now includes), as _scoped_tightenings_reaching."""
    scoped = Tightening.objects.filter(requirement__is_active=True).exclude(scope={}).order_by("pk")
    for tightening in scoped:
        peer_scope = {key: value for key, value in tightening.scope.items() if key != "tier"}
        if not peer_scope:
            continue
        in_scope = tightening_scope_vendors(scope=peer_scope, tier=tightening.scope.get("tier"))
        reached = set(in_scope.filter(pk__in=vendor_ids).values_list("pk", flat=True))
        if reached:
            yield tightening, reached


def _scoped_tightenings_reaching(vendor):
    """Peer-scope tightenings (not those that only published a baseline) whose scope now includes the vendor.

    One query per such tightening: they are few (each is a reviewer's decision after an incident).
    """
    reaching = []
    scoped = Tightening.objects.filter(requirement__is_active=True).exclude(scope={}).order_by("pk")
    for tightening in scoped:
        peer_scope = {key: value for key, value in tightening.scope.items() if key != "tier"}
        if not peer_scope:
            continue
        in_scope = tightening_scope_vendors(scope=peer_scope, tier=tightening.scope.get("tier"))
        if in_scope.filter(pk=vendor.pk).exists():
            reaching.append(tightening)
    return reaching


@transaction.atomic
def vendor_requirement_record(
    *, vendor_requirement, status, actor, evidence=None, note="", verified_on=None
) -> VendorRequirement:
    """Record where a vendor stands on a requirement. Raises PermissionDenied, ValidationError (status, evidence).

    "Met" needs evidence, a document of the same vendor that has not expired: a claim without proof is not met.
    """
    require_security_reviewer(actor, "record a requirement status")
    if status not in RequirementStatus.values or status == RequirementStatus.EXCEPTION:
        raise ValidationError({"status": "Use one of met, not_met, in_progress; exceptions are granted on a review."})
    if status == RequirementStatus.MET and evidence is None:
        raise ValidationError({"evidence": "Met needs evidence: choose one of the vendor's documents."})
    if evidence is not None and evidence.vendor_id != vendor_requirement.vendor_id:
        raise ValidationError({"evidence": "The evidence belongs to another vendor."})
    if evidence is not None and evidence.expires_on and evidence.expires_on < timezone.localdate():
        raise ValidationError({"evidence": f"The evidence expired on {evidence.expires_on}."})
    vendor_requirement.status = status
    vendor_requirement.evidence = evidence
    vendor_requirement.note = note
    vendor_requirement.verified_by = actor
    vendor_requirement.verified_on = verified_on or timezone.localdate()
    vendor_requirement.save()
    compliance_refresh(vendor_ids=[vendor_requirement.vendor_id])
    return vendor_requirement


@transaction.atomic
def vendor_requirements_mark_met(*, vendor, vendor_requirements, evidence, actor, note="") -> list[VendorRequirement]:
    """Mark several of one vendor's requirements met with one piece of its evidence: all or nothing.

    Raises ValidationError (vendor_requirements: none chosen, or one of another vendor; evidence: as
    vendor_requirement_record) and PermissionDenied.
    """
    vendor_requirements = list(vendor_requirements)
    if not vendor_requirements:
        raise ValidationError({"vendor_requirements": "Choose at least one requirement."})
    if any(status.vendor_id != vendor.pk for status in vendor_requirements):
        raise ValidationError({"vendor_requirements": "A requirement status belongs to another vendor."})
    return [
        vendor_requirement_record(
            vendor_requirement=status, status=RequirementStatus.MET, actor=actor, evidence=evidence, note=note
        )
        for status in vendor_requirements
    ]


@transaction.atomic
def requirement_statuses_sweep(*, today=None) -> int:
    """Turn statuses whose evidence expired, or whose exception lapsed, into not met. Returns how many changed.

    The history keeps each change (bulk_update_with_history), so the register says when and why it lapsed.
    """
    today = today or timezone.localdate()
    candidates = (
        VendorRequirement.objects.filter(status__in=[RequirementStatus.MET, RequirementStatus.EXCEPTION])
        .select_related("evidence")
        .order_by("pk")
    )
    candidates = candidates.annotate(
        has_valid_exception=Exists(
            RiskException.objects.filter(unexpired_exception_q(today=today), vendor_requirement=OuterRef("pk"))
        )
    )
    # Only the rows that may lapse reach Python (the same rule as requirement_effective_status, checked again
    # below): the tens of thousands of statuses still met are not loaded by every daily run.
    candidates = candidates.filter(
        Q(status=RequirementStatus.MET, evidence__expires_on__lt=today)
        | Q(status=RequirementStatus.EXCEPTION, has_valid_exception=False)
    )
    lapsed = []
    # A plain query, not .iterator(): a server-side cursor is planned for its first rows (cursor_tuple_fraction)
    # and walked the whole table in pk order, 1.2 s at 10k vendors with nothing to lapse; the rows that reach
    # Python are only those that lapse today.
    for status in candidates:
        if requirement_effective_status(status, today=today) == RequirementStatus.NOT_MET:
            status.note = f"Lapsed on {today}: was {status.status}. {status.note}".strip()
            status.status = RequirementStatus.NOT_MET
            lapsed.append(status)
    bulk_update_with_history(lapsed, VendorRequirement, ["status", "note"], batch_size=FANOUT_BATCH_SIZE)
    compliance_refresh(vendor_ids={status.vendor_id for status in lapsed})
    return len(lapsed)


def _requirement_fields(*, title, description, evidence_kinds, control_mappings):
    """The checked, normalised editable fields of a requirement; raises ValidationError naming each bad one."""
    errors = {}
    if not (title or "").strip():
        errors["title"] = "A requirement needs a title."
    evidence_kinds = list(evidence_kinds or [])
    unknown = sorted(set(evidence_kinds) - set(DocumentKind.values))
    if unknown:
        errors["evidence_kinds"] = f"Unknown document kinds: {', '.join(map(str, unknown))}."
    control_mappings = list(control_mappings or [])
    if not all(isinstance(m, str) and m.strip() for m in control_mappings):
        errors["control_mappings"] = 'Each mapped control is a non-empty text, e.g. "ISO27001:A.5.19".'
    if errors:
        raise ValidationError(errors)
    return {
        "title": title.strip(),
        "description": description or "",
        "evidence_kinds": evidence_kinds,
        "control_mappings": [m.strip() for m in control_mappings],
    }


@transaction.atomic
def requirement_create(
    *, code, title, actor, description="", evidence_kinds=(), control_mappings=(), is_active=True
) -> SecurityRequirement:
    """Add a requirement to the catalogue. Raises PermissionDenied, ValidationError (code, title, evidence_kinds,
    control_mappings). It applies to vendors once a baseline or a tightening names it."""
    require_security_reviewer(actor, "add a security requirement")
    code = (code or "").strip()
    if not code:
        raise ValidationError({"code": "A requirement needs a code."})
    if SecurityRequirement.objects.filter(code=code).exists():
        raise ValidationError({"code": f"A requirement with code {code!r} already exists."})
    fields = _requirement_fields(
        title=title, description=description, evidence_kinds=evidence_kinds, control_mappings=control_mappings
    )
    requirement = SecurityRequirement(code=code, is_active=is_active, **fields)
    requirement.full_clean()
    requirement._history_user = actor
    requirement.save()
    return requirement


_UNCHANGED = object()


@transaction.atomic
def requirement_update(
    *,
    requirement,
    actor,
    title=_UNCHANGED,
    description=_UNCHANGED,
    evidence_kinds=_UNCHANGED,
    control_mappings=_UNCHANGED,
    is_active=_UNCHANGED,
) -> SecurityRequirement:
    """Change a requirement's text, evidence kinds, mappings or whether it is active; the code never changes
    (baselines, fixtures and exports name it). Raises PermissionDenied, ValidationError as requirement_create."""
    require_security_reviewer(actor, "change a security requirement")
    locked = SecurityRequirement.objects.select_for_update().get(pk=requirement.pk)

    def given(value, current):
        return current if value is _UNCHANGED else value

    fields = _requirement_fields(
        title=given(title, locked.title),
        description=given(description, locked.description),
        evidence_kinds=given(evidence_kinds, locked.evidence_kinds),
        control_mappings=given(control_mappings, locked.control_mappings),
    )
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.is_active = given(is_active, locked.is_active)
    locked._history_user = actor
    locked.save()
    return locked


@transaction.atomic
def baseline_publish(*, tier, name, review_cadence_months, requirements, actor, description="") -> Baseline:
    """Publish the next version of a tier's baseline with exactly `requirements`; it becomes the current one and
    the previous version stays readable. Vendors get the new statuses when their reviews open (as for a tier
    change). Raises PermissionDenied, ValidationError (tier, name, review_cadence_months, requirements)."""
    require_security_reviewer(actor, "publish a baseline")
    errors = {}
    if tier not in Tier.values:
        errors["tier"] = f"Tier must be one of {Tier.values}."
    if not (name or "").strip():
        errors["name"] = "A baseline needs a name."
    if not review_cadence_months or review_cadence_months < 1:
        errors["review_cadence_months"] = "The review cadence is at least one month."
    requirements = list(requirements or [])
    inactive = sorted(r.code for r in requirements if not r.is_active)
    if inactive:
        errors["requirements"] = f"Inactive requirements cannot be required: {', '.join(inactive)}."
    if errors:
        raise ValidationError(errors)
    current = Baseline.objects.select_for_update().filter(tier=tier, is_current=True).first()
    newest = Baseline.objects.filter(tier=tier).order_by("-version").values_list("version", flat=True).first()
    if current is not None:
        Baseline.objects.filter(pk=current.pk).update(is_current=False)
    published = Baseline(
        tier=tier,
        version=(newest or 0) + 1,
        name=name.strip(),
        description=description or "",
        review_cadence_months=review_cadence_months,
        is_current=True,
        published_at=timezone.now(),
    )
    published._history_user = actor
    published.save()
    published.requirements.set(requirements)
    return published


@transaction.atomic
def baseline_update(
    *, baseline, actor, name=_UNCHANGED, description=_UNCHANGED, review_cadence_months=_UNCHANGED
) -> Baseline:
    """Rename, re-describe or re-pace a baseline. What it requires, its tier and version are the published
    record: change them by publishing a new version. Raises PermissionDenied, ValidationError (name,
    review_cadence_months)."""
    require_security_reviewer(actor, "change a baseline")
    locked = Baseline.objects.select_for_update().get(pk=baseline.pk)
    if name is not _UNCHANGED:
        if not (name or "").strip():
            raise ValidationError({"name": "A baseline needs a name."})
        locked.name = name.strip()
    if description is not _UNCHANGED:
        locked.description = description or ""
    if review_cadence_months is not _UNCHANGED:
        if not review_cadence_months or review_cadence_months < 1:
            raise ValidationError({"review_cadence_months": "The review cadence is at least one month."})
        locked.review_cadence_months = review_cadence_months
    locked._history_user = actor
    locked.save(update_fields=["name", "description", "review_cadence_months", "updated_at"])
    return locked


@transaction.atomic
def baseline_tighten(*, requirement, actor, tier=None, scope=None, reason="", due_on=None, incident=None) -> Tightening:
    """Require more: publish a new baseline version for `tier` with `requirement` added, and/or add the
    requirement to every vendor matching the peer `scope` ({category, mechanism, data_categories}, combined
    with AND). The statuses are created by a Celery task after commit (apps.risk.tasks.tightening_fan_out).

    Raises PermissionDenied (not a security reviewer) and ValidationError (requirement, tier, scope, due_on).
    """
    require_security_reviewer(actor, "tighten a baseline")
    if isinstance(requirement, str):
        requirement = SecurityRequirement.objects.filter(code=requirement, is_active=True).first()
    if requirement is None or not requirement.is_active:
        raise ValidationError({"requirement": "An active requirement is needed."})
    scope = tightening_scope_clean(scope)
    if tier is None and not scope:
        raise ValidationError({"scope": "Name a tier, a scope of peers, or both."})
    if tier is not None and tier not in Tier.values:
        raise ValidationError({"tier": f"Tier must be one of {Tier.values}."})
    today = timezone.localdate()
    if due_on is not None and due_on <= today:
        raise ValidationError({"due_on": "The due date must be in the future."})

    published = None
    if tier is not None:
        published = _baseline_publish_with(tier=tier, requirement=requirement, reason=reason)
    tightening = Tightening.objects.create(
        requirement=requirement,
        baseline=published,
        scope={**scope, **({"tier": tier} if tier is not None else {})},
        reason=reason,
        due_on=due_on or today + datetime.timedelta(days=REQUIREMENT_GRACE_DAYS),
        incident=incident,
        created_by=actor,
    )
    from .tasks import tightening_fan_out

    transaction.on_commit(lambda: tightening_fan_out.delay(tightening.pk))
    return tightening


def _baseline_publish_with(*, tier, requirement, reason):
    """Publish the next version of a tier's baseline: the current requirements plus one. Old versions stay."""
    current = Baseline.objects.select_for_update().filter(tier=tier, is_current=True).first()
    if current is None:
        raise ValidationError({"tier": f"Tier {tier} has no baseline to tighten."})
    if current.requirements.filter(pk=requirement.pk).exists():
        return current
    now = timezone.now()
    Baseline.objects.filter(pk=current.pk).update(is_current=False)
    published = Baseline.objects.create(
        tier=tier,
        version=current.version + 1,
        name=f"{current.name.split(' v')[0]} v{current.version + 1}",
        description=f"v{current.version} plus {requirement.code}. {reason}".strip(),
        review_cadence_months=current.review_cadence_months,
        is_current=True,
        published_at=now,
    )
    published.requirements.set([*current.requirements.all(), requirement])
    return published


@transaction.atomic
def tightening_fan_out_request(*, tightening, actor) -> Tightening:
    """Run a tightening's fan-out again (after commit, as a Celery task): vendors that entered its scope since get
    the requirement; the others already have it, so nothing is created twice. Raises PermissionDenied, and
    TransitionRefused requirement_inactive once its requirement was retired (it no longer applies to anyone)."""
    require_security_reviewer(actor, "fan out a tightening")
    if not SecurityRequirement.objects.filter(pk=tightening.requirement_id, is_active=True).exists():
        raise TransitionRefused(
            "Its requirement is no longer active: a retired requirement is not fanned out.",
            code="requirement_inactive",
        )
    from .tasks import tightening_fan_out as task

    pk = tightening.pk
    transaction.on_commit(lambda: task.delay(pk))
    return tightening


def tightening_fan_out(*, tightening_id) -> dict:
    """Create the missing statuses of a tightening's requirement for every vendor in its scope.

    Idempotent (a second run creates nothing) and bulk: the query count depends on the number of batches
    of FANOUT_BATCH_SIZE vendors, not on the number of vendors. Returns {vendors_in_scope, statuses_created}.
    Each batch is its own transaction, so a retry after a crash resumes rather than restarts.
    """
    tightening = Tightening.objects.select_related("requirement").get(pk=tightening_id)
    scope = dict(tightening.scope)
    tier = scope.pop("tier", None)
    vendor_ids = list(tightening_scope_vendors(scope=scope, tier=tier).values_list("pk", flat=True))
    created_before = VendorRequirement.objects.filter(tightening=tightening).count()
    for start in range(0, len(vendor_ids), FANOUT_BATCH_SIZE):
        batch = vendor_ids[start : start + FANOUT_BATCH_SIZE]
        with transaction.atomic():
            have = set(
                VendorRequirement.objects.filter(
                    requirement_id=tightening.requirement_id, vendor_id__in=batch
                ).values_list("vendor_id", flat=True)
            )
            now = timezone.now()
            VendorRequirement.objects.bulk_create(
                [
                    VendorRequirement(
                        vendor_id=vendor_id,
                        requirement_id=tightening.requirement_id,
                        status=RequirementStatus.NOT_MET,
                        due_on=tightening.due_on,
                        tightening=tightening,
                        note=f"Added by tightening #{tightening.pk}",
                        created_at=now,
                        updated_at=now,
                    )
                    for vendor_id in batch
                    if vendor_id not in have
                ],
                ignore_conflicts=True,
                batch_size=FANOUT_BATCH_SIZE,
            )
            compliance_refresh(vendor_ids=batch)
    created = VendorRequirement.objects.filter(tightening=tightening).count() - created_before
    Tightening.objects.filter(pk=tightening.pk).update(
        vendors_in_scope=len(vendor_ids), statuses_created=created_before + created, fanned_out_at=timezone.now()
    )
    counts = {"vendors_in_scope": len(vendor_ids), "statuses_created": created}
    logger.info("tightening %s fanned out: %s", tightening.pk, counts)
    return counts
