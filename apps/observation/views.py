"""POST /observation/csp/<report key>/: Content-Security-Policy violation reports from our systems' own pages.

Browsers send these without credentials, so the endpoint is open by nature: the unguessable per-system key in the
URL says which system a report is about, a report about a page that is not one of that system's origins is
ignored, bodies are capped at OBSERVATION_CSP_MAX_BYTES, and each client address (and each system, whatever the
address) gets a fixed number of POSTs a minute. A malformed or oversized report is a 400 and stores nothing.
"""

import json
import time

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from apps.accounts.client_address import client_address

from . import services
from .models import ObservationTarget

REPORT_CONTENT_TYPES = ("application/csp-report", "application/reports+json", "application/json")


def _within(key, limit, window):
    """Fixed-window counter in the shared cache: True while this window has had fewer than `limit` hits."""
    cache.add(key, 0, timeout=window + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window + 5)
        count = 1
    return count <= limit


def _rate_allows(target, address):
    window = 60
    slot = int(time.time() // window)
    return _within(
        f"csp-reports:{target.pk}:{address}:{slot}", settings.OBSERVATION_CSP_REPORTS_PER_MINUTE, window
    ) and _within(f"csp-reports:{target.pk}:{slot}", settings.OBSERVATION_CSP_REPORTS_PER_MINUTE_PER_SYSTEM, window)


def _bad(message, field="body"):
    return JsonResponse({field: [message]}, status=400)


@csrf_exempt
@require_POST
def csp_report(request, report_key):
    target = (
        ObservationTarget.objects.filter(report_key=report_key, csp_reports_enabled=True)
        .select_related("system")
        .first()
    )
    if target is None:
        return HttpResponse(status=404)
    if not _rate_allows(target, client_address(request) or "unknown"):
        response = JsonResponse({"detail": "Too many reports; try again in a minute."}, status=429)
        response["Retry-After"] = "60"
        return response
    cap = settings.OBSERVATION_CSP_MAX_BYTES
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = cap + 1
    if declared > cap:
        return _bad(f"A report is at most {cap} bytes.")
    content_type = request.content_type or ""
    if content_type not in REPORT_CONTENT_TYPES:
        return _bad("Send application/csp-report or application/reports+json.", "content_type")
    body = request.body
    if len(body) > cap:
        return _bad(f"A report is at most {cap} bytes.")
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return _bad("The report is not JSON.")
    try:
        services.csp_reports_record(target=target, payload=payload)
    except ValidationError as exc:
        return JsonResponse(exc.message_dict, status=400)
    return HttpResponse(status=204)
