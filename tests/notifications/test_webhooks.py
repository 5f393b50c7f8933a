"""Signed webhooks: the receiver verifies them with the standardwebhooks package and refuses tampered or replayed
ones; retries back off on 5xx and network errors; one delivery per (event, endpoint) however often the task runs;
only http(s), no redirects."""

import json
import time

import pytest
from django.core.exceptions import ValidationError
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from apps.notifications import signing
from apps.notifications.choices import DeliveryStatus, EventKind
from apps.notifications.models import WebhookDelivery, WebhookEndpoint
from apps.notifications.services import event_emit, webhook_endpoint_create, webhook_endpoint_secret_rotate
from apps.notifications.tasks import deliver_webhook
from tests.factories.vendors import VendorFactory


def emit_incident(key="incident-recorded:7"):
    vendor = VendorFactory(slug="mixpanel")
    return event_emit(
        kind=EventKind.INCIDENT_RECORDED,
        subject_type="incident",
        subject_id=7,
        payload={"vendor_id": vendor.pk, "vendor": "mixpanel", "severity": "high"},
        dedupe_key=key,
    )


@pytest.fixture
def endpoint_and_secret(db, webhook_receiver):
    return webhook_endpoint_create(name="dashboard", url=webhook_receiver.url)


def test_the_receiver_verifies_the_signature_with_the_standardwebhooks_package(
    endpoint_and_secret, webhook_receiver, django_capture_on_commit_callbacks
):
    _, secret = endpoint_and_secret
    assert secret.startswith("whsec_")
    with django_capture_on_commit_callbacks(execute=True):
        event = emit_incident()

    (request,) = webhook_receiver.requests
    body = Webhook(secret).verify(request.body, request.headers)  # raises unless the signature holds
    assert request.headers["webhook-id"] == str(event.uuid)
    assert request.headers["webhook-signature"].startswith("v1,")
    assert abs(int(request.headers["webhook-timestamp"]) - time.time()) < 60
    assert request.headers["X-Vendorrisk-Event-Kind"] == "incident.recorded"
    assert "X-Vendorrisk-Signature" not in request.headers, "the old unsigned-timestamp scheme is gone"
    assert body["id"] == str(event.uuid)
    assert body["kind"] == "incident.recorded"
    assert body["subject"] == {"type": "incident", "id": "7"}
    assert body["data"]["severity"] == "high"
    assert json.loads(request.body) == body


def refused(secret, body, headers):
    with pytest.raises(WebhookVerificationError) as error:
        Webhook(secret).verify(body, headers)
    return str(error.value)


def test_a_tampered_body_a_moved_timestamp_a_replay_or_another_secret_is_refused(
    endpoint_and_secret, webhook_receiver, django_capture_on_commit_callbacks
):
    _, secret = endpoint_and_secret
    with django_capture_on_commit_callbacks(execute=True):
        emit_incident()
    (request,) = webhook_receiver.requests
    headers = request.headers

    tampered = request.body.replace(b'"high"', b'"low"')
    assert tampered != request.body
    assert refused(secret, tampered, headers) == "No matching signature found"
    # The timestamp is signed: moving it, even by a few seconds, breaks the signature.
    moved = {**headers, "webhook-timestamp": str(int(headers["webhook-timestamp"]) - 5)}
    assert refused(secret, request.body, moved) == "No matching signature found"
    assert refused(signing.secret_generate(), request.body, headers) == "No matching signature found"

    # A capture replayed 10 minutes later: properly signed at the time, now too old.
    old = signing.signed_headers(
        secret=secret, message_id=headers["webhook-id"], body=request.body, at=time.time() - 600
    )
    assert refused(secret, request.body, old) == "Message timestamp too old"


def test_retries_on_500_then_succeeds_with_the_attempts_logged(
    eager_retries, endpoint_and_secret, webhook_receiver, django_capture_on_commit_callbacks
):
    webhook_receiver.statuses = [500, 503]
    with django_capture_on_commit_callbacks(execute=True):
        emit_incident()

    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.SUCCEEDED
    assert delivery.attempts == 3
    assert delivery.last_status_code == 200
    assert delivery.last_duration_ms is not None
    assert delivery.delivered_at is not None
    assert len(webhook_receiver.requests) == 3
    assert len({r.body for r in webhook_receiver.requests}) == 1, "every attempt sends the same bytes"


