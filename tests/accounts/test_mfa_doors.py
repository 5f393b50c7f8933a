"""With production-like settings (ADMIN_REQUIRES_OTP on) a reviewer's password alone opens no door.

Every API list endpoint of the router, the dashboard, the schema, a report, evidence and the admin pages answer
403 (or send to the admin login) to a reviewer signed in without a verified second factor, and work with one.
"""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from rest_framework.test import APIClient

from apps.api.urls import router
from tests.accounts.mfa_helpers import login_verified
from tests.factories.reviews import ReviewFactory
from tests.factories.vendors import DocumentFactory, VendorFactory

LIST_URLS = sorted(reverse(f"api:{basename}-list") for _, _, basename in router.registry)
OTHER_API_URLS = ["/api/v1/dashboard/", "/api/schema/"]


@pytest.fixture
def otp_required(settings):
    settings.ADMIN_REQUIRES_OTP = True


def password_session(user):
    client = APIClient()
    client.force_login(user)  # a session exactly as /accounts/login/ leaves it: no device verified
    return client


def verified_session(user):
    client = APIClient()
    login_verified(client, user)
    return client


def test_the_router_lists_every_resource():
    assert "/api/v1/vendors/" in LIST_URLS and "/api/v1/reviews/" in LIST_URLS and len(LIST_URLS) >= 14


@pytest.mark.parametrize("url", LIST_URLS + OTHER_API_URLS)
def test_a_reviewer_with_a_password_alone_is_refused_everywhere_with_how_to_enrol(url, reviewer, otp_required):
    response = password_session(reviewer).get(url, HTTP_ACCEPT="application/json")
    assert response.status_code == 403
    assert b"enrol" in response.content


@pytest.mark.parametrize("url", LIST_URLS + OTHER_API_URLS)
def test_a_reviewer_with_a_verified_device_gets_in_everywhere(url, reviewer, otp_required):
    assert verified_session(reviewer).get(url).status_code == 200


def test_a_password_session_cannot_move_a_review(reviewer, otp_required):
    review = ReviewFactory(requested_by=reviewer)
    response = password_session(reviewer).post(f"/api/v1/reviews/{review.pk}/start/")
    assert response.status_code == 403
    review.refresh_from_db()
    assert review.state == "draft"


def test_a_password_session_gets_no_report_through_the_api(reviewer, otp_required):
    vendor = VendorFactory(slug="acme")
    assert password_session(reviewer).get(f"/api/v1/vendors/{vendor.slug}/report/").status_code == 403
    assert verified_session(reviewer).get(f"/api/v1/vendors/{vendor.slug}/report/").status_code == 200


def test_without_the_requirement_a_password_session_still_works(reviewer):
    # Local settings (`make run`): the demo users sign in with a password alone.
    assert password_session(reviewer).get("/api/v1/vendors/").status_code == 200


@pytest.fixture
def evidence(reviewer):
    document = DocumentFactory(verified_by=reviewer)
    document.file.save("soc2.pdf", ContentFile(b"%PDF-1.7 evidence"), save=True)
    return document


def test_evidence_download_needs_the_second_factor(client, reviewer, evidence, otp_required):
    client.force_login(reviewer)
    assert client.get(f"/evidence/{evidence.pk}/").status_code == 403
    login_verified(client, reviewer)
    response = client.get(f"/evidence/{evidence.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_admin_report_and_intake_pages_need_the_second_factor(client, reviewer, otp_required):
    vendor = VendorFactory(slug="acme")
    pages = [
        reverse("reports:vendor-dataflow", args=[vendor.slug]),
        "/admin/intake/intakerequest/",
        "/admin/accounts/apitoken/",
    ]
    client.force_login(reviewer)
    for page in pages:
        response = client.get(page)
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/"), page
    login_verified(client, reviewer)
    for page in pages:
        assert client.get(page).status_code == 200, page


def test_procurement_keeps_its_password_only_doors(buyer, otp_required):
    # Decision (README › Security): procurement sees only its own requests; its intake form and API stay
    # password-only.
    assert password_session(buyer).get("/api/v1/intake-requests/").status_code == 200
