"""Vendors late to tell us of an incident, against their contract's breach-notification clause."""

import datetime

from django.core import mail
from django.utils import timezone

from apps.notifications.models import NotificationEvent
from apps.watch.services import incident_delays_check
from apps.watch.tasks import incident_delays_check as incident_delays_check_task
from tests.factories.incidents import IncidentFactory
from tests.factories.vendors import ContractFactory, VendorFactory

DETECTED = datetime.datetime(2025, 11, 9, tzinfo=datetime.UTC)


def vendor_with_clause(slug, hours):
    vendor = VendorFactory(slug=slug)
    ContractFactory(vendor=vendor, reference=f"{slug}-msa", breach_notification_hours=hours)
    return vendor


def told_after(hours, detected_at=DETECTED, **fields):
    notified_at = detected_at + datetime.timedelta(hours=hours) if hours is not None else None
    return IncidentFactory(vendor_detected_at=detected_at, vendor_notified_at=notified_at, **fields)


def test_the_mixpanel_delay_breaks_the_72_hour_clause(reviewer):
    told_after(384, vendor=vendor_with_clause("mixpanel", 72), slug="mixpanel-2025-11")
    assert incident_delays_check() == 1
    assert incident_delays_check() == 0
    payload = NotificationEvent.objects.get(kind="incident.notification_late").payload
    assert (payload["delay_hours"], payload["allowed_hours"], payload["contract"]) == (384.0, 72, "mixpanel-msa")
    assert payload["still_waiting"] is False


def test_prompt_vendors_closed_incidents_and_silent_contracts_are_quiet(reviewer):
    told_after(24, vendor=vendor_with_clause("prompt", 48))
    told_after(720, vendor=vendor_with_clause("closed", 48), status="closed")
    told_after(720, vendor=VendorFactory(slug="no-clause"))  # nothing to be late against (issue 4's rule)
    assert incident_delays_check() == 0


def test_a_vendor_still_silent_past_its_clause_is_late_already(reviewer):
    now = timezone.now()
    told_after(None, detected_at=now - datetime.timedelta(hours=100), vendor=vendor_with_clause("silent", 72))
    told_after(None, detected_at=now - datetime.timedelta(hours=10), vendor=vendor_with_clause("recent", 72))
    assert incident_delays_check(now=now) == 1
    payload = NotificationEvent.objects.get(kind="incident.notification_late").payload
    assert (payload["vendor"], payload["still_waiting"]) == ("silent", True)


def test_the_task_run_twice_mails_once(reviewer, django_capture_on_commit_callbacks):
    told_after(384, vendor=vendor_with_clause("mixpanel", 72), slug="mixpanel-2025-11")
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            incident_delays_check_task.delay()
    (message,) = mail.outbox
    assert message.subject == "[vendorrisk] Mixpanel was late to notify incident mixpanel-2025-11"
    assert "told us 384.0 h after detecting the breach; its contract mixpanel-msa allows 72 h." in message.body
