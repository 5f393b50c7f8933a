"""/api/v1/: one router for every app's API resources; each app lists its routes in apps/<app>/api/urls.py."""

from importlib import import_module

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from .auth import OwnTokenViewSet, TokenExchangeView
from .dashboard import DashboardView

API_APPS = ("vendors", "datamap", "incidents", "risk", "reviews", "intake")

router = DefaultRouter()
for app in API_APPS:
    for prefix, viewset, basename in import_module(f"apps.{app}.api.urls").routes:
        router.register(prefix, viewset, basename=basename)
router.register("auth/tokens", OwnTokenViewSet, basename="api-token")

app_name = "api"
urlpatterns = [
    path("auth/token/", TokenExchangeView.as_view(), name="token"),
    path("dashboard/", DashboardView.as_view(), name="dashboard"),
    path("", include(router.urls)),
]
