"""What a request's answers imply: the tier (through the register's one tier function) and the requirements.

Shown on the form before anything is submitted, so the inputs are built from the answers, not from flows.
"""

from dataclasses import dataclass

from apps.datamap.choices import Mechanism
from apps.risk.models import SecurityRequirement
from apps.risk.selectors import baseline_current
from apps.risk.tiering import TierInputs, TierResult, compute_tier
from apps.vendors.choices import Tier


@dataclass(frozen=True)
class IntakeFeedback:
    result: TierResult
    tier_label: str
    requirements: list[SecurityRequirement]
    review_cadence_months: int | None


def tier_inputs_from_answers(answers: dict) -> TierInputs:
    """The same inputs apps.risk would gather from the flows the submit will create."""
    categories = [] if answers.get("no_data") else list(answers.get("categories") or [])
    return TierInputs(
        max_sensitivity=max((c.sensitivity for c in categories), default=None),
        estimated_records=answers.get("estimated_records"),
        client_side_sdk=answers.get("mechanism") == Mechanism.CLIENT_SIDE_SDK,
        production_access=bool(answers.get("production_access")),
        handles_secrets=bool(answers.get("handles_secrets")),
        business_criticality=answers.get("business_criticality") or None,
        categories=tuple(sorted(c.code for c in categories)),
    )


def intake_feedback(answers: dict) -> IntakeFeedback:
    """The tier the answers imply and the current baseline's requirements for that tier."""
    result = compute_tier(tier_inputs_from_answers(answers))
    baseline = baseline_current(tier=result.tier)
    requirements = (
        sorted((r for r in baseline.requirements.all() if r.is_active), key=lambda r: r.code) if baseline else []
    )
    return IntakeFeedback(
        result=result,
        tier_label=Tier(result.tier).label,
        requirements=sorted(requirements, key=lambda r: r.code),
        review_cadence_months=baseline.review_cadence_months if baseline else None,
    )
