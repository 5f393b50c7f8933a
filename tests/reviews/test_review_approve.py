"""Approval: refused unless every applicable requirement is met or excepted, never by the requester."""

import datetime
import threading

import pytest
from django.db import connection
from django.utils import timezone

from apps.core.exceptions import TransitionRefused
from apps.reviews.choices import ReviewState
from apps.reviews.models import Review, ReviewTransition
from apps.reviews.services import (
    exception_grant,
    review_approve,
    review_approve_with_conditions,
    review_open,
    review_start,
    review_submit,
)
from apps.risk.models import VendorRequirement
from apps.risk.services import vendor_requirement_record
from tests.factories.vendors import DocumentFactory

TODAY = timezone.localdate()
JUSTIFICATION = "Pen test booked with an accredited firm; the report is due next quarter."


def _status(vendor, code):
    return VendorRequirement.objects.get(vendor=vendor, requirement__code=code)


def test_approval_with_every_requirement_met_activates_the_vendor(
    review_factory, reviewer, meet_all, onboarding_vendor
):
    review = review_factory("in_review")
    meet_all(onboarding_vendor)
    review_approve(review=review, actor=reviewer, note="All good")
    review.refresh_from_db()
    onboarding_vendor.refresh_from_db()
    assert review.state == ReviewState.APPROVED
    assert (review.decided_by, review.tier, review.baseline.version) == (reviewer, 2, 1)
    assert onboarding_vendor.status == "active"


def test_approval_refused_with_a_requirement_missing(review_factory, reviewer, onboarding_vendor):
    review = review_factory("in_review")
    dpa = DocumentFactory(vendor=onboarding_vendor, kind="dpa", expires_on=None)
    vendor_requirement_record(
        vendor_requirement=_status(onboarding_vendor, "signed-dpa"), status="met", evidence=dpa, actor=reviewer
    )
    with pytest.raises(TransitionRefused) as refused:
        review_approve(review=review, actor=reviewer)
    assert refused.value.code == "requirements_not_met"
    assert "annual-pen-test" in str(refused.value) and "signed-dpa" not in str(refused.value)
    assert Review.objects.get(pk=review.pk).state == ReviewState.IN_REVIEW
    assert ReviewTransition.objects.filter(review=review).count() == 2  # submit and start only


def test_approval_refused_when_the_evidence_has_expired(review_factory, reviewer, meet_all, onboarding_vendor):
    review = review_factory("in_review")
    meet_all(onboarding_vendor)
    report = DocumentFactory(vendor=onboarding_vendor, kind="pentest", issued_on=TODAY - datetime.timedelta(days=400))
    status = _status(onboarding_vendor, "annual-pen-test")
    vendor_requirement_record(vendor_requirement=status, status="met", evidence=report, actor=reviewer)
    report.expires_on = TODAY - datetime.timedelta(days=1)
    report.save()
    with pytest.raises(TransitionRefused, match="annual-pen-test"):
        review_approve(review=review, actor=reviewer)


def test_a_valid_exception_covers_a_gap(review_factory, reviewer, second_reviewer, meet_all, onboarding_vendor):
    review = review_factory("in_review")
    meet_all(onboarding_vendor)
    gap = _status(onboarding_vendor, "annual-pen-test")
    VendorRequirement.objects.filter(pk=gap.pk).update(status="not_met")
    exception_grant(
        review=review,
        vendor_requirement=gap,
        justification=JUSTIFICATION,
        expires_on=TODAY + datetime.timedelta(days=90),
        actor=reviewer,
    )
    review_approve(review=review, actor=second_reviewer)  # four eyes: the grantor may not approve alone
    assert Review.objects.get(pk=review.pk).state == ReviewState.APPROVED


def test_approval_refused_with_an_expired_exception(review_factory, reviewer, meet_all, onboarding_vendor):
    review = review_factory("in_review")
    meet_all(onboarding_vendor)
    gap = _status(onboarding_vendor, "annual-pen-test")
    exception = exception_grant(
        review=review,
        vendor_requirement=gap,
        justification=JUSTIFICATION,
        expires_on=TODAY + datetime.timedelta(days=1),
        actor=reviewer,
    )
    type(exception).objects.filter(pk=exception.pk).update(expires_on=TODAY - datetime.timedelta(days=1))
    with pytest.raises(TransitionRefused, match="annual-pen-test") as refused:
        review_approve(review=review, actor=reviewer)
    assert refused.value.code == "requirements_not_met"


