"""Domain signals of the incidents app."""

from django.dispatch import Signal

# Sent with incident by the service that records an incident, inside its transaction.
incident_recorded = Signal()
