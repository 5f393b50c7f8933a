"""Declared scoring and the requirement statuses answers propose. Pure functions of answers: no queries.

An answer's fraction of its question's weight: yes 1, no 0, not applicable leaves the question out; a choice
its declared score (multiple choice: the sum of the chosen scores, at most 1); text, number, date and file
answers count once a reviewer accepted them. A rejected answer scores 0, an unanswered question 0.
"""

from apps.risk.choices import RequirementStatus

from .choices import AnswerReview, AnswerType

NOT_APPLICABLE = "na"


def _choice_scores(question):
    return {str(choice.get("value")): float(choice.get("score", 0)) for choice in question.choices}


def answer_fraction(question, answer):
    """0..1, or None when the question does not count (not applicable, or awaiting review)."""
    if answer is None or not answer.is_answered:
        return 0.0
    if answer.review == AnswerReview.REJECTED:
        return 0.0
    value = answer.value
    kind = question.answer_type
    if kind == AnswerType.YES_NO_NA:
        return None if value == NOT_APPLICABLE else (1.0 if value == "yes" else 0.0)
    if kind == AnswerType.SINGLE_CHOICE:
        return _choice_scores(question).get(str(value), 0.0)
    if kind == AnswerType.MULTIPLE_CHOICE:
        scores = _choice_scores(question)
        return min(1.0, sum(scores.get(str(v), 0.0) for v in value or ()))
    return 1.0 if answer.review == AnswerReview.ACCEPTED else None


def score(pairs):
    """Percentage (0..100, one decimal) of (question, answer) pairs, or None when nothing counts."""
    got = total = 0.0
    for question, answer in pairs:
        fraction = answer_fraction(question, answer)
        if fraction is None:
            continue
        got += question.weight * fraction
        total += question.weight
    return round(100 * got / total, 1) if total else None


def proposed_status(question, answer):
    """The requirement status a reviewed answer argues for, or None (not reviewed, or not applicable)."""
    if answer is None or answer.review not in (AnswerReview.ACCEPTED, AnswerReview.REJECTED):
        return None
    if answer.review == AnswerReview.REJECTED:
        return RequirementStatus.NOT_MET
    fraction = answer_fraction(question, answer)
    if fraction is None:
        return None if answer.value == NOT_APPLICABLE else RequirementStatus.MET
    if fraction >= 1:
        return RequirementStatus.MET
    return RequirementStatus.NOT_MET if fraction == 0 else RequirementStatus.IN_PROGRESS


def combine(statuses):
    """One requirement, several answers bearing on it: any not met wins, then in progress, then met."""
    statuses = [s for s in statuses if s]
    for status in (RequirementStatus.NOT_MET, RequirementStatus.IN_PROGRESS, RequirementStatus.MET):
        if status in statuses:
            return status
    return None
