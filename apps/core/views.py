"""Operational endpoints."""

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.defaults import page_not_found as django_page_not_found
from kombu import Connection


def _database_status():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure means "down"; the reason is reported, not raised
        return {"status": "down", "error": exc.__class__.__name__}
    return {"status": "up", "vendor": connection.vendor}


def _broker_status():
    if not settings.CELERY_BROKER_URL:
        return {"status": "not_configured", "mode": "eager"}
    try:
        with Connection(settings.CELERY_BROKER_URL, connect_timeout=2) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:
        return {"status": "down", "error": exc.__class__.__name__}
    return {"status": "up"}


@never_cache
@require_GET
def healthz(request):
    """The database (and the broker, when configured) answer: 200, else 503. Kept for existing monitors; see
    /healthz/live and /healthz/ready (which also asks a worker)."""
    return _answer({"database": _database_status(), "broker": _broker_status()})


def _worker_status():
    """A Celery worker answers `core.ping` through the broker and the result backend within a few seconds."""
    if not settings.CELERY_BROKER_URL:
        return {"status": "not_configured", "mode": "eager"}
    from apps.core.tasks import ping

    try:
        timeout = settings.HEALTHZ_WORKER_TIMEOUT_SECONDS
        answer = ping.apply_async(expires=timeout).get(timeout=timeout)
    except Exception as exc:  # a timeout or a broker error: no worker can be counted on
        return {"status": "down", "error": exc.__class__.__name__}
    return {"status": "up"} if answer == "pong" else {"status": "down", "error": "UnexpectedAnswer"}


def _answer(checks):
    healthy = all(check["status"] in ("up", "not_configured") for check in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks}, status=200 if healthy else 503
    )


@never_cache
@require_GET
def healthz_live(request):
    """Liveness: the process answers. Checks nothing else, so a database outage does not get every web process
    restarted by the orchestrator (readiness takes it out of the load balancer instead)."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def healthz_ready(request):
    """Readiness: the database answers, and with a broker configured the broker and at least one worker do."""
    checks = {"database": _database_status(), "broker": _broker_status()}
    if checks["broker"]["status"] == "up":
        checks["worker"] = _worker_status()
    elif checks["broker"]["status"] == "down":
        checks["worker"] = {"status": "down", "error": "BrokerDown"}
    return _answer(checks)


def page_not_found(request, exception=None):
    """404 for a URL that matches no route: JSON under /api/ (what API clients and the schema expect), Django's
    plain page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return django_page_not_found(request, exception)
