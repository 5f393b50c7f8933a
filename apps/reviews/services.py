"""Writes of the reviews app: opening reviews, moving them through apps.reviews.workflow, findings, risk
exceptions, the response to a serious incident, and offboarding.
"""

import calendar
import datetime
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from apps.accounts.roles import is_security_reviewer, require_security_reviewer
from apps.core.exceptions import TransitionRefused
from apps.datamap.models import DataFlow
from apps.incidents.choices import Severity
from apps.incidents.delays import notification_delays
from apps.risk.choices import RequirementStatus
from apps.risk.compliance import compliance_refresh
from apps.risk.selectors import baseline_current, unmet_requirement_codes
from apps.risk.services import vendor_requirements_ensure
from apps.vendors.choices import DocumentKind, VendorStatus
from apps.vendors.models import Vendor
from apps.vendors.workflow import vendor_status_change

from .choices import FindingSeverity, FindingStatus, ReviewKind
from .models import Finding, OffboardingChecklist, Review, ReviewTransition, RiskException
from .selectors import offboarding_missing_steps, requirement_codes_excepted_only_by
from .signals import review_state_changed
from .workflow import TRANSITIONS, check_move

logger = logging.getLogger(__name__)

LATE_NOTIFICATION_FINDING = "late-breach-notification"
# Days the vendor gets to fix a finding the register raises itself.
FINDING_DUE_DAYS = {FindingSeverity.CRITICAL: 14, FindingSeverity.HIGH: 30, FindingSeverity.MEDIUM: 60}


@transaction.atomic
def review_open(*, vendor, kind, requested_by, incident=None) -> Review:
    """Open a draft review of the vendor against its current tier and baseline, creating missing statuses.

    An incident-triggered review is opened once per incident: a second call returns the first review.
    Raises ValidationError (kind, incident).
    """
    if kind not in ReviewKind.values:
        raise ValidationError({"kind": f"Kind must be one of {', '.join(ReviewKind.values)}."})
    if kind == ReviewKind.INCIDENT:
        if incident is None:
            raise ValidationError({"incident": "An incident-triggered review needs its incident."})
        existing = Review.objects.filter(kind=kind, incident=incident).first()
        if existing is not None:
            return existing
    if incident is not None and incident.vendor_id != vendor.pk:
        raise ValidationError({"incident": "The incident is about another vendor."})
    baseline = baseline_current(tier=vendor.tier)
    vendor_requirements_ensure(vendor=vendor)
    return Review.objects.create(
        vendor=vendor,
        kind=kind,
        tier=vendor.tier,
        baseline=baseline,
        incident=incident,
        requested_by=requested_by,
        due_on=timezone.localdate() + datetime.timedelta(days=30),
    )


_UNCHANGED = object()
DECIDED_STATES = frozenset(t.target for t in TRANSITIONS.values() if t.decision)


@transaction.atomic
def review_update(*, review, actor, summary=_UNCHANGED, due_on=_UNCHANGED, conditions=_UNCHANGED) -> Review:
    """Edit a review's summary, due date and, until it is decided, its conditions. The state, vendor, kind and
    pinned tier move only through the workflow. Raises PermissionDenied (neither requester nor security
    reviewer), ValidationError (due_on), TransitionRefused review_decided (conditions of a decided review)."""
    locked = Review.objects.select_for_update().get(pk=review.pk)
    if not (is_security_reviewer(actor) or (actor is not None and actor.pk == locked.requested_by_id)):
        raise PermissionDenied("Only the requester or a security reviewer may edit this review.")
    fields = []
    if summary is not _UNCHANGED and summary != locked.summary:
        locked.summary, fields = summary or "", [*fields, "summary"]
    if due_on is not _UNCHANGED and due_on != locked.due_on:
        if due_on is not None and due_on < timezone.localdate():
            raise ValidationError({"due_on": "The due date cannot be in the past."})
        locked.due_on, fields = due_on, [*fields, "due_on"]
    if conditions is not _UNCHANGED and (conditions or "") != locked.conditions:
        if locked.state in DECIDED_STATES:
            raise TransitionRefused(
                "The conditions of a decided review are the decision's record; they no longer change.",
                code="review_decided",
            )
        locked.conditions, fields = conditions or "", [*fields, "conditions"]
    if fields:
        locked._history_user = actor
        locked.save(update_fields=[*fields, "updated_at"])
    return locked


