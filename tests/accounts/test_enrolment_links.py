"""Enrolment needs more than the password: a single-use, expiring link (stored hashed) or a verified session."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.accounts.models import MfaEnrolmentLink
from apps.accounts.services import mfa_enrolment_link_issue
from tests.accounts.mfa_helpers import current_code, login_verified


def link_url(secret):
    return f"/accounts/mfa/enrol/{secret}/"


def test_a_password_alone_cannot_enrol(client, reviewer):
    client.force_login(reviewer)
    response = client.get("/accounts/mfa/")
    assert response.status_code == 403
    assert b"enrolment link" in response.content
    assert client.post("/accounts/mfa/", {"token": "123456"}).status_code == 403
    assert not TOTPDevice.objects.exists()


def test_a_link_works_once(client, reviewer):
    _, secret = mfa_enrolment_link_issue(user=reviewer)
    client.force_login(reviewer)
    assert client.get(link_url(secret)).status_code == 302
    assert client.get("/accounts/mfa/").status_code == 200

    client.logout()
    client.force_login(reviewer)
    assert client.get(link_url(secret)).status_code == 403
    assert client.get("/accounts/mfa/").status_code == 403


def test_an_expired_link_is_refused(client, reviewer):
    link, secret = mfa_enrolment_link_issue(user=reviewer)
    MfaEnrolmentLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    client.force_login(reviewer)
    assert client.get(link_url(secret)).status_code == 403
    assert client.get("/accounts/mfa/").status_code == 403


def test_someone_elses_link_is_refused_and_stays_usable(client, reviewer, second_reviewer):
    link, secret = mfa_enrolment_link_issue(user=reviewer)
    client.force_login(second_reviewer)
    assert client.get(link_url(secret)).status_code == 403
    link.refresh_from_db()
    assert link.used_at is None


def test_a_new_link_replaces_an_unused_one(client, reviewer):
    _, first = mfa_enrolment_link_issue(user=reviewer)
    mfa_enrolment_link_issue(user=reviewer)
    client.force_login(reviewer)
    assert client.get(link_url(first)).status_code == 403


def test_links_are_stored_hashed(reviewer):
    _, secret = mfa_enrolment_link_issue(user=reviewer)
    row = MfaEnrolmentLink.objects.values().get()
    assert all(secret not in str(value) for value in row.values())


def test_the_command_prints_a_working_link_last(client, reviewer, capsys):
    call_command("mfa_enrol_link", "reviewer")
    url = capsys.readouterr().out.strip().splitlines()[-1]
    client.force_login(reviewer)
    assert client.get(url).status_code == 302


def test_a_reviewer_issues_a_link_in_the_admin(client, reviewer, second_reviewer, settings):
    settings.ADMIN_REQUIRES_OTP = True
    login_verified(client, reviewer)
    response = client.post("/admin/accounts/mfaenrolmentlink/add/", {"user": second_reviewer.pk}, follow=True)
    message = next(str(m) for m in response.context["messages"] if "Enrolment link" in str(m))
    url = message.rsplit(" ", 1)[-1]
    assert MfaEnrolmentLink.objects.get().issued_by == reviewer
    client.logout()
    client.force_login(second_reviewer)
    assert client.get(url).status_code == 302


def test_enrolment_shows_recovery_codes_once_and_they_sign_in(client, reviewer, settings):
    settings.ADMIN_REQUIRES_OTP = True
    _, secret = mfa_enrolment_link_issue(user=reviewer)
    client.force_login(reviewer)
    client.get(link_url(secret))
    client.get("/accounts/mfa/")
    device = TOTPDevice.objects.get(user=reviewer)
    page = client.post("/accounts/mfa/", {"token": current_code(device)})
    codes = [line.split("<code>")[1].split("</code>")[0] for line in page.content.decode().split("<li>")[1:]]
    assert len(codes) == settings.MFA_RECOVERY_CODES
    assert b"shown only now" not in client.get("/accounts/mfa/").content

    client.logout()
    from django_otp.plugins.otp_static.models import StaticDevice

    static = StaticDevice.objects.get(user=reviewer)
    response = client.post(
        "/admin/login/?next=/admin/",
        {
            "username": "reviewer",
            "password": "correct-horse-battery",
            "otp_device": static.persistent_id,
            "otp_token": codes[0],
        },
    )
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


@pytest.mark.parametrize("verified", [True, False])
def test_recovery_codes_are_replaced_only_from_a_verified_session(client, reviewer, verified):
    if verified:
        login_verified(client, reviewer)
    else:
        client.force_login(reviewer)
    response = client.post("/accounts/mfa/", {"action": "recovery-codes"})
    assert response.status_code == (200 if verified else 403)
