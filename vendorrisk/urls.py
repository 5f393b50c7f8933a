from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from apps.accounts.views import mfa_enrolment_link, mfa_setup
from apps.api.docs import swagger_ui
from apps.core.views import healthz, healthz_live, healthz_ready
from apps.operations.metrics import metrics_view
from apps.questionnaires.downloads import answer_file_download
from apps.vendors.evidence import evidence_download

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("healthz/live", healthz_live, name="healthz-live"),
    path("healthz/ready", healthz_ready, name="healthz-ready"),
    path("metrics", metrics_view, name="metrics"),
    path("admin/reports/", include("apps.reports.urls")),
    path("admin/exchange/", include("apps.exchange.urls")),
    path("admin/", admin.site.urls),
    path("evidence/<int:document_id>/", evidence_download, name="evidence-download"),
    path("evidence/questionnaire-files/<int:file_id>/", answer_file_download, name="questionnaire-file-download"),
    path("accounts/mfa/", mfa_setup, name="mfa-setup"),
    path("accounts/mfa/enrol/<str:secret>/", mfa_enrolment_link, name="mfa-enrolment-link"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("sso/", include("apps.sso.urls")),
    path("api/v1/", include("apps.api.urls")),
    path("intake/", include("apps.intake.urls")),
    # CSP violation reports from our systems' own pages (unauthenticated by nature; capped and rate-limited).
    path("observation/", include("apps.observation.urls")),
    path("portal/", include("apps.questionnaires.portal_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # Our own page: only /static/ files, no inline style or script (drf-spectacular's pages have both).
    path("api/docs/", swagger_ui, name="swagger-ui"),
    # The reviewer's workspace: the dashboard at / and a page per vendor, incident and review. Last: its
    # /vendors/, /incidents/ … never shadow the prefixes above.
    path("", include("apps.workspace.urls")),
]

handler403 = "apps.accounts.views.permission_denied"
handler404 = "apps.core.views.page_not_found"
