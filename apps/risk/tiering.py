"""The inherent risk tier of a vendor: one pure function, `compute_tier`, and the inputs it reads.

Gathering the inputs from the database is apps.risk.selectors' job; this module never queries, so the rule
can be read, tested and explained on its own.
"""

from dataclasses import dataclass, field, fields
from functools import lru_cache

from django.utils.translation import get_language

from apps.datamap.choices import Sensitivity
from apps.vendors.choices import Criticality, Tier

# Volume at which a breach stops being an incident and becomes an event: one tier higher.
HIGH_VOLUME_RECORDS = 1_000_000

_SENSITIVITY_FLOOR = {
    Sensitivity.CRITICAL: Tier.CRITICAL,
    Sensitivity.HIGH: Tier.HIGH,
    Sensitivity.MEDIUM: Tier.MEDIUM,
    Sensitivity.LOW: Tier.LOW,
}
_CRITICALITY_FLOOR = {
    Criticality.CRITICAL: Tier.CRITICAL,
    Criticality.HIGH: Tier.HIGH,
    Criticality.MEDIUM: Tier.MEDIUM,
    Criticality.LOW: Tier.LOW,
}


def _label(choice) -> str:
    """The choice's label in lower case, in the active language: translated once per language, not per vendor
    (a recompute of 10,000 vendors would otherwise spend seconds in gettext)."""
    return _translated_label(get_language(), choice)


@lru_cache(maxsize=256)
def _translated_label(language, choice) -> str:
    return str(choice.label).lower()


@dataclass(frozen=True)
class TierInputs:
    """What the tier is computed from. Only active flows (not ended) and categories marked shared count."""

    max_sensitivity: int | None = None  # highest Sensitivity among categories received; None: nothing received
    estimated_records: int | None = None  # sum over active flows; None: unknown
    client_side_sdk: bool = False  # the vendor's code runs in our web pages
    production_access: bool = False  # vendor staff or code can reach our production systems
    handles_secrets: bool = False  # the vendor stores or sees credentials or keys of ours
    business_criticality: str | None = None  # highest Criticality among its services
    categories: tuple[str, ...] = field(default=())  # codes received, kept for the record only

    def as_dict(self):
        # Not dataclasses.asdict: its deep copy of every value cost seconds over 10,000 tier changes.
        data = {name: getattr(self, name) for name in _INPUT_FIELDS}
        data["categories"] = list(self.categories)
        return data


_INPUT_FIELDS = tuple(f.name for f in fields(TierInputs))


@dataclass(frozen=True)
class TierResult:
    tier: int
    reasons: list[str]
    inputs: TierInputs


def compute_tier(inputs: TierInputs) -> TierResult:
    """Return the inherent risk tier (1 critical … 4 low) with the reasons that set it.

    Each rule below sets a floor: the vendor's tier can be no lower (no larger number) than that floor.
    The tier is the most severe floor, then raised once by volume. With no rule firing the tier is 4.

    | input                                   | floor  | why                                                    |
    |-----------------------------------------|--------|--------------------------------------------------------|
    | highest sensitivity received: critical  | tier 1 | secrets, special categories: harm is severe, lasting   |
    |                               high      | tier 2 |                                                        |
    |                               medium    | tier 3 | e.g. names and e-mail addresses                        |
    |                               low       | tier 4 |                                                        |
    | production access or handles secrets    | tier 1 | a breach of the vendor is a breach of us               |
    | business criticality critical/high/     | 1/2/   | losing the service hurts the business as much          |
    |                      medium/low         | 3/4    |                                                        |
    | client-side SDK (its code in our pages) | tier 2 | a script in our pages reads whatever the page shows,   |
    |                                         |        | whatever the data map declares (the Mixpanel lesson)   |
    | estimated records >= 1,000,000 and any  | +1     | one tier higher (never above tier 1): scale turns a    |
    | personal data received                  |        | breach into mass phishing material                     |

    Pure: no database access, same inputs give the same result.
    """
    floors = []
    if inputs.max_sensitivity is not None:
        sensitivity = Sensitivity(inputs.max_sensitivity)
        floors.append((_SENSITIVITY_FLOOR[sensitivity], f"receives {_label(sensitivity)}-sensitivity data"))
    if inputs.production_access:
        floors.append((Tier.CRITICAL, "has access to our production systems"))
    if inputs.handles_secrets:
        floors.append((Tier.CRITICAL, "stores or sees our secrets"))
    if inputs.business_criticality:
        criticality = Criticality(inputs.business_criticality)
        floors.append((_CRITICALITY_FLOOR[criticality], f"business criticality is {_label(criticality)}"))
    if inputs.client_side_sdk:
        floors.append((Tier.HIGH, "its code runs in our web pages (client-side SDK)"))

    tier = min((floor for floor, _ in floors), default=Tier.LOW)
    reasons = [reason for floor, reason in floors if floor == tier] or ["nothing raised the tier: low by default"]

    receives_data = inputs.max_sensitivity is not None
    if receives_data and (inputs.estimated_records or 0) >= HIGH_VOLUME_RECORDS and tier > Tier.CRITICAL:
        tier -= 1
        reasons.append(f"about {inputs.estimated_records:,} records: one tier higher")
    return TierResult(tier=int(tier), reasons=reasons, inputs=inputs)
