from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from apps.api.docs import swagger_ui
from apps.core.views import healthz

admin.site.site_header = "vendorrisk"
admin.site.site_title = "vendorrisk"
admin.site.index_title = "Vendor risk register"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/reports/", include("apps.reports.urls")),
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("api/v1/", include("apps.api.urls")),
    path("intake/", include("apps.intake.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # Our own page: drf-spectacular's Swagger view inlines its start-up script, which the CSP blocks.
    path("api/docs/", swagger_ui, name="swagger-ui"),
]
