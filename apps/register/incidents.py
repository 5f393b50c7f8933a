"""Door-facing incident writes: the domain service, then its consequences in other apps, in one transaction.

The admin and the API call these, never apps.incidents.services directly for an incident's own record, so a
high or critical incident opens its response whichever door it came through.
"""

from django.db import transaction

from apps.incidents import services
from apps.incidents.models import Incident

from .handlers import EventHandler


@transaction.atomic
def incident_create(*, recorded_by, **fields) -> Incident:
    """Record an incident (see apps.incidents.services.incident_record for the fields), then open the incident
    response when it is high or critical."""
    incident = services.incident_record(recorded_by=recorded_by, **fields)
    EventHandler(recorded_by).incident_recorded(incident=incident)
    return incident


@transaction.atomic
def incident_update(*, incident: Incident, actor, **changes) -> Incident:
    """Edit an incident (see apps.incidents.services.incident_update), then open the response if the edit
    raised it into high or critical. Raising it again later (critical → high → critical) opens nothing more:
    the response keeps one incident-triggered review per incident."""
    incident, previous_severity = services.incident_update(incident=incident, **changes)
    EventHandler(actor).incident_changed(incident=incident, previous_severity=previous_severity)
    return incident
