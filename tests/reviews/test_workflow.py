"""Every legal and illegal move of the review state machine, and who may make it."""

import pytest
from django.core.exceptions import PermissionDenied

from apps.core.exceptions import TransitionRefused
from apps.reviews.choices import ReviewState
from apps.reviews.models import Review, ReviewTransition
from apps.reviews.services import SERVICES_BY_ACTION
from apps.reviews.signals import review_state_changed
from apps.reviews.workflow import TRANSITIONS, actions_from

LEGAL = [(action, state) for action, t in TRANSITIONS.items() for state in sorted(t.sources)]
ILLEGAL = [
    (action, state) for action, t in TRANSITIONS.items() for state in ReviewState.values if state not in t.sources
]


def _force_state(review, state):
    # Decided states are only reachable through approval rules; the table is what is tested here.
    Review.objects.filter(pk=review.pk).update(state=state)
    review.refresh_from_db()
    return review


def _call(action, review, actor):
    kwargs = {"conditions": "Fix it within 30 days."} if action == "approve_with_conditions" else {}
    return SERVICES_BY_ACTION[action](review=review, actor=actor, note=f"{action} note", **kwargs)


def test_the_table_is_the_documented_machine():
    assert actions_from(ReviewState.DRAFT) == ["submit"]
    assert actions_from(ReviewState.SUBMITTED) == ["start"]
    assert actions_from(ReviewState.IN_REVIEW) == ["approve", "approve_with_conditions", "reject"]
    for decided in (ReviewState.APPROVED, ReviewState.APPROVED_WITH_CONDITIONS, ReviewState.REJECTED):
        assert actions_from(decided) == []


@pytest.mark.parametrize(("action", "state"), LEGAL)
def test_every_legal_move_writes_its_history_and_sends_the_signal(
    action, state, review_factory, reviewer, meet_all, onboarding_vendor
):
    review = _force_state(review_factory(), state)
    meet_all(onboarding_vendor)
    received = []
    review_state_changed.connect(lambda **kw: received.append(kw), weak=False, dispatch_uid="t")
    try:
        _call(action, review, reviewer)
    finally:
        review_state_changed.disconnect(dispatch_uid="t")
    review.refresh_from_db()
    assert review.state == TRANSITIONS[action].target
    row = ReviewTransition.objects.get(review=review)
    assert (row.from_state, row.to_state, row.actor, row.note) == (state, review.state, reviewer, f"{action} note")
    assert received[0]["from_state"] == state and received[0]["to_state"] == review.state
    assert received[0]["actor"] == reviewer


@pytest.mark.parametrize(("action", "state"), ILLEGAL)
def test_every_illegal_move_is_refused_with_a_reason_and_changes_nothing(action, state, review_factory, reviewer):
    review = _force_state(review_factory(), state)
    with pytest.raises(TransitionRefused) as refused:
        _call(action, review, reviewer)
    assert refused.value.code == "illegal_transition"
    assert ReviewState(state).label.lower() in str(refused.value)
    review.refresh_from_db()
    assert review.state == state
    assert not ReviewTransition.objects.filter(review=review).exists()


@pytest.mark.parametrize("decided", [ReviewState.APPROVED, ReviewState.REJECTED])
def test_a_decided_review_cannot_be_reopened(decided, review_factory, reviewer):
    review = _force_state(review_factory(), decided)
    with pytest.raises(TransitionRefused, match="final; open a new review"):
        _call("submit", review, reviewer)


@pytest.mark.parametrize("action", ["start", "approve", "approve_with_conditions", "reject"])
@pytest.mark.parametrize("user", ["buyer", "dashboard_user"])
def test_only_security_reviewers_decide(action, user, request, review_factory, meet_all, onboarding_vendor):
    review = _force_state(review_factory(), sorted(TRANSITIONS[action].sources)[0])
    meet_all(onboarding_vendor)
    with pytest.raises(PermissionDenied):
        _call(action, review, request.getfixturevalue(user))
    assert Review.objects.get(pk=review.pk).state == review.state


def test_the_requester_may_submit_but_another_buyer_may_not(review_factory, buyer, other_buyer):
    review = review_factory()
    with pytest.raises(PermissionDenied):
        _call("submit", review, other_buyer)
    _call("submit", review, buyer)
    assert Review.objects.get(pk=review.pk).state == ReviewState.SUBMITTED
