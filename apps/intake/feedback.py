"""What a request's answers imply: the tier (through the register's one tier function) and the requirements.

Shown on the form before anything is submitted, so the inputs are built from the answers, not from flows.
"""

from dataclasses import dataclass

from apps.datamap.choices import Mechanism
from apps.datamap.models import DataCategory
from apps.risk.models import SecurityRequirement, Tightening
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


def _tightening_reaches(scope: dict, *, tier: int, answers: dict, category_paths: list[str]) -> bool:
    """Whether a peer-scope tightening will reach the vendor these answers describe (same rule as
    apps.risk.selectors.tightening_scope_vendors, applied to the planned flows: one mechanism, one set of data)."""
    if scope.get("tier") is not None and scope["tier"] != tier:
        return False
    if scope.get("category") and scope["category"] != answers.get("vendor_category"):
        return False
    if scope.get("mechanism") and scope["mechanism"] != answers.get("mechanism"):
        return False
    if scope.get("system") and scope["system"] not in {system.slug for system in answers.get("systems") or ()}:
        return False
    if scope.get("data_categories"):
        scope_paths = DataCategory.objects.filter(code__in=scope["data_categories"]).values_list("path", flat=True)
        if not any(path.startswith(prefix) for path in category_paths for prefix in scope_paths):
            return False
    return True


def intake_feedback(answers: dict) -> IntakeFeedback:
    """The tier the answers imply and every requirement that will apply: the current baseline's for that
    tier, plus those a tightening added for peer vendors like this one (e.g. after a peer's incident)."""
    result = compute_tier(tier_inputs_from_answers(answers))
    baseline = baseline_current(tier=result.tier)
    requirements = {r.pk: r for r in baseline.requirements.all() if r.is_active} if baseline else {}
    categories = [] if answers.get("no_data") else list(answers.get("categories") or [])
    category_paths = [c.path for c in categories]
    peer_scoped = Tightening.objects.filter(requirement__is_active=True).exclude(scope={}).select_related("requirement")
    for tightening in peer_scoped:
        peer_scope = {key: value for key, value in tightening.scope.items() if key != "tier"}
        if peer_scope and _tightening_reaches(
            tightening.scope, tier=result.tier, answers=answers, category_paths=category_paths
        ):
            requirements.setdefault(tightening.requirement_id, tightening.requirement)
    return IntakeFeedback(
        result=result,
        tier_label=Tier(result.tier).label,
        requirements=sorted(requirements.values(), key=lambda r: r.code),
        review_cadence_months=baseline.review_cadence_months if baseline else None,
    )
