"""Thin tasks: each takes one log row's id and calls one service. Retries back off exponentially, with jitter.

Backoff 30 s, 60 s, 120 s… capped at 15 min, 8 retries: a receiver may be down for about an hour. The Redis
visibility timeout (CELERY_BROKER_TRANSPORT_OPTIONS) must stay above the longest countdown.
"""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from . import services

RETRY_POLICY = {
    "autoretry_for": (services.TransientDeliveryError, OperationalError, InterfaceError),
    "retry_backoff": 30,
    "retry_backoff_max": 15 * 60,
    "retry_jitter": True,
    "max_retries": 8,
}


@shared_task(bind=True, name="notifications.deliver_webhook", **RETRY_POLICY)
def deliver_webhook(self, delivery_id):
    services.webhook_deliver(delivery_id=delivery_id, final_attempt=self.request.retries >= self.max_retries)


@shared_task(bind=True, name="notifications.send_email", **RETRY_POLICY)
def send_email(self, email_id):
    services.email_send(email_id=email_id, final_attempt=self.request.retries >= self.max_retries)


@shared_task(name="notifications.requeue_stale", **RETRY_POLICY)
def requeue_stale():
    """Periodic: sends whose task was lost are enqueued again (see services.deliveries_requeue_stale)."""
    return services.deliveries_requeue_stale()