def _move(*, review, action, actor, note="", before=None) -> Review:
    """Lock the review, check the move and the actor, run `before(locked)`, write the transition, send the signal."""
    locked = Review.objects.select_for_update().select_related("vendor").get(pk=review.pk)
    transition = check_move(action, locked.state)
    if transition.reviewer_only:
        require_security_reviewer(actor, transition.label.lower())
    elif not (is_security_reviewer(actor) or (actor is not None and actor.pk == locked.requested_by_id)):
        raise PermissionDenied("Only the requester or a security reviewer may submit this review.")
    if before is not None:
        before(locked)
    from_state = locked.state
    locked.state = transition.target
    update_fields = ["state", "updated_at"]
    if transition.decision:
        locked.decided_by, locked.decided_at = actor, timezone.now()
        update_fields += ["decided_by", "decided_at", "tier", "baseline", "conditions"]
    locked._history_user = actor
    locked.save(update_fields=update_fields)
    ReviewTransition.objects.create(review=locked, from_state=from_state, to_state=locked.state, actor=actor, note=note)
    review_state_changed.send(sender=Review, review=locked, from_state=from_state, to_state=locked.state, actor=actor)
    for field in ("state", "decided_by", "decided_at", "tier", "baseline_id", "conditions"):
        setattr(review, field, getattr(locked, field))
    return locked


@transaction.atomic
def review_submit(*, review, actor, note="") -> Review:
    """draft → submitted. Raises TransitionRefused, PermissionDenied (neither requester nor security reviewer)."""
    return _move(review=review, action="submit", actor=actor, note=note)


@transaction.atomic
def review_start(*, review, actor, note="") -> Review:
    """submitted → in review. Raises TransitionRefused, PermissionDenied (not a security reviewer)."""
    return _move(review=review, action="start", actor=actor, note=note)


def _check_approvable(review, actor):
    """The approval rules. The review is re-pinned to the vendor's current tier and baseline, so what is
    approved is exactly what the vendor gate will ask for."""
    if review.requested_by_id is not None and actor.pk == review.requested_by_id:
        raise TransitionRefused("The requester of a review cannot approve it.", code="approver_is_requester")
    vendor = review.vendor
    review.tier = vendor.tier
    review.baseline = baseline_current(tier=vendor.tier)
    if review.baseline is None:
        raise TransitionRefused(
            f"{vendor} has no current baseline for tier {vendor.tier}; compute its tier first.", code="no_baseline"
        )
    vendor_requirements_ensure(vendor=vendor)
    unmet = unmet_requirement_codes(vendor=vendor, baseline=review.baseline)
    if unmet:
        raise TransitionRefused(
            f"Cannot approve: {len(unmet)} requirement(s) neither met nor covered by an unexpired exception "
            f"granted by a security reviewer: {', '.join(unmet)}.",
            code="requirements_not_met",
        )
    # Four eyes: a gap the approver excepted themselves needs a second reviewer's approval.
    self_excepted = requirement_codes_excepted_only_by(vendor=vendor, baseline=review.baseline, grantor=actor)
    if self_excepted:
        raise TransitionRefused(
            f"You granted the exception(s) this approval relies on ({', '.join(self_excepted)}); another security "
            "reviewer must approve.",
            code="approver_granted_exception",
        )


def _activate_after_approval(review, actor):
    """An approval lets the vendor go ahead: onboarding/under review → active, proposed → onboarding."""
    vendor = review.vendor
    if review.kind == ReviewKind.OFFBOARDING:
        return
    if vendor.status in (VendorStatus.ONBOARDING, VendorStatus.UNDER_REVIEW):
        vendor_status_change(vendor=vendor, to_status=VendorStatus.ACTIVE, actor=actor)
    elif vendor.status == VendorStatus.PROPOSED:
        vendor_status_change(vendor=vendor, to_status=VendorStatus.ONBOARDING, actor=actor)


@transaction.atomic
def review_approve(*, review, actor, note="") -> Review:
    """in review → approved, then the vendor moves on (see _activate_after_approval).

    Raises PermissionDenied (not a security reviewer) and TransitionRefused: illegal_transition,
    approver_is_requester, no_baseline, requirements_not_met, approver_granted_exception (the approver granted an
    exception the approval relies on; both messages list the requirement codes).
    """
    locked = _move(
        review=review, action="approve", actor=actor, note=note, before=lambda r: _check_approvable(r, actor)
    )
    _activate_after_approval(locked, actor)
    return locked


