"""The questionnaire state machine, declared once: which action moves a questionnaire from which states to which.

    draft --send--> sent --open--> in_progress --submit--> submitted --start_review--> under_review
    sent --submit--> submitted                  under_review --accept--> accepted
    under_review --return--> returned (a follow-up on an answer: only those questions reopen)
    returned --submit--> submitted              draft, sent, in_progress, returned --cancel--> cancelled

`open` is the vendor's first save; `submit` is the vendor's (from the portal); every other move is a security
reviewer's. Accepted and cancelled are final. Services in apps.questionnaires.services run the moves; nothing
else sets `Questionnaire.state`.
"""

from dataclasses import dataclass

from apps.core.exceptions import TransitionRefused

from .choices import QuestionnaireState

S = QuestionnaireState


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset
    target: str
    label: str
    by_vendor: bool = False  # made from the portal, by the holder of a link


TRANSITIONS = {
    t.action: t
    for t in (
        Transition("send", frozenset({S.DRAFT}), S.SENT, "Send"),
        Transition("open", frozenset({S.SENT}), S.IN_PROGRESS, "Start answering", by_vendor=True),
        Transition("submit", frozenset({S.SENT, S.IN_PROGRESS, S.RETURNED}), S.SUBMITTED, "Submit", by_vendor=True),
        Transition("start_review", frozenset({S.SUBMITTED}), S.UNDER_REVIEW, "Start review"),
        Transition("accept", frozenset({S.UNDER_REVIEW}), S.ACCEPTED, "Accept"),
        Transition("return", frozenset({S.UNDER_REVIEW}), S.RETURNED, "Return to the vendor"),
        Transition("cancel", frozenset({S.DRAFT, S.SENT, S.IN_PROGRESS, S.RETURNED}), S.CANCELLED, "Cancel"),
    )
}
# The vendor may write answers in these states (a returned questionnaire: only the questions reopened).
VENDOR_EDITABLE_STATES = frozenset({S.SENT, S.IN_PROGRESS, S.RETURNED})
# Reminders and links only make sense while the vendor still has something to do.
AWAITING_VENDOR_STATES = VENDOR_EDITABLE_STATES
FINAL_STATES = frozenset({S.ACCEPTED, S.CANCELLED})


def check_move(action, from_state) -> Transition:
    """The transition for `action` from `from_state`; TransitionRefused (code `illegal_transition`) otherwise."""
    transition = TRANSITIONS[action]
    if from_state not in transition.sources:
        needed = " or ".join(QuestionnaireState(s).label.lower() for s in sorted(transition.sources))
        label = QuestionnaireState(from_state).label.lower()
        raise TransitionRefused(
            f"Cannot {transition.label.lower()} a questionnaire that is {label}: it must be {needed}.",
            code="illegal_transition",
        )
    return transition


def actions_from(state):
    return [action for action, t in TRANSITIONS.items() if state in t.sources]
