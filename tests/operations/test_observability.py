"""Liveness and readiness, /metrics behind its token, request ids in responses, logs and tasks, the system checks."""

import json
import logging
import time

import pytest
from django.core.checks import run_checks

from apps.operations import request_id
from apps.operations.checks import broker_reachable_check, shared_cache_check

TOKEN = "metrics-token-for-tests-0123456789"  # noqa: S105


def test_liveness_answers_without_touching_the_database(client, monkeypatch):
    monkeypatch.setattr("apps.core.views._database_status", lambda: pytest.fail("liveness must not ask the database"))
    response = client.get("/healthz/live")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_readiness_without_a_broker_checks_the_database_only(client, db, settings):
    settings.CELERY_BROKER_URL = ""
    response = client.get("/healthz/ready")
    assert response.status_code == 200
    assert response.json()["checks"]["broker"]["status"] == "not_configured"
    assert "worker" not in response.json()["checks"]


def test_readiness_is_503_when_the_database_is_down(client, db, monkeypatch):
    monkeypatch.setattr("apps.core.views._database_status", lambda: {"status": "down", "error": "OperationalError"})
    assert client.get("/healthz/ready").status_code == 503


def test_readiness_is_503_when_no_worker_answers(client, db, settings, monkeypatch):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/5"
    monkeypatch.setattr("apps.core.views._broker_status", lambda: {"status": "up"})
    monkeypatch.setattr("apps.core.views._worker_status", lambda: {"status": "down", "error": "TimeoutError"})
    response = client.get("/healthz/ready")
    assert response.status_code == 503
    assert response.json()["checks"]["worker"] == {"status": "down", "error": "TimeoutError"}