def test_a_delivery_task_run_again_sends_nothing_again(
    endpoint_and_secret, webhook_receiver, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        emit_incident()
    delivery = WebhookDelivery.objects.get()
    deliver_webhook.delay(delivery.pk)
    deliver_webhook.delay(delivery.pk)
    delivery.refresh_from_db()
    assert len(webhook_receiver.requests) == 1
    assert delivery.attempts == 1


def test_gives_up_after_the_last_retry_and_logs_the_network_error(
    eager_retries, db, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(deliver_webhook, "max_retries", 2)
    webhook_endpoint_create(name="gone", url="http://127.0.0.1:9/nobody-listens")
    with django_capture_on_commit_callbacks(execute=True):
        emit_incident()
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.attempts == 3
    assert delivery.last_status_code is None
    assert delivery.last_error == "connection refused", "a category, not the socket's text"


def test_a_4xx_fails_at_once_without_retrying(
    endpoint_and_secret, webhook_receiver, django_capture_on_commit_callbacks
):
    webhook_receiver.statuses = [410]
    with django_capture_on_commit_callbacks(execute=True):
        emit_incident()
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (DeliveryStatus.FAILED, 1, 410)


def test_a_redirect_is_not_followed(endpoint_and_secret, webhook_receiver, django_capture_on_commit_callbacks):
    webhook_receiver.statuses = [302]
    with django_capture_on_commit_callbacks(execute=True):
        emit_incident()
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.last_status_code) == (DeliveryStatus.FAILED, 302)
    assert len(webhook_receiver.requests) == 1


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.com/x", "gopher://example.com", "http://"])
def test_only_http_and_https_urls_are_accepted(db, url):
    with pytest.raises(ValidationError) as error:
        webhook_endpoint_create(name="bad", url=url)
    assert "url" in error.value.message_dict
    assert not WebhookEndpoint.objects.exists()


def test_a_url_changed_behind_the_services_back_is_still_refused_at_send_time(
    endpoint_and_secret, django_capture_on_commit_callbacks
):
    endpoint, _ = endpoint_and_secret
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(url="file:///etc/passwd")
    with django_capture_on_commit_callbacks(execute=True):
        emit_incident()
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED
    assert "not http(s)" in delivery.last_error


def test_unknown_event_kinds_and_taken_names_are_refused(endpoint_and_secret):
    with pytest.raises(ValidationError) as error:
        webhook_endpoint_create(name="x", url="https://example.com/h", event_kinds=["vendor.exploded"])
    assert "event_kinds" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        webhook_endpoint_create(name="dashboard", url="https://example.com/h")
    assert "name" in error.value.message_dict


def test_an_endpoint_only_gets_the_kinds_it_asked_for(db, webhook_receiver, django_capture_on_commit_callbacks):
    webhook_endpoint_create(name="vendors-only", url=webhook_receiver.url, event_kinds=["vendor.status_changed"])
    with django_capture_on_commit_callbacks(execute=True):
        emit_incident()
    assert not WebhookDelivery.objects.exists()
    assert webhook_receiver.requests == []


def test_a_rotated_secret_signs_the_next_deliveries(
    endpoint_and_secret, webhook_receiver, django_capture_on_commit_callbacks
):
    endpoint, old_secret = endpoint_and_secret
    new_secret = webhook_endpoint_secret_rotate(endpoint=endpoint)
    assert new_secret != old_secret and new_secret.startswith("whsec_") and len(new_secret) >= 40
    with django_capture_on_commit_callbacks(execute=True):
        emit_incident()
    (request,) = webhook_receiver.requests
    Webhook(new_secret).verify(request.body, request.headers)
    assert refused(old_secret, request.body, request.headers) == "No matching signature found"


def test_without_a_broker_a_receiver_that_is_down_does_not_fail_the_change_that_caused_the_event(
    db, django_capture_on_commit_callbacks
):
    webhook_endpoint_create(name="down", url="http://127.0.0.1:9/nobody-listens")
    with django_capture_on_commit_callbacks(execute=True):
        event = emit_incident()  # eager tasks propagate errors, yet the committed change stands
    assert event.pk is not None
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.RETRYING, 1)


def test_the_demo_endpoint_exists_once_and_sends_nothing(db):
    from apps.notifications import demo

    demo.setup()
    demo.setup()
    endpoint = WebhookEndpoint.objects.get()
    assert (endpoint.name, endpoint.is_active) == ("local-dashboard", False)
    assert not endpoint.wants(EventKind.INCIDENT_RECORDED)


def test_secrets_made_before_standard_webhooks_are_migrated_keeping_the_same_key(db):
    import base64
    import hashlib
    import hmac
    import importlib

    from django.apps import apps

    migration = importlib.import_module("apps.notifications.migrations.0003_webhook_secrets_whsec_form")
    old_secret = "Zk3q-old_token_urlsafe_secret-made-by-version-1"
    endpoint, _ = webhook_endpoint_create(name="legacy", url="https://dash.example.com/h")
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(secret=old_secret)

    migration.to_whsec(apps, None)
    migration.to_whsec(apps, None)  # running twice converts once
    endpoint.refresh_from_db()
    assert endpoint.secret == "whsec_" + base64.b64encode(old_secret.encode()).decode()
    headers = signing.signed_headers(secret=endpoint.secret, message_id="msg_1", body=b"{}", at=1_700_000_000)
    expected = hmac.new(old_secret.encode(), b"msg_1.1700000000.{}", hashlib.sha256).digest()
    assert headers["webhook-signature"] == "v1," + base64.b64encode(expected).decode()

    migration.from_whsec(apps, None)
    endpoint.refresh_from_db()
    assert endpoint.secret == old_secret
