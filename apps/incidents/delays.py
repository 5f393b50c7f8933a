"""How late we were told of an incident, and how late we told others.

Two clocks: the vendor's (its detection → the moment it told us or sent us the data set, against the
breach-notification clause of its contract) and ours (our awareness → our public disclosure, against the
72 hours of GDPR Art. 33). Issue 5 (late-notification finding) and issue 6 (reports) read these names.
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone

GDPR_ART33_HOURS = 72


@dataclass(frozen=True)
class NotificationDelays:
    vendor_detected_at: datetime.datetime | None
    vendor_notified_at: datetime.datetime | None
    dataset_received_at: datetime.datetime | None
    # The moment we were told: the earliest of vendor_notified_at and dataset_received_at that exists.
    told_at: datetime.datetime | None
    # Detection → told, in hours. While we have not been told, the hours elapsed so far (still running).
    delay_hours: float | None
    still_waiting: bool
    contract_reference: str | None
    contract_clause_hours: int | None
    contract_breached: bool | None
    # Our awareness: when we recorded becoming aware, else the moment we were told.
    aware_at: datetime.datetime | None
    public_disclosure_at: datetime.datetime | None
    disclosure_hours: float | None
    gdpr_limit_hours: int
    gdpr_breached: bool | None


def hours_between(start, end):
    return round((end - start).total_seconds() / 3600, 1)


def contract_at_detection(incident):
    """The vendor's contract in force when the vendor detected the breach, else its latest contract (or None).

    Uses the prefetched `vendor.contracts` when the caller prefetched them (constant queries in lists).
    """
    contracts = sorted(incident.vendor.contracts.all(), key=lambda c: c.starts_on, reverse=True)
    if not contracts:
        return None
    if incident.vendor_detected_at:
        detected_on = timezone.localdate(incident.vendor_detected_at, datetime.UTC)
        for contract in contracts:
            if contract.starts_on <= detected_on and (contract.ends_on is None or contract.ends_on >= detected_on):
                return contract
    return contracts[0]


def _breached(hours, limit):
    if hours is None or limit is None:
        return None
    return hours > limit


def notification_delays(incident, *, now=None) -> NotificationDelays:
    """The notification delays of an incident. Unknown times give None, never a guess.

    A clock that is still running (detected but not yet told; aware but not yet disclosed) counts up to
    `now`: it can already be breached, but it cannot yet be declared on time.
    """
    now = now or timezone.now()
    told_candidates = [t for t in (incident.vendor_notified_at, incident.dataset_received_at) if t]
    told_at = min(told_candidates) if told_candidates else None
    detected_at = incident.vendor_detected_at

    contract = contract_at_detection(incident)
    clause_hours = contract.breach_notification_hours if contract else None

    delay_hours = None
    contract_breached = None
    if detected_at and told_at:
        delay_hours = hours_between(detected_at, told_at)
        contract_breached = _breached(delay_hours, clause_hours)
    elif detected_at:
        delay_hours = hours_between(detected_at, now)
        contract_breached = True if _breached(delay_hours, clause_hours) else None

    aware_at = incident.we_became_aware_at or told_at
    disclosed_at = incident.public_disclosure_at
    disclosure_hours = None
    gdpr_breached = None
    if aware_at and disclosed_at:
        disclosure_hours = hours_between(aware_at, disclosed_at)
        gdpr_breached = _breached(disclosure_hours, GDPR_ART33_HOURS)
    elif aware_at and _breached(hours_between(aware_at, now), GDPR_ART33_HOURS):
        gdpr_breached = True

    return NotificationDelays(
        vendor_detected_at=detected_at,
        vendor_notified_at=incident.vendor_notified_at,
        dataset_received_at=incident.dataset_received_at,
        told_at=told_at,
        delay_hours=delay_hours,
        still_waiting=bool(detected_at and not told_at),
        contract_reference=contract.reference if contract else None,
        contract_clause_hours=clause_hours,
        contract_breached=contract_breached,
        aware_at=aware_at,
        public_disclosure_at=disclosed_at,
        disclosure_hours=disclosure_hours,
        gdpr_limit_hours=GDPR_ART33_HOURS,
        gdpr_breached=gdpr_breached,
    )
