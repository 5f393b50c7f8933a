"""Domain signals of the vendors app."""

from django.dispatch import Signal

# Sent with vendor, from_status, to_status (and actor) by apps.vendors.workflow.vendor_status_change.
vendor_status_changed = Signal()