@transaction.atomic
def review_approve_with_conditions(*, review, actor, note="", conditions="") -> Review:
    """in review → approved with conditions. Conditions come from `conditions` or the review's own field.

    The baseline still applies in full: conditions are obligations on top, not a way around a requirement
    (a gap needs a time-boxed exception). Raises as review_approve, plus TransitionRefused conditions_required.
    """

    def before(locked):
        text = (conditions or locked.conditions).strip()
        if not text:
            raise TransitionRefused("Approval with conditions needs the conditions.", code="conditions_required")
        _check_approvable(locked, actor)
        locked.conditions = text

    locked = _move(review=review, action="approve_with_conditions", actor=actor, note=note, before=before)
    _activate_after_approval(locked, actor)
    return locked


@transaction.atomic
def review_reject(*, review, actor, note="") -> Review:
    """in review → rejected. Raises TransitionRefused, PermissionDenied (not a security reviewer)."""
    return _move(review=review, action="reject", actor=actor, note=note)


SERVICES_BY_ACTION = {
    "submit": review_submit,
    "start": review_start,
    "approve": review_approve,
    "approve_with_conditions": review_approve_with_conditions,
    "reject": review_reject,
}
assert set(SERVICES_BY_ACTION) == set(TRANSITIONS), "every transition of the table needs its service"


@transaction.atomic
def finding_raise(*, review, title, severity, actor=None, code="", description="", owner=None, due_on=None) -> Finding:
    """Raise a finding on a review. With a `code`, a review holds it once: a second call returns the first.

    Raises ValidationError (title, severity, due_on).
    """
    if not (title or "").strip():
        raise ValidationError({"title": "A finding needs a title."})
    if severity not in FindingSeverity.values:
        raise ValidationError({"severity": f"Severity must be one of {', '.join(FindingSeverity.values)}."})
    if due_on is not None and due_on < timezone.localdate():
        raise ValidationError({"due_on": "The due date cannot be in the past."})
    if code:
        existing = Finding.objects.filter(review=review, code=code).first()
        if existing is not None:
            return existing
    if due_on is None and severity in FINDING_DUE_DAYS:
        due_on = timezone.localdate() + datetime.timedelta(days=FINDING_DUE_DAYS[severity])
    finding = Finding(
        review=review,
        code=code,
        title=title.strip(),
        description=description,
        severity=severity,
        owner=owner or review.vendor.owner,
        due_on=due_on,
    )
    finding._history_user = actor
    finding.save()
    return finding


@transaction.atomic
def finding_update(
    *,
    finding,
    actor,
    title=_UNCHANGED,
    description=_UNCHANGED,
    severity=_UNCHANGED,
    owner=_UNCHANGED,
    due_on=_UNCHANGED,
) -> Finding:
    """Edit what a finding says and who owns it by when. Its review, code and status are not edited here (the
    status moves through finding_set_status). Raises PermissionDenied, ValidationError (title, severity, due_on)."""
    require_security_reviewer(actor, "change a finding")
    locked = Finding.objects.select_for_update().get(pk=finding.pk)
    if title is not _UNCHANGED:
        if not (title or "").strip():
            raise ValidationError({"title": "A finding needs a title."})
        locked.title = title.strip()
    if severity is not _UNCHANGED:
        if severity not in FindingSeverity.values:
            raise ValidationError({"severity": f"Severity must be one of {', '.join(FindingSeverity.values)}."})
        locked.severity = severity
    if due_on is not _UNCHANGED:
        if due_on is not None and due_on != locked.due_on and due_on < timezone.localdate():
            raise ValidationError({"due_on": "The due date cannot be in the past."})
        locked.due_on = due_on
    if description is not _UNCHANGED:
        locked.description = description or ""
    if owner is not _UNCHANGED:
        locked.owner = owner
    locked._history_user = actor
    locked.save()
    return locked


