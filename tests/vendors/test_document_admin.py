"""Evidence through the document admin: the content checks of apps.vendors.evidence apply, downloads go through
the reviewer-only view, and the dates rule holds."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.vendors.models import Document
from tests.factories.vendors import VendorFactory

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
ADD = reverse("admin:vendors_document_add")


def document_data(vendor, file, **changes):
    return {"vendor": vendor.pk, "kind": "soc2_type2", "title": "SOC 2 Type II", "file": file, **changes}


def test_reviewer_uploads_a_pdf_and_gets_the_download_link(client, reviewer, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    vendor = VendorFactory(slug="acme")
    client.force_login(reviewer)
    response = client.post(ADD, document_data(vendor, SimpleUploadedFile("soc2.pdf", PDF)))
    assert response.status_code == 302
    document = Document.objects.get()
    assert document.file.name == "evidence/acme/soc2.pdf"
    changelist = client.get(reverse("admin:vendors_document_changelist")).content.decode()
    assert reverse("evidence-download", args=[document.pk]) in changelist


def test_html_named_pdf_is_refused_and_nothing_is_saved(client, reviewer, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(reviewer)
    fake = SimpleUploadedFile("report.pdf", b"<html><script>alert(1)</script></html>")
    response = client.post(ADD, document_data(VendorFactory(), fake))
    assert response.status_code == 200
    assert "Evidence must be a PDF, PNG, JPEG or plain-text file." in response.content.decode()
    assert not Document.objects.exists()
    assert not any(tmp_path.rglob("*.pdf"))


def test_document_expiring_before_it_was_issued_is_shown_in_the_admin(client, reviewer):
    client.force_login(reviewer)
    data = document_data(VendorFactory(), "", issued_on="2025-06-01", expires_on="2025-05-31")
    response = client.post(ADD, data)
    assert response.status_code == 200
    assert "A document cannot expire before it was issued." in response.content.decode()
    assert not Document.objects.exists()
