"""How late the vendor told us, against its contract clause and against GDPR's 72 hours.

Issue 4 owns the register's own evaluation (apps.incidents.delays); the report needs the same figures without
waiting for it, from the incident's dates and the vendor's contracts, both already fetched by the selector.
"""

GDPR_NOTIFICATION_HOURS = 72


def _contract_in_force(contracts, moment):
    """The contract that bound the vendor when it detected the breach; else the newest one with a clause."""
    with_clause = [c for c in contracts if c.breach_notification_hours is not None]
    if moment is not None:
        day = moment.date()
        for contract in with_clause:
            if contract.starts_on <= day and (contract.ends_on is None or contract.ends_on >= day):
                return contract
    return max(with_clause, key=lambda c: c.starts_on, default=None)


def notification_delays(*, incident, contracts):
    """Hours from the vendor's detection to the first time it is known to have told us.

    When the vendor's first notice has no recorded date, the day we received the affected data set stands
    in for it (`notified_basis` says which): that is the latest moment we are sure to have been told.
    """
    notified_at, basis = incident.vendor_notified_at, "vendor_notified_at"
    if notified_at is None and incident.dataset_received_at is not None:
        notified_at, basis = incident.dataset_received_at, "dataset_received_at"
    delay_hours = None
    if incident.vendor_detected_at and notified_at:
        delay_hours = round((notified_at - incident.vendor_detected_at).total_seconds() / 3600, 1)
        if delay_hours == int(delay_hours):
            delay_hours = int(delay_hours)
    contract = _contract_in_force(contracts, incident.vendor_detected_at)
    clause = contract.breach_notification_hours if contract else None
    return {
        "vendor_detected_at": incident.vendor_detected_at.isoformat() if incident.vendor_detected_at else None,
        "vendor_notified_at": notified_at.isoformat() if notified_at else None,
        "notified_basis": basis if notified_at else None,
        "delay_hours": delay_hours,
        "contract_reference": contract.reference if contract else None,
        "contract_clause_hours": clause,
        "contract_breached": None if delay_hours is None or clause is None else delay_hours > clause,
        "gdpr_exceeded": None if delay_hours is None else delay_hours > GDPR_NOTIFICATION_HOURS,
    }
