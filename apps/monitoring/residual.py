"""The residual risk rating of a vendor: one pure function, `compute_residual`, beside apps.risk.tiering.

The inherent tier says how bad a breach of the vendor would be; the residual rating says how much of that is
left once its controls are counted. It never rates a vendor worse than its inherent tier (controls cannot add
risk) and only better where the controls are shown to work. Gathering the inputs is apps.monitoring.selectors'
job; this module never queries.
"""

from dataclasses import asdict, dataclass

from apps.vendors.choices import Tier

FINDING_POINTS = {"critical": 40, "high": 15, "medium": 5, "low": 1}


@dataclass(frozen=True)
class ResidualInputs:
    inherent_tier: int | None
    met: int = 0
    in_progress: int = 0
    exception: int = 0  # covered by an unexpired exception: a risk accepted, not removed
    not_met: int = 0  # not met, or met on expired evidence, or an exception no longer valid
    open_findings: dict | None = None  # severity → count of findings open or in progress

    def as_dict(self):
        return asdict(self)


@dataclass(frozen=True)
class ResidualResult:
    rating: int | None
    score: int
    reasons: list[str]
    inputs: ResidualInputs


def compute_residual(inputs: ResidualInputs) -> ResidualResult:
    """Return the residual rating (1 critical … 4 low, as tiers), a control-gap score (0–100) and the reasons.

    Formula:

        total     = met + in_progress + exception + not_met          (applicable requirement statuses)
        gap       = (not_met + 0.5 × in_progress + 0.5 × exception) / total        (0 when total is 0)
        score     = min(100, round(100 × gap) + Σ open findings × points)
                    points: critical 40, high 15, medium 5, low 1
        reduction = 2  when total > 0, gap = 0 and no open finding of medium severity or above
                    1  when total > 0, gap ≤ 0.25 and no open high or critical finding
                    0  otherwise (nothing assessed counts as no control)
        rating    = min(4, inherent tier + reduction)           (a larger number is a lower risk)

    No inherent tier (nothing received yet): no rating. Pure: the same inputs give the same result.
    """
    findings = {k: v for k, v in (inputs.open_findings or {}).items() if v}
    total = inputs.met + inputs.in_progress + inputs.exception + inputs.not_met
    gap = (inputs.not_met + 0.5 * inputs.in_progress + 0.5 * inputs.exception) / total if total else 0.0
    score = min(100, round(100 * gap) + sum(FINDING_POINTS.get(sev, 0) * n for sev, n in findings.items()))
    reasons = []
    if total:
        reasons.append(f"{inputs.met} of {total} requirements met")
        if inputs.not_met:
            reasons.append(f"{inputs.not_met} not met")
        if inputs.in_progress:
            reasons.append(f"{inputs.in_progress} in progress")
        if inputs.exception:
            reasons.append(f"{inputs.exception} covered by an exception (risk accepted)")
    else:
        reasons.append("no requirement assessed: no control counted")
    for severity in ("critical", "high", "medium", "low"):
        if findings.get(severity):
            reasons.append(f"{findings[severity]} open {severity} finding(s)")

    if inputs.inherent_tier is None:
        return ResidualResult(None, score, ["no inherent tier yet", *reasons], inputs)
    serious = findings.get("critical", 0) + findings.get("high", 0)
    if total and gap == 0 and not serious and not findings.get("medium"):
        reduction, why = 2, "every requirement met, no open finding of medium severity or above: two levels lower"
    elif total and gap <= 0.25 and not serious:
        reduction, why = 1, "controls mostly in place (gap ≤ 25 %), no open high or critical finding: one level lower"
    else:
        reduction, why = 0, "controls do not lower the inherent tier"
    rating = min(int(Tier.LOW), inputs.inherent_tier + reduction)
    return ResidualResult(rating, score, [why, *reasons], inputs)
