"""Reads of the reviews app."""

from django.db.models import Prefetch

from .choices import ReviewKind
from .models import OffboardingChecklist, Review, ReviewTransition
from .workflow import APPROVED_STATES, DECIDED_STATES, OPEN_STATES


def vendor_latest_decided_review(*, vendor):
    """The vendor's most recently decided review, or None. `is_approval` says whether it approved."""
    review = (
        Review.objects.filter(vendor=vendor, state__in=DECIDED_STATES)
        .order_by("-decided_at", "-id")
        .select_related("baseline")
        .first()
    )
    if review is not None:
        review.is_approval = review.state in APPROVED_STATES
    return review


def review_open_incident_exists(*, vendor) -> bool:
    return Review.objects.filter(vendor=vendor, kind=ReviewKind.INCIDENT, state__in=OPEN_STATES).exists()


def review_detail(*, pk):
    """One review with everything its page shows: vendor, baseline requirements, history, findings, exceptions."""
    return (
        Review.objects.select_related("vendor", "baseline", "incident", "requested_by", "decided_by")
        .prefetch_related(
            "baseline__requirements",
            Prefetch("transitions", queryset=ReviewTransition.objects.select_related("actor")),
            "findings",
            "exceptions__vendor_requirement__requirement",
        )
        .get(pk=pk)
    )


OFFBOARDING_STEPS = ("removed_from_production", "access_revoked", "data_returned_or_deletion_certificate")


def offboarding_missing_steps(*, vendor) -> list[str]:
    """The checklist steps still missing before the vendor can be terminated (all of them without a checklist)."""
    checklist = OffboardingChecklist.objects.filter(vendor=vendor).first()
    if checklist is None:
        return list(OFFBOARDING_STEPS)
    missing = []
    if not checklist.removed_from_production_at:
        missing.append("removed_from_production")
    if not checklist.access_revoked_at:
        missing.append("access_revoked")
    if not (checklist.data_returned_at or checklist.deletion_certificate_id):
        missing.append("data_returned_or_deletion_certificate")
    return missing
