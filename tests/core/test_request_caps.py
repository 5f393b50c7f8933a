"""Request bodies are capped before they are read: a huge upload is refused from its Content-Length alone."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.vendors.models import Document
from tests.factories.vendors import VendorFactory

MB = 1024 * 1024


def declare(client, path, *, length, content_type="multipart/form-data; boundary=xyz", body=b"--xyz--\r\n"):
    """A POST that declares `length` bytes but sends only `body`: anything that tries to read it would fail."""
    return client.generic("POST", path, body, content_type=content_type, CONTENT_LENGTH=str(length))


def test_an_anonymous_60_mb_post_to_the_login_page_is_refused_unread(client, db):
    response = declare(client, "/accounts/login/", length=60 * MB)
    assert response.status_code == 413
    assert "at most" in response.content.decode()


def test_the_api_refuses_a_huge_body_with_json(client, db):
    response = declare(client, "/api/v1/auth/token/", length=60 * MB, content_type="application/json")
    assert response.status_code == 413
    assert "at most" in response.json()["detail"]


def test_a_garbled_content_length_is_a_400(client, db):
    assert declare(client, "/accounts/login/", length="lots").status_code == 400


def test_an_ordinary_login_post_still_goes_through(client, reviewer):
    response = client.post("/accounts/login/", {"username": "reviewer", "password": "correct-horse-battery"})
    assert response.status_code == 302


@pytest.mark.parametrize(
    "path", ["/admin/vendors/document/add/", "/admin/vendors/document/7/change/", "/admin/vendors/vendor/3/change/"]
)
def test_evidence_pages_take_the_evidence_limit_plus_a_margin(client, db, settings, path):
    settings.MAX_REQUEST_BODY_BYTES = 1 * MB
    settings.EVIDENCE_MAX_UPLOAD_BYTES = 4 * MB
    assert declare(client, path, length=4 * MB + settings.EVIDENCE_UPLOAD_FORM_MARGIN_BYTES + 1).status_code == 413
    # Under the evidence cap, the body reaches Django (here: the admin's login redirect for an anonymous user).
    response = client.post(path, {"name": "x"})
    assert response.status_code == 302
    assert declare(client, "/admin/vendors/contract/add/", length=2 * MB).status_code == 413


def test_evidence_over_the_limit_is_refused_before_it_is_written(client, reviewer, settings):
    settings.EVIDENCE_MAX_UPLOAD_BYTES = 1024
    vendor = VendorFactory(slug="acme")
    client.force_login(reviewer)
    too_big = SimpleUploadedFile("soc2.pdf", b"%PDF-1.7\n" + b"0" * 2048, content_type="application/pdf")
    response = client.post(
        "/admin/vendors/document/add/",
        {"vendor": vendor.pk, "kind": "soc2_report", "title": "SOC 2", "file": too_big},
    )
    assert response.status_code == 200
    assert "evidence may be at most 1024 bytes" in response.content.decode()
    assert not Document.objects.exists()
