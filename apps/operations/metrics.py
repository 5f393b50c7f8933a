"""Prometheus figures at /metrics: requests, Celery tasks, queue lengths and webhook deliveries.

Counters of requests and tasks live in the process that served or ran them. Under gunicorn (and for Celery workers
on the same host) PROMETHEUS_MULTIPROC_DIR names a directory every process writes its figures to, so one scrape
sums all of them (gunicorn.conf.py sets it up and cleans a dead worker's files). Queue lengths and webhook delivery
figures are read at scrape time from Redis and the database, so they are the same whichever process answers.

The endpoint is behind a bearer token (METRICS_TOKEN): figures such as the webhook failure count tell an attacker
what is going on. Without a token configured it answers 404, as if it did not exist.
"""

import hmac
import os
import time

from celery.signals import task_failure, task_retry, task_success
from django.conf import settings
from django.http import Http404, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

REQUESTS = Counter("vendorrisk_http_requests", "HTTP requests served", ["method", "route", "status"])
LATENCY = Histogram(
    "vendorrisk_http_request_duration_seconds",
    "Time to answer an HTTP request",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
TASKS = Counter("vendorrisk_celery_tasks", "Celery tasks finished, by outcome", ["task", "outcome"])


class MetricsMiddleware:
    """Counts every request by route pattern (not by URL: ids and slugs would make the label set unbounded)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        route = (match.route or match.view_name) if match else "<unmatched>"
        REQUESTS.labels(request.method, route, str(response.status_code)).inc()
        LATENCY.labels(request.method, route).observe(time.perf_counter() - started)
        return response


@task_success.connect(weak=False)
def _task_succeeded(sender=None, **kwargs):
    TASKS.labels(getattr(sender, "name", "?"), "success").inc()


@task_failure.connect(weak=False)
def _task_failed(sender=None, **kwargs):
    TASKS.labels(getattr(sender, "name", "?"), "failure").inc()


@task_retry.connect(weak=False)
def _task_retried(sender=None, **kwargs):
    TASKS.labels(getattr(sender, "name", "?"), "retry").inc()


class RegisterCollector:
    """Figures read at scrape time: messages waiting per Celery queue, webhook deliveries and emails by status."""

    def collect(self):
        from django.db.models import Count

        from apps.notifications.models import EmailNotification, WebhookDelivery

        queues = GaugeMetricFamily(
            "vendorrisk_celery_queue_length", "Messages waiting in a Celery queue", labels=["queue"]
        )
        for queue, length in queue_lengths().items():
            queues.add_metric([queue], length)
        yield queues
        for model, name, text in (
            (WebhookDelivery, "vendorrisk_webhook_deliveries", "Webhook deliveries by status"),
            (EmailNotification, "vendorrisk_emails", "Notification emails by status"),
        ):
            family = GaugeMetricFamily(name, text, labels=["status"])
            for row in model.objects.values("status").annotate(n=Count("id")).order_by("status"):
                family.add_metric([row["status"]], row["n"])
            yield family


def queue_lengths() -> dict[str, int]:
    """Length of each known queue on a Redis broker (kombu keeps a queue as a Redis list named after it)."""
    url = settings.CELERY_BROKER_URL
    if not url.startswith(("redis://", "rediss://")):
        return {}
    import redis

    names = {settings.CELERY_TASK_DEFAULT_QUEUE, *settings.CELERY_METRICS_QUEUES}
    client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
    try:
        return {name: int(client.llen(name)) for name in sorted(names)}
    except redis.RedisError:
        return {}
    finally:
        client.close()


def _registry():
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
    else:
        registry = CollectorRegistry()
        for collector in (REQUESTS, LATENCY, TASKS):
            registry.register(collector)
    registry.register(RegisterCollector())
    return registry


def _authorised(request) -> bool:
    expected = settings.METRICS_TOKEN
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _, offered = header.partition(" ")
    return scheme.lower() == "bearer" and bool(offered) and hmac.compare_digest(offered.encode(), expected.encode())


@never_cache
@require_GET
def metrics_view(request):
    if not settings.METRICS_TOKEN:
        raise Http404("metrics are off: set METRICS_TOKEN")
    if not _authorised(request):
        response = HttpResponse("A bearer token is required.\n", status=401, content_type="text/plain")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse(generate_latest(_registry()), content_type=CONTENT_TYPE_LATEST)
