"""Swagger UI from our own static files: no CDN, no inline script or style (CSP is 'self')."""

from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.csrf import ensure_csrf_cookie


@ensure_csrf_cookie
def swagger_ui(request):
    return render(request, "api/swagger_ui.html", {"schema_url": reverse("schema")})
