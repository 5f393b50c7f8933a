"""Admin: webhook endpoints (secret shown once) and the logs of events, webhook deliveries and emails."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models

from apps.core.admin import ChangelistRowsMixin, ServiceAdmin

from . import services
from .models import EmailNotification, NotificationEvent, WebhookDelivery, WebhookEndpoint

SECRET_ONCE = "Signing secret for “{name}”: {secret} — copy it now; it will not be shown again."  # noqa: S105 - a template


class ReadOnlyLogAdmin(ChangelistRowsMixin, admin.ModelAdmin):
    """Logs are written by the tasks only."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(ServiceAdmin):
    list_display = ["name", "url", "is_active", "secret_hint", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "url"]
    fields = ["name", "url", "event_kinds", "is_active", "secret_hint"]
    readonly_fields = ["secret_hint"]
    actions = ["rotate_secret"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    @admin.display(description="secret")
    def secret_hint(self, obj):
        return obj.secret_hint

    def create(self, request, obj, form):
        data = form.cleaned_data
        endpoint, secret = services.webhook_endpoint_create(
            name=data["name"], url=data["url"], event_kinds=data.get("event_kinds") or [], is_active=data["is_active"]
        )
        messages.warning(request, SECRET_ONCE.format(name=endpoint.name, secret=secret))
        return endpoint

    def update(self, request, obj, form):
        data = form.cleaned_data
        return services.webhook_endpoint_update(
            endpoint=obj,
            name=data["name"],
            url=data["url"],
            event_kinds=data.get("event_kinds") or [],
            is_active=data["is_active"],
        )

    # No remove(): an endpoint is deactivated, not deleted, so that its delivery log stays.

    @admin.action(description="Rotate the signing secret (one endpoint at a time)")
    def rotate_secret(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "Select exactly one endpoint: each new secret is shown once.", messages.ERROR)
            return
        endpoint = queryset.get()
        secret = services.webhook_endpoint_secret_rotate(endpoint=endpoint)
        messages.warning(request, SECRET_ONCE.format(name=endpoint.name, secret=secret))


@admin.register(NotificationEvent)
class NotificationEventAdmin(ReadOnlyLogAdmin):
    list_display = ["created_at", "kind", "subject_type", "subject_id", "dedupe_key"]
    list_filter = ["kind"]
    search_fields = ["dedupe_key", "uuid"]
    readonly_fields = ["uuid", "kind", "subject_type", "subject_id", "payload", "dedupe_key", "created_at"]
    date_hierarchy = "created_at"


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyLogAdmin):
    list_display = [
        "created_at",
        "event_kind",
        "endpoint",
        "status",
        "attempts",
        "last_status_code",
        "last_duration_ms",
        "last_error",
        "delivered_at",
    ]
    list_filter = ["status", "endpoint"]
    list_select_related = ["event", "endpoint"]
    search_fields = ["event__dedupe_key", "event__uuid"]
    actions = ["redeliver"]

    @admin.display(description="event", ordering="event__kind")
    def event_kind(self, obj):
        return obj.event.get_kind_display()

    def has_redeliver_permission(self, request):
        return request.user.has_perm("notifications.change_webhookdelivery")

    @admin.action(description="Send the selected failed or retrying deliveries again", permissions=["redeliver"])
    def redeliver(self, request, queryset):
        sent = 0
        for delivery in queryset:
            try:
                services.webhook_delivery_redeliver(delivery=delivery)
                sent += 1
            except ValidationError:
                continue
        self.message_user(request, f"{sent} deliveries queued again; succeeded ones were left alone.")


@admin.register(EmailNotification)
class EmailNotificationAdmin(ReadOnlyLogAdmin):
    list_display = ["created_at", "event_kind", "recipient", "status", "attempts", "sent_at", "last_error"]
    list_filter = ["status"]
    list_select_related = ["event"]
    search_fields = ["recipient", "event__dedupe_key"]

    @admin.display(description="event", ordering="event__kind")
    def event_kind(self, obj):
        return obj.event.get_kind_display()
