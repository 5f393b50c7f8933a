"""Exchange pages, mounted under /admin/exchange/ and guarded by the admin site (login, staff, MFA) and the role."""

from django.contrib import admin
from django.urls import path

from . import views

app_name = "exchange"
urlpatterns = [
    path("import/", admin.site.admin_view(views.import_view), name="import"),
    path("template/", admin.site.admin_view(views.template_download), name="template"),
    path("export/", admin.site.admin_view(views.export_download), name="export"),
    path("roi/", admin.site.admin_view(views.roi_view), name="roi"),
]