@transaction.atomic
def finding_set_status(*, finding, status, actor) -> Finding:
    """Move a finding (open, in progress, resolved, risk accepted). Raises PermissionDenied, ValidationError."""
    require_security_reviewer(actor, "change a finding")
    if status not in FindingStatus.values:
        raise ValidationError({"status": f"Status must be one of {', '.join(FindingStatus.values)}."})
    finding.status = status
    finding._history_user = actor
    finding.save(update_fields=["status", "updated_at"])
    return finding


@transaction.atomic
def exception_grant(*, review, vendor_requirement, justification, expires_on, actor) -> RiskException:
    """Accept, until `expires_on`, that the vendor does not meet one requirement; its status becomes exception.

    Raises PermissionDenied (not a security reviewer) and ValidationError (justification: fewer than
    EXCEPTION_MIN_JUSTIFICATION_CHARS letters or digits; expires_on: not in the future, or beyond
    EXCEPTION_MAX_MONTHS; vendor_requirement: it must belong to the review's vendor).
    """
    require_security_reviewer(actor, "grant a risk exception")
    minimum = settings.EXCEPTION_MIN_JUSTIFICATION_CHARS
    # Letters and digits only: "." or a line of dashes says nothing a second reviewer could judge.
    if sum(character.isalnum() for character in justification or "") < minimum:
        raise ValidationError(
            {"justification": f"Say why the gap is acceptable, in at least {minimum} letters or digits."}
        )
    today = timezone.localdate()
    if expires_on is None or expires_on <= today:
        raise ValidationError({"expires_on": "An exception must expire in the future."})
    latest = _months_after(today, settings.EXCEPTION_MAX_MONTHS)
    if expires_on > latest:
        raise ValidationError(
            {
                "expires_on": f"An exception lasts at most {settings.EXCEPTION_MAX_MONTHS} months "
                f"(until {latest.isoformat()}); grant a new one when it ends."
            }
        )
    if vendor_requirement.vendor_id != review.vendor_id:
        raise ValidationError({"vendor_requirement": "This requirement status belongs to another vendor."})
    exception = RiskException(
        review=review,
        vendor_requirement=vendor_requirement,
        justification=justification.strip(),
        approved_by=actor,
        expires_on=expires_on,
    )
    exception._history_user = actor
    exception.save()
    vendor_requirement.status = RequirementStatus.EXCEPTION
    vendor_requirement.save(update_fields=["status", "updated_at"])
    compliance_refresh(vendor_ids=[vendor_requirement.vendor_id])
    return exception