def test_an_exception_granted_by_someone_who_is_no_longer_a_reviewer_does_not_count(
    review_factory, reviewer, second_reviewer, meet_all, onboarding_vendor
):
    review = review_factory("in_review")
    meet_all(onboarding_vendor)
    gap = _status(onboarding_vendor, "annual-pen-test")
    exception_grant(
        review=review,
        vendor_requirement=gap,
        justification=JUSTIFICATION,
        expires_on=TODAY + datetime.timedelta(days=30),
        actor=second_reviewer,
    )
    second_reviewer.groups.clear()
    with pytest.raises(TransitionRefused, match="annual-pen-test"):
        review_approve(review=review, actor=reviewer)


def test_approval_refused_when_the_approver_is_the_requester(onboarding_vendor, reviewer, second_reviewer, meet_all):
    review = review_open(vendor=onboarding_vendor, kind="periodic", requested_by=reviewer)
    review_submit(review=review, actor=reviewer)
    review_start(review=review, actor=second_reviewer)
    meet_all(onboarding_vendor)
    with pytest.raises(TransitionRefused) as refused:
        review_approve(review=review, actor=reviewer)
    assert refused.value.code == "approver_is_requester"
    review_approve(review=review, actor=second_reviewer)
    assert Review.objects.get(pk=review.pk).state == ReviewState.APPROVED


def test_approve_with_conditions_needs_the_conditions(review_factory, reviewer, meet_all, onboarding_vendor):
    review = review_factory("in_review")
    meet_all(onboarding_vendor)
    with pytest.raises(TransitionRefused) as refused:
        review_approve_with_conditions(review=review, actor=reviewer, conditions="  ")
    assert refused.value.code == "conditions_required"
    review_approve_with_conditions(review=review, actor=reviewer, conditions="Pseudonymise IDs by Q1")
    review.refresh_from_db()
    assert (review.state, review.conditions) == (ReviewState.APPROVED_WITH_CONDITIONS, "Pseudonymise IDs by Q1")


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("expires_on", {"expires_on": TODAY}),
        ("justification", {"justification": " "}),
    ],
)
def test_exception_grant_validates_its_input(field, kwargs, review_factory, reviewer, onboarding_vendor):
    from django.core.exceptions import ValidationError

    review = review_factory("in_review")
    arguments = {
        "review": review,
        "vendor_requirement": _status(onboarding_vendor, "signed-dpa"),
        "justification": JUSTIFICATION,
        "expires_on": TODAY + datetime.timedelta(days=30),
        "actor": reviewer,
        **kwargs,
    }
    with pytest.raises(ValidationError) as error:
        exception_grant(**arguments)
    assert field in error.value.message_dict


def test_exception_grant_needs_a_security_reviewer(review_factory, buyer, onboarding_vendor):
    from django.core.exceptions import PermissionDenied

    review = review_factory("in_review")
    with pytest.raises(PermissionDenied):
        exception_grant(
            review=review,
            vendor_requirement=_status(onboarding_vendor, "signed-dpa"),
            justification=JUSTIFICATION,
            expires_on=TODAY + datetime.timedelta(days=30),
            actor=buyer,
        )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_approvals_exactly_one_wins(
    review_factory, reviewer, second_reviewer, meet_all, onboarding_vendor
):
    review = review_factory("in_review")
    meet_all(onboarding_vendor)
    barrier = threading.Barrier(2)
    outcomes = {}

    def approve(actor):
        try:
            barrier.wait(timeout=10)
            review_approve(review=Review.objects.get(pk=review.pk), actor=actor)
            outcomes[actor.username] = "approved"
        except TransitionRefused as refused:
            outcomes[actor.username] = refused
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=approve, args=(actor,)) for actor in (reviewer, second_reviewer)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    results = list(outcomes.values())
    assert results.count("approved") == 1
    (loser,) = [r for r in results if r != "approved"]
    assert loser.code == "illegal_transition"
    assert "approved" in str(loser)
    assert ReviewTransition.objects.filter(review=review, to_state=ReviewState.APPROVED).count() == 1


def test_review_open_validates_kind_and_incident(onboarding_vendor, reviewer):
    from django.core.exceptions import ValidationError

    from tests.factories.incidents import IncidentFactory

    with pytest.raises(ValidationError) as error:
        review_open(vendor=onboarding_vendor, kind="gossip", requested_by=reviewer)
    assert "kind" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        review_open(vendor=onboarding_vendor, kind="incident", requested_by=reviewer)
    assert "incident" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        review_open(vendor=onboarding_vendor, kind="periodic", requested_by=reviewer, incident=IncidentFactory())
    assert "incident" in error.value.message_dict
