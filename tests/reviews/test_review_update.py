"""review_update: the one service behind editing a review from the admin and the API."""

import pytest
from django.core.exceptions import PermissionDenied

from apps.core.exceptions import TransitionRefused
from apps.reviews.services import review_reject, review_update


def test_conditions_change_until_the_decision_and_never_after(review_factory, reviewer, second_reviewer):
    review = review_factory("in_review")
    review_update(review=review, conditions="Pen test within 90 days", actor=reviewer)
    review_reject(review=review, actor=second_reviewer)
    with pytest.raises(TransitionRefused) as refused:
        review_update(review=review, conditions="Nothing", summary="Rejected", actor=reviewer)
    assert refused.value.code == "review_decided"
    review.refresh_from_db()
    assert (review.conditions, review.summary) == ("Pen test within 90 days", "")
    assert review_update(review=review, summary="Rejected: no DPA", actor=reviewer).summary == "Rejected: no DPA"


def test_only_the_requester_or_a_reviewer_edits_a_review(review_factory, other_buyer, buyer):
    review = review_factory("draft")  # requested by `buyer`
    with pytest.raises(PermissionDenied):
        review_update(review=review, summary="Mine now", actor=other_buyer)
    assert review_update(review=review, summary="Context", actor=buyer).summary == "Context"
