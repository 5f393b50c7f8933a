"""A second factor proved by the identity provider (amr/acr) counts at every reviewer door; otherwise our TOTP
still applies. Local passwords can be closed to all but the break-glass accounts."""

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model

from tests.accounts.mfa_helpers import current_code, enrolled_device

from .test_oidc import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def mfa_required(settings):
    settings.ADMIN_REQUIRES_OTP = True


def test_a_reviewer_whose_provider_reports_mfa_reaches_the_admin_and_api_without_our_code(client, oidc, mfa_required):
    oidc.person("rita", groups=["vr-security"], amr=["pwd", "mfa"])

    response = sign_in(client, oidc, "rita")

    assert response["Location"] == settings.LOGIN_REDIRECT_URL
    assert client.get("/admin/").status_code == 200
    assert client.get("/api/v1/vendors/").status_code == 200


def test_an_acr_the_operator_trusts_counts_as_a_second_factor(client, oidc, mfa_required, settings):
    settings.SSO_MFA_AMR_VALUES = []
    settings.SSO_MFA_ACR_VALUES = ["urn:example:loa:2fa"]
    oidc.person("sam", groups=["vr-security"], acr="urn:example:loa:2fa")
    oidc.person("sue", groups=["vr-security"], amr=["mfa"], acr="urn:example:loa:1")

    sign_in(client, oidc, "sam")
    assert client.get("/admin/").status_code == 200
    client.logout()

    # amr is not trusted here, and this acr is not the one that means a second factor: our code is asked for.
    sign_in(client, oidc, "sue")
    assert client.get("/admin/").status_code == 302


def test_a_reviewer_signed_in_with_a_password_alone_at_the_provider_must_give_our_code(
    client, oidc, mfa_required, settings
):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # the wrong code below would otherwise hold the right one back a second
    oidc.person("ruth", groups=["vr-security"], amr=["pwd"])

    response = sign_in(client, oidc, "ruth")

    assert response["Location"].startswith("/sso/verify/?next=")
    assert client.get("/admin/").status_code == 302
    assert client.get("/api/v1/vendors/").status_code == 403

    device = enrolled_device(get_user_model().objects.get(username="ruth"))
    wrong = client.post("/sso/verify/", {"otp_token": "000000", "next": "/admin/"})
    assert wrong.status_code == 200 and "not valid" in wrong.content.decode()
    assert client.get("/admin/").status_code == 302

    right = client.post("/sso/verify/", {"otp_token": current_code(device), "next": "/admin/"})
    assert right.status_code == 302 and right["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_the_verify_page_sends_nobody_to_another_site(client, oidc, mfa_required):
    oidc.person("rex", groups=["vr-security"])
    sign_in(client, oidc, "rex")
    device = enrolled_device(get_user_model().objects.get(username="rex"))

    response = client.post("/sso/verify/", {"otp_token": current_code(device), "next": "https://evil.example/"})

    assert response["Location"] == settings.LOGIN_REDIRECT_URL


def test_a_second_factor_from_the_provider_does_not_outlive_the_session(client, oidc, mfa_required, reviewer):
    oidc.person("rosa", groups=["vr-security"], amr=["mfa"])
    sign_in(client, oidc, "rosa")
    client.logout()

    client.force_login(reviewer)
    assert client.get("/admin/").status_code == 302


def test_procurement_needs_no_second_factor_after_single_sign_on(client, oidc, mfa_required):
    oidc.person("paul", groups=["vr-buyers"])

    assert sign_in(client, oidc, "paul")["Location"] == settings.LOGIN_REDIRECT_URL
    assert client.get("/intake/").status_code == 200


@pytest.fixture
def passwords_off(settings):
    settings.LOCAL_PASSWORD_LOGIN = False
    settings.SSO_BREAK_GLASS_USERNAMES = ["breakglass"]


def test_with_local_passwords_off_a_password_opens_no_door(client, buyer, reviewer, passwords_off):
    page = client.post("/accounts/login/", {"username": "buyer", "password": "correct-horse-battery"})
    assert page.status_code == 200 and "_auth_user_id" not in client.session

    admin = client.post("/admin/login/", {"username": "reviewer", "password": "correct-horse-battery"})
    assert admin.status_code == 200 and "_auth_user_id" not in client.session

    token = client.post(
        "/api/v1/auth/token/",
        {"username": "buyer", "password": "correct-horse-battery"},
        content_type="application/json",
    )
    assert token.status_code in (400, 401, 403)


def test_with_local_passwords_off_the_break_glass_administrator_still_signs_in(client, passwords_off):
    from tests.factories.accounts import UserFactory

    UserFactory(username="breakglass", role="security-reviewer")

    response = client.post("/admin/login/", {"username": "breakglass", "password": "correct-horse-battery"})

    assert response.status_code == 302
    assert "_auth_user_id" in client.session