def _months_after(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, or that month's last day (31 January + 1 month is 28 or 29 February)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@transaction.atomic
def incident_response_open(*, incident, actor=None) -> Review | None:
    """For a high or critical incident: vendor under review, an incident-triggered review, and a finding when
    the vendor told us later than its contract allows. Idempotent; returns the review (None below high).
    """
    if incident.severity not in (Severity.HIGH, Severity.CRITICAL):
        return None
    vendor = Vendor.objects.select_for_update().get(pk=incident.vendor_id)  # fresh: the caller's copy may be stale
    if vendor.status == VendorStatus.ACTIVE:
        vendor_status_change(vendor=vendor, to_status=VendorStatus.UNDER_REVIEW, actor=actor, system=True)
    review = review_open(vendor=vendor, kind=ReviewKind.INCIDENT, requested_by=actor, incident=incident)
    delays = notification_delays(incident)
    delay_hours, clause_hours = delays.delay_hours, delays.contract_clause_hours
    if delays.contract_breached:
        finding_raise(
            review=review,
            code=LATE_NOTIFICATION_FINDING,
            title=f"{vendor} notified us {delay_hours:.0f} h after detection; the contract allows {clause_hours} h",
            description=(
                f"Incident {incident.slug}: the vendor detected the breach at {incident.vendor_detected_at:%Y-%m-%d}"
                f" and told us {delay_hours:.0f} hours later, beyond the {clause_hours}-hour breach-notification"
                " clause of its contract (and GDPR Art. 33's 72 hours for us as controller)."
            ),
            severity=FindingSeverity.HIGH,
            actor=actor,
        )
    return review


@transaction.atomic
def offboarding_start(*, vendor, actor, reason="") -> OffboardingChecklist:
    """Move the vendor to offboarding and open its checklist (idempotent for a vendor already offboarding).

    Raises PermissionDenied, TransitionRefused (e.g. a terminated vendor).
    """
    require_security_reviewer(actor, "start offboarding")
    vendor = Vendor.objects.select_for_update().get(pk=vendor.pk)
    if vendor.status != VendorStatus.OFFBOARDING:
        vendor_status_change(vendor=vendor, to_status=VendorStatus.OFFBOARDING, actor=actor)
    checklist, created = OffboardingChecklist.objects.get_or_create(vendor=vendor, defaults={"reason": reason})
    return checklist


@transaction.atomic
def offboarding_reason_update(*, checklist, reason, actor) -> OffboardingChecklist:
    """Reword why a vendor is being offboarded. Raises PermissionDenied."""
    require_security_reviewer(actor, "change an offboarding checklist")
    locked = OffboardingChecklist.objects.select_for_update().get(pk=checklist.pk)
    locked.reason = reason or ""
    locked._history_user = actor
    locked.save(update_fields=["reason", "updated_at"])
    return locked


OFFBOARDING_STEP_FIELDS = {
    "removed_from_production": "removed_from_production_at",
    "access_revoked": "access_revoked_at",
    "data_returned": "data_returned_at",
}


@transaction.atomic
def offboarding_step_mark(*, vendor, step, actor, deletion_certificate=None, at=None) -> OffboardingChecklist:
    """Tick one step at `at` (default now, never in the future): removed_from_production, access_revoked,
    data_returned, or deletion_certificate (with the Document).

    Raises PermissionDenied, ValidationError (step, at, deletion_certificate), TransitionRefused when the
    vendor is not offboarding.
    """
    require_security_reviewer(actor, "record an offboarding step")
    checklist = OffboardingChecklist.objects.select_for_update().select_related("vendor").filter(vendor=vendor).first()
    if checklist is None or checklist.vendor.status != VendorStatus.OFFBOARDING:
        raise TransitionRefused(f"{vendor} is not being offboarded.", code="not_offboarding")
    if step == "deletion_certificate":
        if deletion_certificate is None or deletion_certificate.kind != DocumentKind.DELETION_CERTIFICATE:
            raise ValidationError({"deletion_certificate": "Attach a document of kind deletion certificate."})
        if deletion_certificate.vendor_id != vendor.pk:
            raise ValidationError({"deletion_certificate": "The certificate belongs to another vendor."})
        checklist.deletion_certificate = deletion_certificate
    elif step in OFFBOARDING_STEP_FIELDS:
        if at is not None and at > timezone.now():
            raise ValidationError({"at": "An offboarding step cannot be recorded in the future."})
        field = OFFBOARDING_STEP_FIELDS[step]
        if getattr(checklist, field) is None:
            setattr(checklist, field, at or timezone.now())
    else:
        choices = ", ".join([*OFFBOARDING_STEP_FIELDS, "deletion_certificate"])
        raise ValidationError({"step": f"Unknown step {step!r}; one of {choices}."})
    checklist._history_user = actor
    checklist.save()
    return checklist


@transaction.atomic
def vendor_terminate(*, vendor, actor) -> OffboardingChecklist:
    """Terminate an offboarded vendor: status terminated, every open flow ends on the day the vendor was
    removed from production. Nothing is deleted.

    Raises PermissionDenied, TransitionRefused (offboarding_incomplete, illegal_vendor_transition).
    """
    require_security_reviewer(actor, "terminate a vendor")
    missing = offboarding_missing_steps(vendor=vendor)
    if missing:
        raise TransitionRefused(
            f"{vendor} cannot be terminated: offboarding still needs {', '.join(missing)}.",
            code="offboarding_incomplete",
        )
    vendor_status_change(vendor=vendor, to_status=VendorStatus.TERMINATED, actor=actor)
    checklist = OffboardingChecklist.objects.get(vendor=vendor)
    # The data stopped flowing when the vendor left production: that is the flows' true end date.
    ended_on = timezone.localdate(checklist.removed_from_production_at)
    for flow in DataFlow.objects.filter(vendor=vendor).exclude(ends_on__lte=ended_on):
        flow.ends_on = max(ended_on, flow.starts_on) if flow.starts_on else ended_on
        flow._history_user = actor
        flow.save(update_fields=["ends_on", "updated_at"])
    checklist.completed_at = timezone.now()
    checklist._history_user = actor
    checklist.save(update_fields=["completed_at", "updated_at"])
    return checklist
