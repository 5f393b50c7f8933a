"""The admin: the delivery log (constant queries, redeliver failed ones) and endpoint secrets shown only once."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from apps.notifications.choices import DeliveryStatus, EventKind
from apps.notifications.models import EmailNotification, NotificationEvent, WebhookDelivery, WebhookEndpoint
from apps.notifications.services import webhook_endpoint_create


def deliveries(count, endpoint, status=DeliveryStatus.FAILED):
    for n in range(count):
        event = NotificationEvent.objects.create(
            kind=EventKind.INCIDENT_RECORDED, subject_type="incident", subject_id=n, dedupe_key=f"k:{endpoint.pk}:{n}"
        )
        WebhookDelivery.objects.create(event=event, endpoint=endpoint, status=status, attempts=9, last_status_code=503)


@pytest.fixture
def reviewer_client(client, reviewer):
    client.force_login(reviewer)
    return client


def logs(count, endpoint, status=DeliveryStatus.FAILED):
    deliveries(count, endpoint, status)
    for delivery in WebhookDelivery.objects.filter(endpoint=endpoint):
        EmailNotification.objects.create(event=delivery.event, recipient="reviewer@example.com", status=status)


@pytest.mark.parametrize("model", ["webhookendpoint", "notificationevent", "webhookdelivery", "emailnotification"])
def test_the_changelists_run_constant_queries(reviewer_client, model, django_assert_max_num_queries):
    url = reverse(f"admin:notifications_{model}_changelist")
    logs(2, webhook_endpoint_create(name="dashboard", url="https://dash.example.com/h")[0])
    with django_assert_max_num_queries(15) as small:
        assert reviewer_client.get(url).status_code == 200
    for n in range(5):
        logs(8, webhook_endpoint_create(name=f"siem-{n}", url="https://siem.example.com/h")[0])
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = reviewer_client.get(url)
    assert response.status_code == 200


def test_the_delivery_log_shows_status_attempts_and_errors(reviewer_client):
    deliveries(1, webhook_endpoint_create(name="dashboard", url="https://dash.example.com/h")[0])
    WebhookDelivery.objects.update(last_error="HTTP 503 Service Unavailable", last_duration_ms=123)
    content = reviewer_client.get(reverse("admin:notifications_webhookdelivery_changelist")).content.decode()
    for shown in ("Failed", "503", "HTTP 503 Service Unavailable", "123", "dashboard", "Incident recorded"):
        assert shown in content


def test_the_secret_is_shown_once_when_an_endpoint_is_added(reviewer_client):
    response = reviewer_client.post(
        reverse("admin:notifications_webhookendpoint_add"),
        {"name": "dashboard", "url": "https://dash.example.com/h", "event_kinds": "[]", "is_active": "on"},
        follow=True,
    )
    endpoint = WebhookEndpoint.objects.get()
    assert len(endpoint.secret) >= 40
    shown = [str(m) for m in get_messages(response.wsgi_request)] + [response.content.decode()]
    assert any(endpoint.secret in text for text in shown)

    change_page = reviewer_client.get(reverse("admin:notifications_webhookendpoint_change", args=[endpoint.pk]))
    assert endpoint.secret not in change_page.content.decode()
    assert endpoint.secret_hint in change_page.content.decode()


def test_a_file_url_is_refused_by_the_admin_form(reviewer_client):
    response = reviewer_client.post(
        reverse("admin:notifications_webhookendpoint_add"),
        {"name": "bad", "url": "ftp://example.com/h", "event_kinds": "[]"},
    )
    assert response.status_code == 200
    assert not WebhookEndpoint.objects.exists()


def test_failed_deliveries_can_be_sent_again(reviewer_client, webhook_receiver, django_capture_on_commit_callbacks):
    endpoint, _ = webhook_endpoint_create(name="dashboard", url=webhook_receiver.url)
    deliveries(1, endpoint)
    deliveries(1, webhook_endpoint_create(name="done", url=webhook_receiver.url)[0], status=DeliveryStatus.SUCCEEDED)
    with django_capture_on_commit_callbacks(execute=True):
        reviewer_client.post(
            reverse("admin:notifications_webhookdelivery_changelist"),
            {"action": "redeliver", "_selected_action": list(WebhookDelivery.objects.values_list("pk", flat=True))},
        )
    assert sorted(WebhookDelivery.objects.values_list("status", flat=True)) == ["succeeded", "succeeded"]
    assert len(webhook_receiver.requests) == 1, "only the failed one was sent again"


def test_a_dashboard_user_cannot_open_the_log(client, dashboard_user):
    client.force_login(dashboard_user)
    response = client.get(reverse("admin:notifications_webhookdelivery_changelist"))
    assert response.status_code == 302


def test_changing_an_endpoint_keeps_its_secret_and_offers_no_delete(reviewer_client):
    endpoint, secret = webhook_endpoint_create(name="dashboard", url="https://dash.example.com/h")
    response = reviewer_client.post(
        reverse("admin:notifications_webhookendpoint_change", args=[endpoint.pk]),
        {"name": "dashboards", "url": "https://dash.example.com/v2", "event_kinds": '["incident.recorded"]'},
    )
    assert response.status_code == 302, response.content[:500]
    endpoint.refresh_from_db()
    assert (endpoint.name, endpoint.url, endpoint.event_kinds, endpoint.is_active) == (
        "dashboards",
        "https://dash.example.com/v2",
        ["incident.recorded"],
        False,
    )
    assert endpoint.secret == secret
    # Deactivated, never deleted: the delivery log stays with the endpoint.
    delete = reviewer_client.post(reverse("admin:notifications_webhookendpoint_delete", args=[endpoint.pk]))
    assert delete.status_code == 403
    assert WebhookEndpoint.objects.filter(pk=endpoint.pk).exists()
