"""Who may open the workspace: reviewers act, the dashboard role reads, procurement goes to its own door."""

import pytest
from django.test import override_settings

from apps.risk.models import VendorRequirement
from tests.accounts.mfa_helpers import login_verified

PAGES = ("/", "/vendors/", "/vendors/acme-crm/", "/incidents/", "/findings/", "/evidence/")


@pytest.mark.django_db
def test_signed_out_visitors_go_to_the_login_page(client, vendor):
    for path in PAGES:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/accounts/login/?next="), path


@pytest.mark.django_db
def test_procurement_lands_on_intake_and_cannot_read_the_register(client, buyer, vendor):
    client.force_login(buyer)
    assert client.get("/")["Location"] == "/intake/"
    assert client.get("/vendors/acme-crm/").status_code == 403
    assert client.get("/vendors/").status_code == 403


@pytest.mark.django_db
def test_the_dashboard_role_reads_without_action_forms_and_cannot_write(client, dashboard_user, vendor, evidence):
    client.force_login(dashboard_user)
    for path in PAGES:
        assert client.get(path).status_code == 200, path
    page = client.get("/vendors/acme-crm/").content.decode()
    assert "Mark requirements met" not in page
    status = VendorRequirement.objects.filter(vendor=vendor).first()
    response = client.post(
        "/vendors/acme-crm/mark-met/",
        {"mark_met-vendor_requirements": [status.pk], "mark_met-evidence": evidence.pk},
    )
    assert response.status_code == 403
    assert not VendorRequirement.objects.filter(vendor=vendor, status="met").exists()


@pytest.mark.django_db
@override_settings(ADMIN_REQUIRES_OTP=True)
def test_a_reviewer_needs_a_verified_second_factor(client, reviewer, vendor):
    client.force_login(reviewer)
    assert client.get("/").status_code == 403
    login_verified(client, reviewer)
    assert client.get("/").status_code == 200
