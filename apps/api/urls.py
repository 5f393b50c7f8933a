"""/api/v1/: one router for every app's API resources; each app lists its routes in apps/<app>/api/urls.py.

An app's `routes` are viewsets for the router; its optional `urlpatterns` are plain views (the dashboard). The
apps are named here, not imported at module level by anything else in apps.api, so apps.api stays the base the
domain apps stand on.
"""

from importlib import import_module

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from .auth import OwnTokenViewSet, TokenExchangeView

API_APPS = (
    "vendors",
    "datamap",
    "incidents",
    "risk",
    "reviews",
    "intake",
    "exchange",
    "observation",
    "questionnaires",
    "monitoring",
    "dashboard",
)

router = DefaultRouter()
app_urlpatterns = []
for app in API_APPS:
    app_urls = import_module(f"apps.{app}.api.urls")
    for prefix, viewset, basename in app_urls.routes:
        router.register(prefix, viewset, basename=basename)
    app_urlpatterns += getattr(app_urls, "urlpatterns", [])
router.register("auth/tokens", OwnTokenViewSet, basename="api-token")

app_name = "api"
urlpatterns = [
    path("auth/token/", TokenExchangeView.as_view(), name="token"),
    *app_urlpatterns,
    path("", include(router.urls)),
]