def test_readiness_is_503_when_the_configured_broker_is_down(client, db, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz/ready")
    assert response.status_code == 503
    assert response.json()["checks"]["worker"]["status"] == "down"


@pytest.mark.broker
def test_readiness_asks_a_real_worker(client, db, celery_worker_process, settings):
    from tests.conftest import tasks_routed_to

    # The worker takes a few seconds to start on a busy machine; until then readiness is 503 (a ping that no worker
    # takes within the timeout expires rather than piling up).
    deadline = time.monotonic() + 60
    with tasks_routed_to(celery_worker_process, "core.*"):
        while (response := client.get("/healthz/ready")).status_code != 200 and time.monotonic() < deadline:
            time.sleep(0.5)
    assert response.status_code == 200, response.json()
    assert response.json()["checks"]["worker"] == {"status": "up"}


def test_metrics_is_hidden_without_a_configured_token(client, db, settings):
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer anything").status_code == 404


@pytest.mark.parametrize("header", [None, "Bearer wrong-token", f"Token {TOKEN}", "Bearer "])
def test_metrics_refuses_a_missing_or_wrong_token(client, db, settings, header):
    settings.METRICS_TOKEN = TOKEN
    extra = {"HTTP_AUTHORIZATION": header} if header is not None else {}
    response = client.get("/metrics", **extra)
    assert response.status_code == 401
    assert b"vendorrisk_" not in response.content


def test_metrics_counts_requests_tasks_queues_and_webhook_deliveries(client, db, settings, reviewer):
    from apps.core.tasks import ping
    from apps.notifications.models import NotificationEvent, WebhookDelivery, WebhookEndpoint

    settings.METRICS_TOKEN = TOKEN
    client.get("/healthz/live")
    ping.delay()
    endpoint = WebhookEndpoint.objects.create(name="siem", url="https://siem.example.com/hook", secret="whsec_x")
    event = NotificationEvent.objects.create(
        kind="incident.recorded", subject_type="incident", subject_id="1", dedupe_key="metrics-test"
    )
    WebhookDelivery.objects.create(event=event, endpoint=endpoint, status="failed")
    body = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").content.decode()
    assert 'vendorrisk_http_requests_total{method="GET",route="healthz/live",status="200"}' in body
    assert 'vendorrisk_celery_tasks_total{outcome="success",task="core.ping"}' in body
    assert 'vendorrisk_webhook_deliveries{status="failed"} 1.0' in body
    assert "vendorrisk_celery_queue_length" in body
    assert "vendorrisk_http_request_duration_seconds_bucket" in body


def test_every_response_carries_a_request_id_and_a_plain_offered_one_is_kept(client, db):
    generated = client.get("/healthz/live")["X-Request-ID"]
    assert len(generated) == 32
    assert client.get("/healthz/live", HTTP_X_REQUEST_ID="lb-1234-abcd")["X-Request-ID"] == "lb-1234-abcd"
    # A forged id cannot inject a log line or a huge header.
    forged = client.get("/healthz/live", HTTP_X_REQUEST_ID="x\nlevel=CRITICAL")["X-Request-ID"]
    assert "\n" not in forged and len(forged) == 32


def test_the_request_id_reaches_the_log_lines_and_the_tasks_of_that_request(client, db, caplog):
    seen = {}

    def record(**kwargs):
        seen["task"] = request_id.current_request_id()

    from celery.signals import task_success

    task_success.connect(record, weak=False)
    try:
        from apps.core.tasks import ping

        token = request_id._current.set("req-0001-test")
        try:
            logging.getLogger("vendorrisk.test").warning("inside")
            ping.delay()
        finally:
            request_id._current.reset(token)
    finally:
        task_success.disconnect(record)
    assert seen["task"] == "req-0001-test"
    record_ = next(r for r in caplog.records if r.getMessage() == "inside")
    assert request_id.RequestIdFilter().filter(record_) and record_.request_id == "req-0001-test"


def test_the_request_id_is_carried_in_the_celery_message_headers():
    headers = {}
    token = request_id._current.set("req-0002-test")
    try:
        request_id._carry_request_id(headers=headers)
    finally:
        request_id._current.reset(token)
    assert headers == {request_id.CELERY_HEADER: "req-0002-test"}


def test_json_log_lines_carry_the_request_id():
    from pythonjsonlogger.json import JsonFormatter

    formatter = JsonFormatter("%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s")
    record = logging.LogRecord("vendorrisk", logging.INFO, __file__, 1, "delivered", None, None)
    token = request_id._current.set("req-0003-test")
    try:
        request_id.RequestIdFilter().filter(record)
    finally:
        request_id._current.reset(token)
    line = json.loads(formatter.format(record))
    assert line["request_id"] == "req-0003-test" and line["message"] == "delivered"


def test_production_without_a_shared_cache_warns(settings):
    settings.DEBUG = False
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert [w.id for w in shared_cache_check()] == ["operations.W001"]
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://x"}}
    assert shared_cache_check() == []


def test_an_unreachable_broker_warns(settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    assert [w.id for w in broker_reachable_check()] == ["operations.W002"]
    settings.CELERY_BROKER_URL = ""
    assert broker_reachable_check() == []


def test_the_checks_run_with_djangos_own(settings):
    settings.DEBUG = False
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    ids = {message.id for message in run_checks()}
    assert {"operations.W001", "operations.W002"} <= ids


def test_a_webhook_delivery_logs_the_request_id_that_caused_it(db, caplog):
    from apps.notifications.models import NotificationEvent, WebhookDelivery, WebhookEndpoint
    from apps.notifications.services import webhook_deliver

    endpoint = WebhookEndpoint.objects.create(
        name="off", url="https://siem.example.com/hook", secret="whsec_x", is_active=False
    )
    event = NotificationEvent.objects.create(
        kind="incident.recorded", subject_type="incident", subject_id="1", dedupe_key="rid-test"
    )
    delivery = WebhookDelivery.objects.create(event=event, endpoint=endpoint)
    token = request_id._current.set("req-0004-test")
    try:
        with caplog.at_level(logging.INFO, logger="vendorrisk.webhooks"):
            webhook_deliver(delivery_id=delivery.pk)
    finally:
        request_id._current.reset(token)
    line = next(r for r in caplog.records if r.name == "vendorrisk.webhooks")
    assert line.delivery_id == delivery.pk and line.request_id == "req-0004-test"


def test_sentry_and_opentelemetry_are_off_by_default_and_refuse_to_start_without_their_packages(settings):
    from importlib.util import find_spec

    from django.core.exceptions import ImproperlyConfigured

    from apps.operations import telemetry

    assert settings.SENTRY_DSN == "" and settings.OTEL_EXPORTER_OTLP_ENDPOINT == ""
    telemetry.configure()  # nothing set: nothing to do
    if find_spec("sentry_sdk") is None:
        settings.SENTRY_DSN = "https://key@sentry.example.com/1"
        with pytest.raises(ImproperlyConfigured, match="sentry-sdk"):
            telemetry.configure()
        settings.SENTRY_DSN = ""
    if find_spec("opentelemetry") is None:
        settings.OTEL_EXPORTER_OTLP_ENDPOINT = "http://collector.example.com:4318"
        with pytest.raises(ImproperlyConfigured, match="OpenTelemetry"):
            telemetry.configure()
