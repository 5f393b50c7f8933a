"""Receivers of the reviews app. Connected in ReviewsConfig.ready()."""

from django.dispatch import receiver

from apps.incidents.signals import incident_recorded

from .services import incident_response_open


@receiver(incident_recorded, dispatch_uid="reviews.incident_recorded")
def open_incident_review(sender, incident, actor=None, **kwargs):
    """A high or critical incident puts its vendor under review, in the same transaction as the incident."""
    incident_response_open(incident=incident, actor=actor or incident.recorded_by)
