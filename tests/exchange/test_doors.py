"""The admin pages and the API: reviewers import (preview, then confirm) and export; others are refused."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from apps.datamap.models import DataFlow
from apps.vendors.models import Vendor
from tests.factories.accounts import UserFactory

from .workbooks import register_sheets, xlsx

pytestmark = pytest.mark.django_db


def _upload(sheets=None):
    return SimpleUploadedFile("register.xlsx", xlsx(sheets or register_sheets()).getvalue())


def _api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_admin_import_previews_then_applies_on_confirm_once(client, reviewer, catalogue):
    client.force_login(reviewer)
    preview = client.post("/admin/exchange/import/", {"file": _upload()})
    assert preview.status_code == 200 and b"Preview: nothing written yet" in preview.content
    assert not Vendor.objects.exists()
    token = preview.context["pending"]["token"]

    applied = client.post("/admin/exchange/import/", {"confirm": "1", "token": token})
    assert applied.status_code == 302 and Vendor.objects.count() == 2 and DataFlow.objects.count() == 1
    again = client.post("/admin/exchange/import/", {"confirm": "1", "token": token})
    assert again.status_code == 400 and b"token" in again.content


def test_admin_import_lists_errors_and_offers_no_confirm(client, reviewer, catalogue):
    sheets = register_sheets()
    sheets["vendors"][1][6] = "astrology"
    client.force_login(reviewer)
    response = client.post("/admin/exchange/import/", {"file": _upload(sheets)})
    assert b"nothing will be written" in response.content
    assert response.context["pending"] is None
    assert [(e.sheet, e.row, e.column) for e in response.context["report"].errors][:1] == [("vendors", 2, "category")]


def test_admin_downloads_template_export_and_roi(client, reviewer, catalogue):
    client.force_login(reviewer)
    assert client.get("/admin/exchange/template/")["Content-Disposition"].endswith('.xlsx"')
    for fmt in ("xlsx", "csv", "json"):
        response = client.get("/admin/exchange/export/", {"format": fmt})
        assert response.status_code == 200 and b"".join(response.streaming_content)
    assert client.get("/admin/exchange/export/", {"format": "pdf"}).status_code == 400
    page = client.get("/admin/exchange/roi/", {"reference_date": "2025-12-31"})
    assert page.status_code == 200 and b"B_01.01" in page.content
    package = client.get("/admin/exchange/roi/", {"reference_date": "2025-12-31", "download": "1"})
    assert package["Content-Type"] == "application/zip"


@pytest.mark.parametrize("role", ["procurement", "dashboard"])
def test_others_cannot_use_the_admin_pages(client, role):
    user = UserFactory(role=role, is_staff=True)
    client.force_login(user)
    assert client.get("/admin/exchange/import/").status_code in (302, 403)
    assert client.get("/admin/exchange/export/").status_code in (302, 403)


def test_api_import_dry_runs_then_applies_for_reviewers(reviewer, catalogue):
    api = _api(reviewer)
    dry = api.post("/api/v1/exchange/import/", {"file": _upload()}, format="multipart")
    assert dry.status_code == 200 and dry.json()["applied"] is False and not Vendor.objects.exists()
    applied = api.post("/api/v1/exchange/import/", {"file": _upload(), "apply": "true"}, format="multipart")
    assert applied.json()["applied"] is True and Vendor.objects.count() == 2


def test_api_import_errors_are_a_400_naming_sheet_row_and_column(reviewer, catalogue):
    sheets = register_sheets()
    sheets["contracts"][1][2] = "yesterday"
    response = _api(reviewer).post(
        "/api/v1/exchange/import/", {"file": _upload(sheets), "apply": "true"}, format="multipart"
    )
    assert response.status_code == 400
    assert {"sheet": "contracts", "row": 2, "column": "starts_on"}.items() <= response.json()["errors"][0].items()
    assert not Vendor.objects.exists()
    junk = _api(reviewer).post(
        "/api/v1/exchange/import/", {"file": SimpleUploadedFile("x.pdf", b"%PDF")}, format="multipart"
    )
    assert junk.status_code == 400 and "file" in junk.json()


def test_a_dashboard_token_reads_exports_but_cannot_import(catalogue):
    dashboard = UserFactory(role="dashboard")
    api = _api(dashboard)
    assert api.post("/api/v1/exchange/import/", {"file": _upload()}, format="multipart").status_code == 403
    response = api.get("/api/v1/exchange/export/", {"format": "json"})
    assert response.status_code == 200 and b"vendorrisk-register" in b"".join(response.streaming_content)
    assert api.get("/api/v1/exchange/roi/").json()["error_count"] >= 0
    assert _api(UserFactory(role="procurement")).get("/api/v1/exchange/export/").status_code == 403


def test_api_export_names_a_bad_format(reviewer):
    response = _api(reviewer).get("/api/v1/exchange/export/", {"format": "pdf"})
    assert response.status_code == 400 and "format" in response.json()


def test_import_pages_accept_a_whole_register_file_and_no_more(settings):
    from apps.core.middleware import RequestBodyLimitMiddleware

    limits = RequestBodyLimitMiddleware(lambda request: None)
    assert limits.limit_for("/admin/exchange/import/") == settings.IMPORT_MAX_UPLOAD_BYTES
    assert limits.limit_for("/api/v1/exchange/import/") == settings.IMPORT_MAX_UPLOAD_BYTES
    assert limits.limit_for("/api/v1/vendors/") == settings.MAX_REQUEST_BODY_BYTES < settings.IMPORT_MAX_UPLOAD_BYTES
