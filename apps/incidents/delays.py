"""How late the vendor told us of an incident: its detection → the moment it told us or sent us the data set,
against the breach-notification clause of its contract. Issue 5 (late-notification finding), the watch and
the reports read these names.

The law's clocks (GDPR Art. 33(1), 33(2), 34; DORA Art. 19), per role and from our recorded awareness, are
apps.incidents.obligations' (issue 16): this module no longer guesses our awareness from the vendor's notice.
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone


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

    A clock that is still running (detected but not yet told) counts up to
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
    )
