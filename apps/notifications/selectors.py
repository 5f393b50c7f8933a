"""Reads of the notifications app."""

from django.contrib.auth import get_user_model
from django.db.models import Q

from apps.accounts.roles import SECURITY_REVIEWER
from apps.vendors.models import Vendor

from .models import NotificationEvent, WebhookEndpoint


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


# Keys per query: under SQLite's 32,766 and PostgreSQL's 65,535 bound parameters.
DEDUPE_KEYS_PER_QUERY = 20_000


def dedupe_keys_sent(*, keys) -> set[str]:
    """Which of these dedupe keys already name an event: one query per 20,000 keys, whatever was sent before.

    Lets a scheduled check skip what it announced earlier without one round trip per candidate.
    """
    keys = sorted(set(keys))
    sent = set()
    for start in range(0, len(keys), DEDUPE_KEYS_PER_QUERY):
        chunk = keys[start : start + DEDUPE_KEYS_PER_QUERY]
        sent.update(NotificationEvent.objects.filter(dedupe_key__in=chunk).values_list("dedupe_key", flat=True))
    return sent
