"""Writes of the notifications app: emitting events once, and delivering them by email and signed webhook.

Delivery is at least once per (event, recipient) and (event, endpoint): the row is locked while it is sent and
marked done in the same transaction, so a task run twice sends nothing twice; a worker that dies mid-send rolls
the row back and the redelivered task sends again (receivers deduplicate on the event id header).
"""

import datetime
import json
import logging
import smtplib
import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from apps.core.headers import header_safe

from . import egress, signing
from .choices import DeliveryStatus, EventKind
from .models import EmailNotification, NotificationEvent, WebhookDelivery, WebhookEndpoint
from .selectors import endpoints_for_kind, event_recipients

# Each delivery attempt is one log line; it carries the request id of the request that caused the event
# (apps/operations/request_id.py), so a receiver's complaint can be traced back to the reviewer's action.
logger = logging.getLogger("vendorrisk.webhooks")

DONE = (DeliveryStatus.SUCCEEDED, DeliveryStatus.FAILED)


class TransientDeliveryError(Exception):
    """A delivery failed in a way worth retrying (network error, timeout, HTTP 5xx/429/408, SMTP error)."""


def url_check(url):
    """Raises ValidationError naming `url` unless it is http(s) with a host that is, and resolves to, public
    addresses only (apps.notifications.egress: no loopback, private, link-local or metadata address)."""
    try:
        egress.url_is_allowed(url)
    except (ValueError, egress.AddressNotAllowed) as exc:
        raise ValidationError({"url": str(exc)}) from exc


def _event_kinds_check(event_kinds):
    unknown = sorted(set(event_kinds) - set(EventKind.values))
    if unknown:
        raise ValidationError({"event_kinds": f"Unknown event kinds: {', '.join(unknown)}."})


@transaction.atomic
def webhook_endpoint_create(
    *, name: str, url: str, event_kinds: list[str] | None = None, is_active: bool = True
) -> tuple:
    """Create an endpoint with a fresh secret. Returns (endpoint, secret): the only time the secret is shown.

    Raises ValidationError naming `url` (not http/https), `event_kinds` (unknown kind) or `name` (taken).
    """
    url_check(url)
    _event_kinds_check(event_kinds or [])
    if WebhookEndpoint.objects.filter(name=name).exists():
        raise ValidationError({"name": "An endpoint with this name exists."})
    secret = signing.secret_generate()
    endpoint = WebhookEndpoint.objects.create(
        name=name, url=url, event_kinds=list(event_kinds or []), is_active=is_active, secret=secret
    )
    return endpoint, secret


@transaction.atomic
def webhook_endpoint_update(
    *, endpoint: WebhookEndpoint, name: str, url: str, event_kinds: list[str], is_active: bool
) -> WebhookEndpoint:
    """Change an endpoint's name, address, events or activity; its secret stays (rotate it on its own).

    Raises ValidationError as webhook_endpoint_create does.
    """
    url_check(url)
    _event_kinds_check(event_kinds or [])
    if WebhookEndpoint.objects.filter(name=name).exclude(pk=endpoint.pk).exists():
        raise ValidationError({"name": "An endpoint with this name exists."})
    endpoint.name, endpoint.url, endpoint.event_kinds, endpoint.is_active = name, url, list(event_kinds), is_active
    endpoint.full_clean()
    endpoint.save()
    return endpoint


@transaction.atomic
def webhook_endpoint_secret_rotate(*, endpoint: WebhookEndpoint) -> str:
    """Replace the endpoint's secret and return the new one (shown once). Deliveries from now on use it."""
    endpoint.secret = signing.secret_generate()
    endpoint.save(update_fields=["secret", "updated_at"])
    return endpoint.secret


def _enqueue_on_commit(task, object_id):
    # robust: the change that caused the event is committed; a broker that is down (or, without a broker, a receiver
    # failing an eager task) is logged and must not turn that committed change into an error for the user.
    transaction.on_commit(lambda: task.delay(object_id), robust=True)


