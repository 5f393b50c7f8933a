"""Sent with kwargs: intake_request."""

from django.dispatch import Signal

intake_submitted = Signal()
