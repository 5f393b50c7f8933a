"""Email notifications: one per (event, recipient), retried when the mail server fails, never sent twice."""

import pytest
from django.core import mail

from apps.notifications.choices import DeliveryStatus, EventKind
from apps.notifications.models import EmailNotification
from apps.notifications.services import event_emit
from apps.notifications.tasks import send_email
from tests.factories.vendors import VendorFactory


def emit():
    vendor = VendorFactory(slug="mixpanel")
    return event_emit(
        kind=EventKind.CONTRACT_ENDING,
        subject_type="contract",
        subject_id=3,
        payload={"vendor_id": vendor.pk, "vendor": "mixpanel", "title": "Contract ends", "summary": "Ends on 1 Jan."},
        dedupe_key="contract-ending:3:2027-01-01:30",
    )


def test_the_email_says_what_happened(reviewer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        event = emit()
    (message,) = mail.outbox
    assert message.to == ["reviewer@example.com"]
    assert message.subject == "[vendorrisk] Contract ends"
    assert "Ends on 1 Jan." in message.body
    assert str(event.uuid) in message.body
    assert "Vendor: mixpanel" in message.body


def test_a_mail_server_failure_is_retried_then_sent_once(
    eager_retries, reviewer, flaky_mail, django_capture_on_commit_callbacks
):
    flaky_mail.failures = 2
    with django_capture_on_commit_callbacks(execute=True):
        emit()
    email = EmailNotification.objects.get()
    assert (email.status, email.attempts, email.last_error) == (DeliveryStatus.SUCCEEDED, 3, "")
    assert len(mail.outbox) == 1


def test_a_send_task_run_twice_sends_once(reviewer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        emit()
    email = EmailNotification.objects.get()
    send_email.delay(email.pk)
    send_email.delay(email.pk)
    email.refresh_from_db()
    assert len(mail.outbox) == 1
    assert email.attempts == 1


def test_gives_up_after_the_last_retry(
    eager_retries, reviewer, flaky_mail, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(send_email, "max_retries", 1)
    flaky_mail.failures = 5
    with django_capture_on_commit_callbacks(execute=True):
        emit()
    email = EmailNotification.objects.get()
    assert (email.status, email.attempts) == (DeliveryStatus.FAILED, 2)
    assert "mail server down" in email.last_error
    assert mail.outbox == []


@pytest.mark.parametrize("owner_email", ["", "owner@example.com"])
def test_an_owner_without_email_is_skipped(db, reviewer, owner_email, django_capture_on_commit_callbacks):
    from tests.factories.accounts import UserFactory

    owner = UserFactory(username="owner", email=owner_email)
    VendorFactory(slug="mixpanel", owner=owner)
    with django_capture_on_commit_callbacks(execute=True):
        emit()
    expected = {"reviewer@example.com"} | ({owner_email} if owner_email else set())
    assert {m.to[0] for m in mail.outbox} == expected


def test_sends_whose_task_was_lost_are_requeued_once(reviewer, webhook_receiver, django_capture_on_commit_callbacks):
    import datetime

    from django.utils import timezone

    from apps.notifications.models import WebhookDelivery
    from apps.notifications.services import deliveries_requeue_stale, webhook_endpoint_create
    from apps.notifications.tasks import requeue_stale

    webhook_endpoint_create(name="dashboard", url=webhook_receiver.url)
    with django_capture_on_commit_callbacks(execute=False):  # the broker was down: the enqueue never happened
        emit()
    assert (mail.outbox, webhook_receiver.requests) == ([], [])
    assert deliveries_requeue_stale() == 0, "fresh rows may still have their task on the way"

    three_hours_ago = timezone.now() - datetime.timedelta(hours=3)
    EmailNotification.objects.update(updated_at=three_hours_ago)
    WebhookDelivery.objects.update(updated_at=three_hours_ago)
    requeue_stale.delay()
    requeue_stale.delay()
    assert len(mail.outbox) == 1
    assert len(webhook_receiver.requests) == 1
    assert EmailNotification.objects.get().status == DeliveryStatus.SUCCEEDED
    assert WebhookDelivery.objects.get().status == DeliveryStatus.SUCCEEDED
