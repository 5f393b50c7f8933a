"""Sent with kwargs: vendor, from_status, to_status."""

from django.dispatch import Signal

vendor_status_changed = Signal()
