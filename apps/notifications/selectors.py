"""Reads of the notifications app."""

from django.contrib.auth import get_user_model
from django.db.models import Q

from apps.accounts.roles import SECURITY_REVIEWER
from apps.vendors.models import Vendor

from .models import WebhookEndpoint


def event_recipients(*, payload):
    """Emails to notify of an event: every active security reviewer, and the vendor's owner when the event names one.

    Sorted and without duplicates, so the same event always yields the same list.
    """
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    reviewers = Q(groups__name=SECURITY_REVIEWER)
    # A person the event concerns directly, such as the buyer whose intake review was decided.
    named = Q(pk__in=payload.get("notify_user_ids") or [])
    emails = {e.lower() for e in users.filter(reviewers | named).values_list("email", flat=True)}
    vendor_id = payload.get("vendor_id")
    if vendor_id:
        owner_email = (
            Vendor.objects.filter(pk=vendor_id, owner__is_active=True).values_list("owner__email", flat=True).first()
        )
        if owner_email:
            emails.add(owner_email.lower())
    return sorted(emails)


def endpoints_for_kind(*, kind):
    """Active endpoints that asked for this kind of event (an empty list of kinds means all)."""
    return [endpoint for endpoint in WebhookEndpoint.objects.filter(is_active=True) if endpoint.wants(kind)]
