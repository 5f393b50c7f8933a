"""django-axes' answer to a locked-out caller: JSON for the API, the plain lockout message elsewhere."""

from axes.conf import settings as axes_settings
from axes.helpers import get_lockout_message
from django.http import HttpResponse, JsonResponse


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE. An API client parses `{"detail": ...}` like every other API error; a browser
    reads the same message as text (what axes answers by default when no lockout template is set)."""
    status = axes_settings.AXES_HTTP_RESPONSE_CODE
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": get_lockout_message()}, status=status)
    return HttpResponse(get_lockout_message(), status=status)
