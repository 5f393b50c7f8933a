"""Segregation of duties: the reviewer who grants an exception cannot approve a review that relies on it, and an
exception must say why (in real words) and end within EXCEPTION_MAX_MONTHS."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from apps.core.exceptions import TransitionRefused
from apps.reviews.choices import ReviewState
from apps.reviews.models import Review, ReviewTransition, RiskException
from apps.reviews.services import exception_grant, review_approve, review_approve_with_conditions
from apps.risk.models import VendorRequirement

TODAY = timezone.localdate()
JUSTIFICATION = "Pen test booked with an accredited firm for next quarter; report due by March."


@pytest.fixture
def review(review_factory):
    return review_factory("in_review")


@pytest.fixture
def gap(review, onboarding_vendor, meet_all):
    """Every requirement met but the pen test, which only an exception can cover."""
    meet_all(onboarding_vendor)
    status = VendorRequirement.objects.get(vendor=onboarding_vendor, requirement__code="annual-pen-test")
    VendorRequirement.objects.filter(pk=status.pk).update(status="not_met")
    return status


def grant(review, gap, actor, **kwargs):
    arguments = {"justification": JUSTIFICATION, "expires_on": TODAY + datetime.timedelta(days=90), **kwargs}
    return exception_grant(review=review, vendor_requirement=gap, actor=actor, **arguments)


@pytest.mark.parametrize(
    "approve",
    [
        lambda review, actor: review_approve(review=review, actor=actor),
        lambda review, actor: review_approve_with_conditions(review=review, actor=actor, conditions="Report by Q2"),
    ],
    ids=["approve", "approve_with_conditions"],
)
def test_the_grantor_of_a_relied_on_exception_cannot_approve(approve, review, reviewer, gap):
    grant(review, gap, reviewer)
    with pytest.raises(TransitionRefused) as refused:
        approve(review, reviewer)
    assert refused.value.code == "approver_granted_exception"
    assert "annual-pen-test" in str(refused.value)
    assert Review.objects.get(pk=review.pk).state == ReviewState.IN_REVIEW
    assert not ReviewTransition.objects.filter(review=review, to_state__startswith="approved").exists()


def test_a_second_reviewer_approves_what_the_first_excepted(review, reviewer, second_reviewer, gap):
    grant(review, gap, reviewer)
    review_approve(review=review, actor=second_reviewer)
    assert Review.objects.get(pk=review.pk).state == ReviewState.APPROVED


def test_an_exception_granted_in_an_earlier_review_still_counts_against_its_grantor(
    review, review_factory, reviewer, gap
):
    grant(review, gap, reviewer)
    later = review_factory("in_review")
    with pytest.raises(TransitionRefused) as refused:
        review_approve(review=later, actor=reviewer)
    assert refused.value.code == "approver_granted_exception"


def test_an_exception_the_review_does_not_rely_on_does_not_block(review, reviewer, gap):
    grant(review, gap, reviewer)
    VendorRequirement.objects.filter(pk=gap.pk).update(status="met")  # the gap closed meanwhile
    review_approve(review=review, actor=reviewer)
    assert Review.objects.get(pk=review.pk).state == ReviewState.APPROVED


@pytest.mark.parametrize("justification", [".", "ok", "   ", "........................................", "-- ?? !!"])
def test_a_justification_needs_real_words(justification, review, reviewer, gap):
    with pytest.raises(ValidationError) as error:
        grant(review, gap, reviewer, justification=justification)
    assert "justification" in error.value.message_dict
    assert not RiskException.objects.exists()


def test_the_minimum_justification_length_is_a_setting(settings, review, reviewer, gap):
    settings.EXCEPTION_MIN_JUSTIFICATION_CHARS = 5
    grant(review, gap, reviewer, justification="Booked")
    assert RiskException.objects.count() == 1


@pytest.mark.parametrize("expires_on", [datetime.date(9999, 12, 31), TODAY + datetime.timedelta(days=400)])
def test_an_exception_expires_within_the_maximum(expires_on, review, reviewer, gap):
    with pytest.raises(ValidationError) as error:
        grant(review, gap, reviewer, expires_on=expires_on)
    assert "expires_on" in error.value.message_dict
    assert "12 months" in error.value.message_dict["expires_on"][0]
    assert not RiskException.objects.exists()
    gap.refresh_from_db()
    assert gap.status == "not_met"


def test_the_maximum_is_a_setting(settings, review, reviewer, gap):
    settings.EXCEPTION_MAX_MONTHS = 1
    with pytest.raises(ValidationError):
        grant(review, gap, reviewer, expires_on=TODAY + datetime.timedelta(days=60))
    grant(review, gap, reviewer, expires_on=TODAY + datetime.timedelta(days=28))
