"""Webhooks reach public addresses only (no SSRF): refused when saved through the service or the admin form, and
again at delivery, where the address checked is the address connected to. The delivery log shows a category of
error, never the socket's text."""

import socket

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from apps.notifications.choices import DeliveryStatus, EventKind
from apps.notifications.models import WebhookDelivery, WebhookEndpoint
from apps.notifications.services import event_emit, webhook_endpoint_create
from tests.factories.vendors import VendorFactory
from tests.notifications.conftest import PUBLIC_ADDRESS

pytestmark = pytest.mark.usefixtures("no_loopback")

REFUSED_URLS = [
    "http://127.0.0.1/h",
    "http://127.0.0.1:8000/h",
    "http://10.0.0.1/h",
    "http://192.168.1.10/h",
    "http://172.16.0.5/h",
    "http://169.254.169.254/latest/meta-data/",
    "http://[::1]/h",
    "http://[::ffff:127.0.0.1]/h",
    "http://[::ffff:10.0.0.1]/h",
    "http://[2002:7f00:1::]/h",  # 6to4 wrapping 127.0.0.1
    "http://[64:ff9b::a9fe:a9fe]/h",  # NAT64 wrapping 169.254.169.254
    "http://[fd00::1]/h",
    "http://[fe80::1]/h",
    "http://0.0.0.0/h",
    "http://2130706433/h",  # 127.0.0.1 as one decimal number
    "http://100.64.0.1/h",  # carrier-grade NAT
    "http://224.0.0.1/h",
    "http://localhost:8000/h",
    "http://LocalHost./h",
    "http://metadata.google.internal/computeMetadata/v1/",
    "http://rebind.example.com/h",  # a public-looking name that resolves to loopback
]


@pytest.fixture
def rebinding_name(fake_dns):
    fake_dns.table["rebind.example.com"] = ["127.0.0.1"]
    return fake_dns


@pytest.mark.parametrize("url", REFUSED_URLS)
def test_the_service_refuses_an_address_that_is_not_public(db, rebinding_name, url):
    with pytest.raises(ValidationError) as error:
        webhook_endpoint_create(name="internal", url=url)
    assert "url" in error.value.message_dict
    assert not WebhookEndpoint.objects.exists()


