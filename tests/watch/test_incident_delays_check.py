"""Vendors late to tell us of an incident, against their contract clause or GDPR's 72 hours."""

import datetime

from django.core import mail
from django.utils import timezone

from apps.notifications.models import NotificationEvent
from apps.watch.services import incident_delays_check
from apps.watch.tasks import incident_delays_check as incident_delays_check_task
from tests.factories.incidents import IncidentFactory
from tests.factories.vendors import ContractFactory, VendorFactory

DETECTED = datetime.datetime(2025, 11, 9, tzinfo=datetime.UTC)


def told_after(hours, **fields):
    return IncidentFactory(
        vendor_detected_at=DETECTED, vendor_notified_at=DETECTED + datetime.timedelta(hours=hours), **fields
    )


def test_the_mixpanel_delay_breaks_the_72_hour_clause(reviewer):
    vendor = VendorFactory(slug="mixpanel")
    ContractFactory(vendor=vendor, reference="mixpanel-msa", breach_notification_hours=72)
    told_after(384, vendor=vendor, slug="mixpanel-2025-11")
    assert incident_delays_check() == 1
    assert incident_delays_check() == 0
    payload = NotificationEvent.objects.get().payload
    assert (payload["delay_hours"], payload["allowed_hours"], payload["basis"]) == (384.0, 72, "mixpanel-msa")
    assert payload["still_waiting"] is False


def test_prompt_vendors_and_closed_incidents_are_quiet(reviewer):
    vendor = VendorFactory(slug="prompt")
    ContractFactory(vendor=vendor, breach_notification_hours=48)
    IncidentFactory(
        vendor=vendor, vendor_detected_at=DETECTED, vendor_notified_at=DETECTED + datetime.timedelta(hours=24)
    )
    IncidentFactory(
        vendor_detected_at=DETECTED, vendor_notified_at=DETECTED + datetime.timedelta(days=30), status="closed"
    )
    assert incident_delays_check() == 0


def test_a_silent_vendor_is_late_under_gdpr_when_the_contract_says_nothing(reviewer):
    now = timezone.now()
    IncidentFactory(vendor_detected_at=now - datetime.timedelta(hours=100), vendor_notified_at=None)
    IncidentFactory(vendor_detected_at=now - datetime.timedelta(hours=10), vendor_notified_at=None)
    assert incident_delays_check(now=now) == 1
    payload = NotificationEvent.objects.get().payload
    assert (payload["basis"], payload["allowed_hours"], payload["still_waiting"]) == ("gdpr-72h", 72, True)


def test_the_task_run_twice_mails_once(reviewer, django_capture_on_commit_callbacks):
    IncidentFactory(
        vendor=VendorFactory(slug="mixpanel"),
        vendor_detected_at=DETECTED,
        vendor_notified_at=DETECTED + datetime.timedelta(hours=384),
    )
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            incident_delays_check_task.delay()
    assert [m.subject for m in mail.outbox] == [
        "[vendorrisk] Mixpanel was late to notify incident " + NotificationEvent.objects.get().payload["incident"]
    ]
