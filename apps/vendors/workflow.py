"""The vendor status pipeline: the table of allowed moves, the gates on some of them, and the one service that
moves a vendor. Every other module changes a vendor's status through `vendor_status_change`.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from apps.accounts.roles import is_security_reviewer
from apps.core.exceptions import TransitionRefused

from .choices import VendorStatus
from .models import Vendor
from .signals import vendor_status_changed

S = VendorStatus
# from status -> statuses it may move to. Terminated is final: a returning vendor is a new intake.
VENDOR_STATUS_MOVES = {
    S.PROPOSED: {S.ONBOARDING, S.OFFBOARDING},
    S.ONBOARDING: {S.ACTIVE, S.OFFBOARDING},
    S.ACTIVE: {S.UNDER_REVIEW, S.OFFBOARDING},
    S.UNDER_REVIEW: {S.ACTIVE, S.OFFBOARDING},
    S.OFFBOARDING: {S.TERMINATED},
    S.TERMINATED: set(),
}


def _gate_active(vendor):
    """Active only through an approved review for the vendor's current tier and current baseline,
    and not while an incident-triggered review is still open."""
    from apps.reviews.selectors import review_open_incident_exists, vendor_latest_decided_review
    from apps.risk.selectors import baseline_current

    baseline = baseline_current(tier=vendor.tier)
    latest = vendor_latest_decided_review(vendor=vendor)
    if latest is None or not latest.is_approval:
        raise TransitionRefused(
            f"{vendor} cannot become active: its latest decided review is not an approval.", code="approval_required"
        )
    if latest.tier != vendor.tier or baseline is None or latest.baseline_id != baseline.pk:
        current = f"tier {vendor.tier}, baseline v{baseline.version}" if baseline else f"tier {vendor.tier}"
        raise TransitionRefused(
            f"{vendor} cannot become active: the approved review covered tier {latest.tier}, "
            f"baseline {latest.baseline}, not the current {current}.",
            code="approval_outdated",
        )
    if review_open_incident_exists(vendor=vendor):
        raise TransitionRefused(
            f"{vendor} cannot become active while an incident-triggered review is open.", code="review_pending"
        )


def _gate_terminated(vendor):
    """Terminated only once the offboarding checklist is complete."""
    from apps.reviews.selectors import offboarding_missing_steps

    missing = offboarding_missing_steps(vendor=vendor)
    if missing:
        raise TransitionRefused(
            f"{vendor} cannot be terminated: offboarding still needs {', '.join(missing)}.",
            code="offboarding_incomplete",
        )


GATES = {S.ACTIVE: _gate_active, S.TERMINATED: _gate_terminated}


def check_vendor_move(vendor, to_status):
    """Raise TransitionRefused (code `illegal_vendor_transition` or the gate's code) when the move is not allowed."""
    if to_status not in VENDOR_STATUS_MOVES.get(vendor.status, set()):
        allowed = ", ".join(sorted(VENDOR_STATUS_MOVES.get(vendor.status, ()))) or "nothing (final)"
        raise TransitionRefused(
            f"A vendor cannot move from {vendor.status} to {to_status}; from {vendor.status} it may move to {allowed}.",
            code="illegal_vendor_transition",
        )
    gate = GATES.get(to_status)
    if gate:
        gate(vendor)


@transaction.atomic
def vendor_status_change(*, vendor, to_status, actor=None, system=False) -> Vendor:
    """Move a vendor to `to_status` under a row lock, then send `vendor_status_changed`.

    Raises PermissionDenied when `actor` is not a security reviewer (unless `system`: a move the register
    makes itself, such as an incident putting a vendor under review) and TransitionRefused for a move the
    table or a gate forbids. The vendor's history (simple_history) keeps who and when.
    """
    if not system and not is_security_reviewer(actor):
        raise PermissionDenied("Only a security reviewer may change a vendor's status.")
    locked = Vendor.objects.select_for_update().get(pk=vendor.pk)
    check_vendor_move(locked, to_status)
    from_status = locked.status
    locked.status = to_status
    if actor is not None:
        locked._history_user = actor
    locked.save(update_fields=["status", "updated_at"])
    vendor.status = to_status
    vendor_status_changed.send(sender=Vendor, vendor=locked, from_status=from_status, to_status=to_status, actor=actor)
    return locked
