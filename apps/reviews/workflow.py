"""The review state machine, declared once: which action moves a review from which states to which state.

    draft --submit--> submitted --start--> in_review --approve-----------------> approved
                                                     --approve_with_conditions-> approved_with_conditions
                                                     --reject------------------> rejected

Decided reviews (approved, approved with conditions, rejected) are final and cannot be reopened: a decision
is a fact the vendor gate and the audit rely on, so changing one's mind means opening a new review (which
keeps both decisions in the register). Services in apps.reviews.services run the moves; nothing else sets
`Review.state`.
"""

from dataclasses import dataclass

from apps.core.exceptions import TransitionRefused

from .choices import ReviewState

S = ReviewState


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset
    target: str
    label: str
    reviewer_only: bool  # only security reviewers may make this move
    decision: bool = False  # records decided_by / decided_at


TRANSITIONS = {
    t.action: t
    for t in (
        Transition("submit", frozenset({S.DRAFT}), S.SUBMITTED, "Submit", reviewer_only=False),
        Transition("start", frozenset({S.SUBMITTED}), S.IN_REVIEW, "Start review", reviewer_only=True),
        Transition("approve", frozenset({S.IN_REVIEW}), S.APPROVED, "Approve", reviewer_only=True, decision=True),
        Transition(
            "approve_with_conditions",
            frozenset({S.IN_REVIEW}),
            S.APPROVED_WITH_CONDITIONS,
            "Approve with conditions",
            reviewer_only=True,
            decision=True,
        ),
        Transition("reject", frozenset({S.IN_REVIEW}), S.REJECTED, "Reject", reviewer_only=True, decision=True),
    )
}
OPEN_STATES = frozenset({S.DRAFT, S.SUBMITTED, S.IN_REVIEW})
APPROVED_STATES = frozenset({S.APPROVED, S.APPROVED_WITH_CONDITIONS})
DECIDED_STATES = APPROVED_STATES | {S.REJECTED}


def check_move(action, from_state) -> Transition:
    """The transition for `action` from `from_state`; TransitionRefused (code `illegal_transition`) otherwise."""
    transition = TRANSITIONS[action]
    if from_state not in transition.sources:
        label = ReviewState(from_state).label.lower()
        if from_state in DECIDED_STATES:
            why = "a decided review is final; open a new review instead"
        else:
            needed = " or ".join(ReviewState(s).label.lower() for s in sorted(transition.sources))
            why = f"it must be {needed}"
        raise TransitionRefused(
            f"Cannot {transition.label.lower()} a review that is {label}: {why}.", code="illegal_transition"
        )
    return transition


def actions_from(state):
    """The actions allowed from a state, in table order (for the admin and the API)."""
    return [action for action, t in TRANSITIONS.items() if state in t.sources]
