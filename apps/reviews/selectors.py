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


def requirement_codes_excepted_only_by(*, vendor, baseline, grantor, today=None) -> list[str]:
    """Codes of applicable requirements that count as satisfied only because of an unexpired exception granted by
    `grantor` (not met on their own, and no other security reviewer granted one). Sorted.

    These are what an approval by `grantor` would rest on their own word alone.
    """
    from apps.risk.choices import RequirementStatus
    from apps.risk.selectors import (
        requirement_effective_status,
        unexpired_exception_q,
        vendor_applicable_requirement_ids,
        vendor_requirements_with_effective_status,
    )

    from .models import RiskException

    applicable = vendor_applicable_requirement_ids(vendor=vendor, baseline=baseline)
    relied_on = [
        status
        for status in vendor_requirements_with_effective_status(vendor=vendor, requirement_ids=applicable, today=today)
        if status.has_valid_exception and requirement_effective_status(status, today=today) != RequirementStatus.MET
    ]
    if not relied_on:
        return []
    granted_by_others = set(
        RiskException.objects.filter(
            unexpired_exception_q(today=today), vendor_requirement__in=[status.pk for status in relied_on]
        )
        .exclude(approved_by=grantor)
        .values_list("vendor_requirement_id", flat=True)
    )
    return sorted(status.requirement.code for status in relied_on if status.pk not in granted_by_others)
