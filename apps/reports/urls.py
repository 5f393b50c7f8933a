"""Report URLs, mounted under /admin/reports/ and guarded by the admin site (login, staff, MFA) and the role."""

from django.contrib import admin
from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path(
        "vendors/<slug:slug>/dataflow/",
        admin.site.admin_view(views.vendor_dataflow_report),
        name="vendor-dataflow",
    ),
    path("incidents/<str:reference>/", admin.site.admin_view(views.incident_report), name="incident-report"),
    path("incidents/<str:reference>/notice/", admin.site.admin_view(views.incident_notice), name="incident-notice"),
]
