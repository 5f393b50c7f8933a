"""The vendor status table and its gates (apps.vendors.workflow)."""

import pytest
from django.core.exceptions import PermissionDenied

from apps.core.exceptions import TransitionRefused
from apps.reviews.services import review_approve, review_reject
from apps.risk.services import baseline_tighten, vendor_tier_override
from apps.vendors.choices import VendorStatus
from apps.vendors.signals import vendor_status_changed
from apps.vendors.workflow import VENDOR_STATUS_MOVES, vendor_status_change
from tests.factories.risk import BaselineFactory, SecurityRequirementFactory
from tests.factories.vendors import VendorFactory

ILLEGAL = [(f, t) for f in VendorStatus.values for t in VendorStatus.values if t not in VENDOR_STATUS_MOVES[f]]
UNGATED = [
    (f, t) for f, targets in VENDOR_STATUS_MOVES.items() for t in sorted(targets) if t not in ("active", "terminated")
]


@pytest.mark.parametrize(("from_status", "to_status"), ILLEGAL)
def test_illegal_vendor_moves_are_refused(from_status, to_status, reviewer):
    vendor = VendorFactory(status=from_status)
    with pytest.raises(TransitionRefused) as refused:
        vendor_status_change(vendor=vendor, to_status=to_status, actor=reviewer)
    assert refused.value.code == "illegal_vendor_transition"
    vendor.refresh_from_db()
    assert vendor.status == from_status


@pytest.mark.parametrize(("from_status", "to_status"), UNGATED)
def test_legal_vendor_moves_send_the_signal(from_status, to_status, reviewer):
    vendor = VendorFactory(status=from_status)
    received = []
    vendor_status_changed.connect(lambda **kw: received.append(kw), weak=False, dispatch_uid="t")
    try:
        vendor_status_change(vendor=vendor, to_status=to_status, actor=reviewer)
    finally:
        vendor_status_changed.disconnect(dispatch_uid="t")
    vendor.refresh_from_db()
    assert vendor.status == to_status
    assert (received[0]["from_status"], received[0]["to_status"]) == (from_status, to_status)
    assert vendor.history.first().history_user == reviewer


def test_only_reviewers_change_a_vendor_status(buyer):
    with pytest.raises(PermissionDenied):
        vendor_status_change(vendor=VendorFactory(status="proposed"), to_status="onboarding", actor=buyer)


def test_no_activation_without_an_approved_review(onboarding_vendor, reviewer):
    with pytest.raises(TransitionRefused) as refused:
        vendor_status_change(vendor=onboarding_vendor, to_status="active", actor=reviewer)
    assert refused.value.code == "approval_required"


def test_no_activation_after_a_rejection(review_factory, onboarding_vendor, reviewer):
    review_reject(review=review_factory("in_review"), actor=reviewer)
    with pytest.raises(TransitionRefused, match="not an approval"):
        vendor_status_change(vendor=onboarding_vendor, to_status="active", actor=reviewer)


def test_an_approval_for_another_tier_does_not_count(review_factory, onboarding_vendor, reviewer, meet_all):
    review = review_factory("in_review")
    meet_all(onboarding_vendor)
    review_approve(review=review, actor=reviewer)
    vendor_status_change(vendor=onboarding_vendor, to_status="under_review", actor=reviewer)
    BaselineFactory(tier=1, requirements=[SecurityRequirementFactory(code="exit-plan")])
    vendor_tier_override(vendor=onboarding_vendor, tier=1, reason="Now holds payment data", actor=reviewer)
    with pytest.raises(TransitionRefused) as refused:
        vendor_status_change(vendor=onboarding_vendor, to_status="active", actor=reviewer)
    assert refused.value.code == "approval_outdated"


def test_a_tightened_baseline_needs_a_new_approval(
    review_factory, onboarding_vendor, reviewer, meet_all, django_capture_on_commit_callbacks
):
    review = review_factory("in_review")
    meet_all(onboarding_vendor)
    review_approve(review=review, actor=reviewer)
    vendor_status_change(vendor=onboarding_vendor, to_status="under_review", actor=reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        baseline_tighten(requirement=SecurityRequirementFactory(code="exit-plan"), tier=2, actor=reviewer)
    with pytest.raises(TransitionRefused, match="baseline") as refused:
        vendor_status_change(vendor=onboarding_vendor, to_status="active", actor=reviewer)
    assert refused.value.code == "approval_outdated"


def test_no_activation_while_an_incident_review_is_open(
    review_factory, onboarding_vendor, reviewer, meet_all, django_capture_on_commit_callbacks
):
    from apps.reviews.services import incident_response_open
    from tests.factories.incidents import IncidentFactory

    review = review_factory("in_review")
    meet_all(onboarding_vendor)
    review_approve(review=review, actor=reviewer)
    incident_response_open(incident=IncidentFactory(vendor=onboarding_vendor, severity="high"), actor=reviewer)
    onboarding_vendor.refresh_from_db()
    assert onboarding_vendor.status == VendorStatus.UNDER_REVIEW
    with pytest.raises(TransitionRefused) as refused:
        vendor_status_change(vendor=onboarding_vendor, to_status="active", actor=reviewer)
    assert refused.value.code == "review_pending"
