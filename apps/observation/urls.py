from django.urls import path

from .views import csp_report

app_name = "observation"
urlpatterns = [path("csp/<str:report_key>/", csp_report, name="csp-report")]
