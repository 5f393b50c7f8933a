"""Sent with kwargs: incident."""

from django.dispatch import Signal

incident_recorded = Signal()