@pytest.fixture
def reviewer_client(client, reviewer):
    client.force_login(reviewer)
    return client


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/h",
        "http://10.0.0.1/h",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/h",
        "http://[::ffff:127.0.0.1]/h",
        "http://0.0.0.0/h",
        "http://metadata.google.internal/computeMetadata/v1/",
        "http://rebind.example.com/h",
    ],
)
def test_the_admin_form_refuses_it_on_the_url_field(reviewer_client, rebinding_name, url):
    response = reviewer_client.post(
        reverse("admin:notifications_webhookendpoint_add"),
        {"name": "internal", "url": url, "event_kinds": "[]", "is_active": "on"},
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["url"]
    assert not WebhookEndpoint.objects.exists()


def test_the_admin_form_refuses_changing_an_endpoint_to_it(reviewer_client):
    endpoint, _ = webhook_endpoint_create(name="dashboard", url="https://dash.example.com/h")
    response = reviewer_client.post(
        reverse("admin:notifications_webhookendpoint_change", args=[endpoint.pk]),
        {"name": "dashboard", "url": "http://169.254.169.254/latest/", "event_kinds": "[]", "is_active": "on"},
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["url"]
    endpoint.refresh_from_db()
    assert endpoint.url == "https://dash.example.com/h"


def test_public_addresses_and_names_that_do_not_resolve_yet_are_accepted(db, fake_dns):
    fake_dns.table["not-yet.example.com"] = []  # NXDOMAIN today; delivery checks it again
    for n, url in enumerate(
        ["https://dash.example.com/h", f"http://{PUBLIC_ADDRESS}:8443/h", "https://[2606:4700::1]/h",
         "https://not-yet.example.com/h"]
    ):  # fmt: skip
        webhook_endpoint_create(name=f"ok-{n}", url=url)
    assert WebhookEndpoint.objects.count() == 4


def test_the_allow_list_opens_private_networks_but_never_loopback_or_metadata(db, settings, fake_dns):
    settings.WEBHOOK_ALLOWED_HOSTS = ["10.20.0.0/16", "siem.corp.internal", "169.254.0.0/16", "127.0.0.0/8"]
    fake_dns.table["siem.corp.internal"] = ["10.99.0.7"]
    fake_dns.table["other.corp.internal"] = ["10.20.0.8"]
    webhook_endpoint_create(name="cidr", url="https://10.20.3.4/h")
    webhook_endpoint_create(name="by-name", url="https://siem.corp.internal/h")
    for url in ["https://10.21.0.1/h", "https://other.corp.internal/h", "http://169.254.169.254/", "http://127.0.0.1/"]:
        with pytest.raises(ValidationError):
            webhook_endpoint_create(name="refused", url=url)
    assert sorted(WebhookEndpoint.objects.values_list("name", flat=True)) == ["by-name", "cidr"]


def emit(key="incident-recorded:7"):
    vendor = VendorFactory()
    return event_emit(
        kind=EventKind.INCIDENT_RECORDED,
        subject_type="incident",
        subject_id=7,
        payload={"vendor_id": vendor.pk, "severity": "high"},
        dedupe_key=key,
    )


@pytest.mark.parametrize(
    "address",
    ["127.0.0.1", "10.0.0.1", "169.254.169.254", "::1", "::ffff:127.0.0.1", "0.0.0.0", "fd00::1"],  # noqa: S104
)
def test_dns_changed_after_saving_is_refused_at_delivery_once_without_retrying(
    db, eager_retries, fake_dns, address, django_capture_on_commit_callbacks
):
    webhook_endpoint_create(name="dashboard", url="https://hooks.example.com/h")  # public when saved
    fake_dns.table["hooks.example.com"] = [PUBLIC_ADDRESS, address]  # then one of its addresses points inward
    with django_capture_on_commit_callbacks(execute=True):
        emit()
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (DeliveryStatus.FAILED, 1, None)
    assert delivery.last_error == "address not allowed"


@pytest.mark.parametrize("url", ["http://127.0.0.1:9/h", "http://[::1]/h", "http://metadata.google.internal/"])
def test_a_url_saved_behind_the_services_back_is_refused_at_delivery(
    db, eager_retries, url, django_capture_on_commit_callbacks
):
    endpoint, _ = webhook_endpoint_create(name="dashboard", url="https://dash.example.com/h")
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(url=url)
    with django_capture_on_commit_callbacks(execute=True):
        emit()
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_error) == (
        DeliveryStatus.FAILED,
        1,
        "address not allowed",
    )


def test_the_name_is_resolved_once_and_the_checked_address_is_the_one_connected_to(
    db, settings, fake_dns, webhook_receiver, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_ALLOW_LOOPBACK = True  # the receiver runs on 127.0.0.1
    port = webhook_receiver.server.server_address[1]
    webhook_endpoint_create(name="dashboard", url=f"http://hooks.example.com:{port}/hooks")
    answers = iter([["127.0.0.1"]])
    # A rebinding resolver: the checked answer first, then an address that would go elsewhere if asked again.
    fake_dns.table["hooks.example.com"] = lambda: next(answers, ["10.0.0.1"])
    fake_dns.lookups.clear()
    with django_capture_on_commit_callbacks(execute=True):
        emit()
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.SUCCEEDED
    assert fake_dns.lookups == {"hooks.example.com": 1}
    (request,) = webhook_receiver.requests
    assert request.headers["Host"] == f"hooks.example.com:{port}", "the Host header keeps the name"


@pytest.fixture
def silent_server():
    """Accepts connections (the kernel's backlog) and never answers: a receiver that hangs."""
    server = socket.create_server(("127.0.0.1", 0))
    yield server
    server.close()


def deliver_to(url, key, django_capture_on_commit_callbacks):
    WebhookEndpoint.objects.all().delete()
    endpoint, _ = webhook_endpoint_create(name="dashboard", url="https://dash.example.com/h")
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(url=url)
    with django_capture_on_commit_callbacks(execute=True):
        emit(key=key)
    return WebhookDelivery.objects.get()


def test_the_log_shows_error_categories_never_socket_text(
    db, settings, eager_retries, monkeypatch, webhook_receiver, silent_server, django_capture_on_commit_callbacks
):
    from apps.notifications.tasks import deliver_webhook

    settings.WEBHOOK_ALLOW_LOOPBACK = True  # the receivers run on 127.0.0.1

    monkeypatch.setattr(deliver_webhook, "max_retries", 0)
    settings.WEBHOOK_TIMEOUT_SECONDS = 0.5
    port = webhook_receiver.server.server_address[1]
    cases = {
        "http://127.0.0.1:9/h": "connection refused",
        f"http://127.0.0.1:{silent_server.getsockname()[1]}/h": "timeout",
        f"https://127.0.0.1:{port}/hooks": "TLS error",  # TLS to a plain-HTTP receiver
        f"http://127.0.0.1:{port}/hooks": "HTTP 500 Internal Server Error",
    }
    webhook_receiver.statuses = [500]
    for url, category in cases.items():
        delivery = deliver_to(url, url, django_capture_on_commit_callbacks)
        assert (delivery.status, delivery.last_error) == (DeliveryStatus.FAILED, category), url


def test_production_settings_refuse_the_loopback_allowance():
    import os
    import secrets
    import subprocess
    import sys

    from django.conf import settings

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "vendorrisk.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "register.example.com",
        "WEBHOOK_ALLOW_LOOPBACK": "true",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], env=env, cwd=settings.BASE_DIR, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "WEBHOOK_ALLOW_LOOPBACK is for tests only" in result.stderr
