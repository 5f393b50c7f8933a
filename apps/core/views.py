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
    """Liveness and readiness: 200 when the database (and the broker, when configured) answer, else 503."""
    checks = {"database": _database_status(), "broker": _broker_status()}
    healthy = all(check["status"] in ("up", "not_configured") for check in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks}, status=200 if healthy else 503
    )


def page_not_found(request, exception=None):
    """404 for a URL that matches no route: JSON under /api/ (what API clients and the schema expect), Django's
    plain page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return django_page_not_found(request, exception)
