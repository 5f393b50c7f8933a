"""event_emit: an event is recorded once, and its emails and webhooks leave only when the transaction commits."""

import pytest
from django.core import mail
from django.db import transaction

from apps.notifications.choices import DeliveryStatus, EventKind
from apps.notifications.models import EmailNotification, NotificationEvent, WebhookDelivery
from apps.notifications.services import event_emit, webhook_endpoint_create
from tests.factories.accounts import UserFactory
from tests.factories.vendors import VendorFactory


def emit(vendor, key="evidence-expiring:1:30"):
    return event_emit(
        kind=EventKind.EVIDENCE_EXPIRING,
        subject_type="document",
        subject_id=1,
        payload={"vendor_id": vendor.pk, "vendor": vendor.slug, "title": "SOC 2 expires soon"},
        dedupe_key=key,
    )


@pytest.fixture
def owner(db):
    return UserFactory(username="owner")


@pytest.fixture
def vendor(owner):
    return VendorFactory(slug="mixpanel", owner=owner)


def test_an_event_emitted_twice_is_recorded_and_sent_once(
    reviewer, second_reviewer, vendor, webhook_receiver, django_capture_on_commit_callbacks
):
    webhook_endpoint_create(name="dashboard", url=webhook_receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        first = emit(vendor)
    with django_capture_on_commit_callbacks(execute=True):
        second = emit(vendor)

    assert first is not None and second is None
    assert NotificationEvent.objects.count() == 1
    assert sorted(m.to[0] for m in mail.outbox) == [
        "owner@example.com",
        "reviewer2@example.com",
        "reviewer@example.com",
    ]
    assert mail.outbox[0].subject == "[vendorrisk] SOC 2 expires soon"
    assert len(webhook_receiver.requests) == 1
    assert WebhookDelivery.objects.get().status == DeliveryStatus.SUCCEEDED
    assert set(EmailNotification.objects.values_list("status", flat=True)) == {DeliveryStatus.SUCCEEDED}


def test_recipients_are_reviewers_and_the_vendor_owner_only(
    reviewer, buyer, vendor, django_capture_on_commit_callbacks
):
    UserFactory(role="security-reviewer", username="former", is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        emit(vendor)
    assert sorted(m.to[0] for m in mail.outbox) == ["owner@example.com", "reviewer@example.com"]


def test_nothing_is_recorded_or_sent_when_the_transaction_rolls_back(
    reviewer, vendor, webhook_receiver, django_capture_on_commit_callbacks
):
    webhook_endpoint_create(name="dashboard", url=webhook_receiver.url)
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        emit(vendor)
        raise RuntimeError("the change that caused the event failed")
    assert callbacks == []
    assert NotificationEvent.objects.count() == 0
    assert mail.outbox == []
    assert webhook_receiver.requests == []


def test_nothing_leaves_before_commit(reviewer, vendor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        emit(vendor)
    assert mail.outbox == []
    assert len(callbacks) == 2  # one email for the reviewer, one for the owner
