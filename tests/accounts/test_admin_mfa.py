"""MFA for the admin: TOTP enrolment, and a verified device required when ADMIN_REQUIRES_OTP is on."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.accounts.services import mfa_enrolment_link_issue
from tests.accounts.mfa_helpers import current_code


def open_enrolment_link(client, user):
    _, secret = mfa_enrolment_link_issue(user=user)
    assert client.get(f"/accounts/mfa/enrol/{secret}/").status_code == 302


@pytest.fixture
def otp_required(settings):
    settings.ADMIN_REQUIRES_OTP = True


def test_without_otp_requirement_a_reviewer_reaches_the_admin(client, reviewer):
    client.force_login(reviewer)
    assert client.get("/admin/").status_code == 200


def test_with_otp_required_an_unverified_reviewer_is_sent_to_login(client, reviewer, otp_required):
    client.force_login(reviewer)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_admin_login_with_otp_required_refuses_a_password_alone(client, reviewer, otp_required):
    TOTPDevice.objects.create(user=reviewer, name="phone", confirmed=True)
    response = client.post("/admin/login/", {"username": "reviewer", "password": "correct-horse-battery"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_admin_login_with_password_and_current_code_gets_in(client, reviewer, otp_required):
    device = TOTPDevice.objects.create(user=reviewer, name="phone", confirmed=True)
    response = client.post(
        "/admin/login/?next=/admin/",
        {
            "username": "reviewer",
            "password": "correct-horse-battery",
            "otp_device": device.persistent_id,
            "otp_token": current_code(device),
        },
    )
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_enrolment_confirms_a_device_with_a_valid_code_and_verifies_the_session(client, reviewer, otp_required):
    client.force_login(reviewer)
    open_enrolment_link(client, reviewer)
    page = client.get("/accounts/mfa/")
    assert page.status_code == 200
    assert b"<svg" in page.content
    device = TOTPDevice.objects.get(user=reviewer)
    assert not device.confirmed

    confirmed = client.post("/accounts/mfa/", {"token": current_code(device)})
    assert confirmed.status_code == 200
    assert b"shown only now" in confirmed.content
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/admin/").status_code == 200


def test_enrolment_refuses_a_wrong_code(client, reviewer):
    client.force_login(reviewer)
    open_enrolment_link(client, reviewer)
    client.get("/accounts/mfa/")
    device = TOTPDevice.objects.get(user=reviewer)
    wrong = "000000" if current_code(device) != "000000" else "111111"
    response = client.post("/accounts/mfa/", {"token": wrong})
    assert b"not valid" in response.content
    device.refresh_from_db()
    assert not device.confirmed


def test_enrolment_needs_a_login(client, db):
    response = client.get("/accounts/mfa/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