@transaction.atomic
def event_emit(*, kind: str, subject_type: str, subject_id, payload: dict, dedupe_key: str):
    """Record an event once and, when the transaction commits, send its emails and webhooks.

    Returns the new NotificationEvent, or None when an event with this dedupe key exists (nothing is sent again).
    Safe under concurrency: the unique key decides which of two simultaneous emits wins.
    """
    event, created = NotificationEvent.objects.get_or_create(
        dedupe_key=dedupe_key,
        defaults={"kind": kind, "subject_type": subject_type, "subject_id": str(subject_id), "payload": payload},
    )
    if not created:
        return None
    recipients = event_recipients(payload=payload)
    emails = EmailNotification.objects.bulk_create(
        EmailNotification(event=event, recipient=email) for email in recipients
    )
    deliveries = WebhookDelivery.objects.bulk_create(
        WebhookDelivery(event=event, endpoint=endpoint) for endpoint in endpoints_for_kind(kind=kind)
    )
    from .tasks import deliver_webhook, send_email

    # bulk_create returns primary keys on PostgreSQL and SQLite (RETURNING).
    for email in emails:
        _enqueue_on_commit(send_email, email.pk)
    for delivery in deliveries:
        _enqueue_on_commit(deliver_webhook, delivery.pk)
    return event


def _email_content(event):
    title = event.payload.get("title") or event.get_kind_display()
    lines = [event.payload.get("summary", title), "", f"Event: {event.kind} ({event.uuid})"]
    if event.payload.get("vendor"):
        lines.append(f"Vendor: {event.payload['vendor']}")
    if event.payload.get("url"):
        lines.append(f"Open: {event.payload['url']}")
    # The title carries people's names (a vendor's, a request's): one line, or send_mail refuses the subject.
    return header_safe(f"[vendorrisk] {title}"), "\n".join(lines)


def email_send(*, email_id: int, final_attempt: bool = True) -> EmailNotification:
    """Send one logged email unless it was sent already. Raises TransientDeliveryError (after logging the attempt)
    when the mail server failed and this is not the final attempt; on the final attempt the row is marked failed.
    """
    with transaction.atomic():
        email = EmailNotification.objects.select_for_update().select_related("event").get(pk=email_id)
        if email.status in DONE:
            return email
        subject, body = _email_content(email.event)
        email.attempts += 1
        try:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [email.recipient])
        except (smtplib.SMTPException, OSError) as exc:
            email.last_error = f"{type(exc).__name__}: {exc}"[:500]
            email.status = DeliveryStatus.FAILED if final_attempt else DeliveryStatus.RETRYING
        else:
            email.status, email.sent_at, email.last_error = DeliveryStatus.SUCCEEDED, timezone.now(), ""
        email.save(update_fields=["attempts", "status", "sent_at", "last_error", "updated_at"])
    if email.status == DeliveryStatus.RETRYING:
        raise TransientDeliveryError(email.last_error)
    return email


def webhook_body(event: NotificationEvent) -> bytes:
    """The JSON sent for an event: the same bytes on every attempt, so receivers can deduplicate on `id`."""
    document = {
        "id": str(event.uuid),
        "kind": event.kind,
        "created_at": event.created_at,
        "subject": {"type": event.subject_type, "id": event.subject_id},
        "data": event.payload,
    }
    return json.dumps(document, cls=DjangoJSONEncoder, sort_keys=True, separators=(",", ":")).encode()


def _is_transient(status_code, error):
    """Worth retrying: network errors (but not a refused address: DNS pointing inward is not a blip), 5xx, 408, 429."""
    if status_code is None:
        return error not in (egress.ADDRESS_NOT_ALLOWED, egress.INVALID_URL)
    return status_code >= 500 or status_code in (408, 429)


