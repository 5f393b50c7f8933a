"""Evidence uploads: size limit, types checked by content, download only for reviewers as an attachment."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.vendors.evidence import validate_evidence_file
from tests.factories.vendors import DocumentFactory

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32


@pytest.mark.parametrize(
    ("name", "content"),
    [("soc2.pdf", PDF), ("cert.png", PNG), ("cert.jpg", JPEG), ("notes.txt", "Café déjà vu\n".encode())],
)
def test_allowed_types_pass(name, content):
    validate_evidence_file(SimpleUploadedFile(name, content))


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("report.pdf", b"<html><script>alert(1)</script></html>", "file_type"),
        ("payload.exe", b"MZ\x90\x00\x03\x00\x00\x00", "file_type"),
        ("image.svg", b"<svg xmlns='http://www.w3.org/2000/svg'><script/></svg>", "file_type"),
        ("soc2.txt", PDF, "extension_mismatch"),
        ("photo.pdf", PNG, "extension_mismatch"),
        ("notes.txt", b"binary\x00data", "file_type"),
    ],
)
def test_disallowed_content_is_refused_whatever_its_name(name, content, code):
    with pytest.raises(ValidationError) as error:
        validate_evidence_file(SimpleUploadedFile(name, content))
    assert error.value.code == code


def test_files_over_the_limit_are_refused(settings):
    settings.EVIDENCE_MAX_UPLOAD_BYTES = 100
    with pytest.raises(ValidationError) as error:
        validate_evidence_file(SimpleUploadedFile("big.pdf", PDF + b"x" * 200))
    assert error.value.code == "file_too_large"
    assert "at most 100 bytes" in error.value.messages[0]


@pytest.fixture
def document_with_file(db):
    document = DocumentFactory()
    document.file.save("soc2.pdf", ContentFile(PDF))
    return document


def test_a_reviewer_downloads_evidence_as_a_non_sniffable_attachment(client, reviewer, document_with_file):
    client.force_login(reviewer)
    response = client.get(f"/evidence/{document_with_file.pk}/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF


@pytest.mark.parametrize("role_fixture", ["buyer", "dashboard_user"])
def test_other_roles_cannot_download_evidence(client, request, role_fixture, document_with_file):
    client.force_login(request.getfixturevalue(role_fixture))
    assert client.get(f"/evidence/{document_with_file.pk}/").status_code == 403


def test_anonymous_cannot_download_evidence(client, document_with_file):
    assert client.get(f"/evidence/{document_with_file.pk}/").status_code == 403


def test_missing_document_is_404(client, reviewer):
    client.force_login(reviewer)
    assert client.get("/evidence/999999/").status_code == 404
