"""The register's event handler, in the shape of django-oscar's `EventHandler`.

A write in one app can have consequences in others: a flow that changes what a vendor receives moves its
tier; an incident of high severity puts the vendor under review. The domain services stay unaware of each
other (apps depend downwards), and these consequences are explicit calls made here, one layer up, in the
same transaction as the write. Django signals are left for notifications only.
"""

from django.db import transaction

from apps.dashboard.services import summaries_refresh
from apps.incidents.choices import Severity
from apps.reviews.services import incident_response_open
from apps.risk.services import tiers_recompute_all

RESPONSE_SEVERITIES = frozenset({Severity.HIGH, Severity.CRITICAL})


class EventHandler:
    """Applies the consequences of register writes. One instance per write, carrying who made it."""

    def __init__(self, actor=None):
        self.actor = actor

    @transaction.atomic
    def data_map_changed(self, *, vendor_ids) -> None:
        """What these vendors receive changed: refresh their dashboard summaries and recompute their tiers, both
        set-based (a fixed number of queries for the whole set, whether one vendor or an import's thousands)."""
        summaries_refresh(vendor_ids=vendor_ids)
        tiers_recompute_all(vendor_ids=vendor_ids, actor=self.actor)

    @transaction.atomic
    def category_changed(self, *, vendor_ids) -> None:
        """A category's personal-data flag or sensitivity changed: its receivers' summaries count it anew."""
        summaries_refresh(vendor_ids=vendor_ids)

    @transaction.atomic
    def incident_recorded(self, *, incident) -> None:
        """A new incident: high or critical opens the incident response (under review, review, late finding)."""
        if incident.severity in RESPONSE_SEVERITIES:
            incident_response_open(incident=incident, actor=self.actor or incident.recorded_by)

    @transaction.atomic
    def incident_changed(self, *, incident, previous_severity) -> None:
        """An incident's severity was raised into high or critical: open the response, exactly once.

        The response itself is idempotent (one incident-triggered review per incident), so raising from high to
        critical, or saving twice, opens nothing more.
        """
        if incident.severity in RESPONSE_SEVERITIES and previous_severity not in RESPONSE_SEVERITIES:
            incident_response_open(incident=incident, actor=self.actor or incident.recorded_by)
