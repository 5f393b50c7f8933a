"""Notifications: events worth telling people about, and the log of every email and webhook sent for them."""

import uuid

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.core.models import TimeStampedModel

from .choices import DeliveryStatus, EventKind


class WebhookEndpoint(TimeStampedModel):
    """A URL that receives signed JSON for events (dashboards, chat bridges, SIEM).

    The secret is stored as generated, in the Standard Webhooks `whsec_` form: HMAC signing needs the key itself,
    so a hash would not do. It is shown
    once when created or rotated (apps.notifications.services) and never rendered again; the admin shows a hint.
    """

    name = models.CharField(_("name"), max_length=100, unique=True)
    url = models.URLField(_("URL"), max_length=500, help_text=_("http:// or https:// only."))
    secret = models.CharField(_("signing secret"), max_length=100, editable=False)
    event_kinds = models.JSONField(
        _("event kinds"), default=list, blank=True, help_text=_("Kinds to send; empty means every kind.")
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")

    def __str__(self):
        return self.name

    @property
    def secret_hint(self):
        return f"…{self.secret[-4:]}" if self.secret else ""

    def clean(self):
        # No query, but a DNS lookup: the admin form refuses a host that resolves to a private address.
        from .services import url_check

        if self.url:
            url_check(self.url)

    def wants(self, kind):
        return self.is_active and (not self.event_kinds or kind in self.event_kinds)


class NotificationEvent(models.Model):
    """Something happened that people and tools should hear of, once: the dedupe key makes emitting idempotent."""

    uuid = models.UUIDField(_("event id"), default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=40, choices=EventKind.choices, db_index=True)
    subject_type = models.CharField(_("subject type"), max_length=40)
    subject_id = models.CharField(_("subject id"), max_length=40)
    payload = models.JSONField(_("payload"), default=dict, encoder=DjangoJSONEncoder)
    dedupe_key = models.CharField(_("dedupe key"), max_length=200, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification event")
        verbose_name_plural = _("notification events")

    def __str__(self):
        return f"{self.get_kind_display()} ({self.subject_type} {self.subject_id})"


class WebhookDelivery(TimeStampedModel):
    """One event sent to one endpoint: every attempt updates this row, so the log shows where it stands."""

    event = models.ForeignKey(
        NotificationEvent, verbose_name=_("event"), on_delete=models.CASCADE, related_name="webhook_deliveries"
    )
    endpoint = models.ForeignKey(
        WebhookEndpoint, verbose_name=_("endpoint"), on_delete=models.CASCADE, related_name="deliveries"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_status_code = models.PositiveSmallIntegerField(_("last HTTP status"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    last_duration_ms = models.PositiveIntegerField(_("last duration (ms)"), null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "endpoint"],
                name="webhookdelivery_one_per_event_endpoint",
                violation_error_message=_("This event already has a delivery to this endpoint."),
            )
        ]

    def __str__(self):
        return f"{self.event} → {self.endpoint} ({self.get_status_display()})"


class EmailNotification(TimeStampedModel):
    """One event emailed to one recipient, once."""

    event = models.ForeignKey(
        NotificationEvent, verbose_name=_("event"), on_delete=models.CASCADE, related_name="emails"
    )
    recipient = models.EmailField(_("recipient"))
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("email notification")
        verbose_name_plural = _("email notifications")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "recipient"],
                name="emailnotification_one_per_event_recipient",
                violation_error_message=_("This event was already addressed to this recipient."),
            )
        ]

    def __str__(self):
        return f"{self.event} → {self.recipient} ({self.get_status_display()})"