def webhook_deliver(*, delivery_id: int, final_attempt: bool = True) -> WebhookDelivery:
    """POST the event to the endpoint unless this delivery is done. Every attempt is logged on the delivery row.

    Raises TransientDeliveryError after logging when the attempt failed in a retryable way and this is not the
    final attempt. A non-http(s) URL, a disabled endpoint, a host that now resolves to an address not allowed
    (DNS changed since the endpoint was saved), a redirect or another 4xx fails at once, without retry. The log
    keeps a category of error (egress.post), never the socket's own text.
    """
    with transaction.atomic():
        delivery = WebhookDelivery.objects.select_for_update().select_related("event", "endpoint").get(pk=delivery_id)
        if delivery.status in DONE:
            return delivery
        endpoint, event = delivery.endpoint, delivery.event
        delivery.attempts += 1
        delivery.last_attempt_at = timezone.now()
        if not endpoint.is_active or not endpoint.url.lower().startswith(("http://", "https://")):
            status_code, error, elapsed_ms = None, "Endpoint disabled or its URL is not http(s); not sent.", 0
            delivery.status = DeliveryStatus.FAILED
        else:
            body = webhook_body(event)
            headers = {
                "Content-Type": "application/json",
                "User-Agent": "vendorrisk-webhooks/2",
                **signing.signed_headers(secret=endpoint.secret, message_id=str(event.uuid), body=body),
                signing.EVENT_KIND_HEADER: event.kind,
                signing.DELIVERY_ID_HEADER: str(delivery.pk),
            }
            started = time.monotonic()
            status_code, error = egress.post(
                url=endpoint.url, body=body, headers=headers, timeout=settings.WEBHOOK_TIMEOUT_SECONDS
            )
            elapsed_ms = int((time.monotonic() - started) * 1000)
            if status_code is not None and 200 <= status_code < 300:
                delivery.status, delivery.delivered_at = DeliveryStatus.SUCCEEDED, timezone.now()
            elif _is_transient(status_code, error) and not final_attempt:
                delivery.status = DeliveryStatus.RETRYING
            else:
                delivery.status = DeliveryStatus.FAILED
        delivery.last_status_code, delivery.last_error, delivery.last_duration_ms = status_code, error, elapsed_ms
        delivery.save()
    logger.info(
        "webhook delivery %s attempt %s: %s",
        delivery.pk,
        delivery.attempts,
        delivery.status,
        extra={"delivery_id": delivery.pk, "endpoint_id": endpoint.pk, "http_status": status_code},
    )
    if delivery.status == DeliveryStatus.RETRYING:
        raise TransientDeliveryError(delivery.last_error)
    return delivery


STALE_AFTER = datetime.timedelta(hours=2)


def deliveries_requeue_stale(*, now: datetime.datetime | None = None) -> int:
    """Enqueue again the emails and webhooks still pending or retrying 2 hours after their last change: their task
    was lost (the broker was down when the event committed, or a retry never came back). Longer than the longest
    retry countdown, so a live retry is rarely doubled, and a doubled one sends nothing twice. Returns how many.
    """
    from .tasks import deliver_webhook, send_email

    cutoff = (now or timezone.now()) - STALE_AFTER
    waiting = {"status__in": (DeliveryStatus.PENDING, DeliveryStatus.RETRYING), "updated_at__lt": cutoff}
    email_ids = list(EmailNotification.objects.filter(**waiting).values_list("pk", flat=True))
    delivery_ids = list(WebhookDelivery.objects.filter(**waiting).values_list("pk", flat=True))
    for email_id in email_ids:
        send_email.delay(email_id)
    for delivery_id in delivery_ids:
        deliver_webhook.delay(delivery_id)
    return len(email_ids) + len(delivery_ids)


@transaction.atomic
def webhook_delivery_redeliver(*, delivery: WebhookDelivery) -> None:
    """Send a failed or retrying delivery again (an admin action, e.g. after the receiver was fixed; without a
    broker a failed attempt cannot be retried later by itself). Enqueued on commit. Sending twice is harmless:
    the row lock and status check in webhook_deliver let only one attempt succeed.

    Raises ValidationError naming `status` when the delivery succeeded already.
    """
    if delivery.status == DeliveryStatus.SUCCEEDED:
        raise ValidationError({"status": "This delivery succeeded; it is not sent again."})
    delivery.status = DeliveryStatus.PENDING
    delivery.save(update_fields=["status", "updated_at"])
    from .tasks import deliver_webhook

    _enqueue_on_commit(deliver_webhook, delivery.pk)
