"""API tokens (django-rest-knox): second factor at the exchange, hashed at rest, expiring, revocable, ended with the
password or the account."""

import datetime
import hashlib

import pytest
from django.core.management import call_command
from django.utils import timezone
from rest_framework.test import APIClient

from apps.accounts.models import ApiToken
from apps.accounts.services import api_token_issue, mfa_recovery_codes_replace
from tests.accounts.mfa_helpers import current_code, enrolled_device, login_verified

TOKEN_URL = "/api/v1/auth/token/"
TOKENS_URL = "/api/v1/auth/tokens/"
PASSWORD = "correct-horse-battery"  # tests.factories.accounts.UserFactory


@pytest.fixture
def otp_required(settings):
    settings.ADMIN_REQUIRES_OTP = True


def exchange(body, client=None):
    return (client or APIClient()).post(TOKEN_URL, body, format="json")


def with_token(token):
    return APIClient(HTTP_AUTHORIZATION=f"Token {token}")


def test_a_reviewer_password_alone_gets_no_token(reviewer, otp_required):
    enrolled_device(reviewer)
    response = exchange({"username": "reviewer", "password": PASSWORD})
    assert response.status_code == 403
    assert "enrol" in response.json()["detail"]
    assert not ApiToken.objects.exists()


def test_a_reviewer_with_a_current_code_gets_a_token_that_works_under_mfa(reviewer, otp_required):
    device = enrolled_device(reviewer)
    response = exchange({"username": "reviewer", "password": PASSWORD, "otp": current_code(device), "name": "ci"})
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "ci"
    assert with_token(body["token"]).get("/api/v1/reviews/").status_code == 200


def test_a_wrong_code_is_refused_and_issues_nothing(reviewer, otp_required):
    device = enrolled_device(reviewer)
    wrong = "000000" if current_code(device) != "000000" else "111111"
    response = exchange({"username": "reviewer", "password": PASSWORD, "otp": wrong})
    assert response.status_code == 403
    assert "otp" in response.json()
    assert not ApiToken.objects.exists()


def test_a_session_verified_with_otp_counts_as_the_second_factor(reviewer, otp_required):
    client = APIClient()
    login_verified(client, reviewer)
    assert exchange({"username": "reviewer", "password": PASSWORD}, client).status_code == 200


def test_a_recovery_code_works_once(reviewer, otp_required):
    code = mfa_recovery_codes_replace(user=reviewer)[0]
    assert exchange({"username": "reviewer", "password": PASSWORD, "otp": code}).status_code == 200
    assert exchange({"username": "reviewer", "password": PASSWORD, "otp": code}).status_code == 403


def test_a_reviewer_token_issued_without_a_second_factor_is_refused(reviewer, otp_required):
    # e.g. issued while the user held another role: it must not carry reviewer access past MFA.
    _, token = api_token_issue(user=reviewer, second_factor=False)
    response = with_token(token).get("/api/v1/vendors/")
    assert response.status_code == 403
    assert "enrol" in response.json()["detail"]


def test_dashboard_accounts_get_tokens_from_a_reviewer_not_the_exchange(dashboard_user):
    response = exchange({"username": "dashboard", "password": PASSWORD})
    assert response.status_code == 403
    assert "service account" in response.json()["detail"]
    assert not ApiToken.objects.exists()


def test_the_database_never_holds_the_token(buyer):
    token = exchange({"username": "buyer", "password": PASSWORD}).json()["token"]
    row = ApiToken.objects.values().get()
    assert all(token not in str(value) for value in row.values())
    assert row["digest"] == hashlib.sha512(token.encode()).hexdigest()


def test_tokens_expire_after_the_configured_days(buyer, settings):
    settings.API_TOKEN_TTL_DAYS = 7
    record, token = api_token_issue(user=buyer, second_factor=False)
    assert abs(record.expiry - (timezone.now() + datetime.timedelta(days=7))) < datetime.timedelta(minutes=1)
    assert with_token(token).get(TOKENS_URL).status_code == 200
    ApiToken.objects.filter(pk=record.pk).update(expiry=timezone.now() - datetime.timedelta(seconds=1))
    assert with_token(token).get(TOKENS_URL).status_code == 401


def test_default_lifetime_is_ninety_days(buyer):
    record, _ = api_token_issue(user=buyer, second_factor=False)
    assert (record.expiry - timezone.now()).days == 89


def test_owners_list_their_own_tokens_without_the_secret(buyer, other_buyer):
    mine, token = api_token_issue(user=buyer, name="laptop", second_factor=False)
    api_token_issue(user=other_buyer, name="theirs", second_factor=False)
    listed = with_token(token).get(TOKENS_URL).json()["results"]
    assert [item["name"] for item in listed] == ["laptop"]
    assert set(listed[0]) == {"id", "name", "token_key", "created", "expiry", "second_factor"}


def test_an_owner_revokes_a_token_and_not_someone_elses(buyer, other_buyer):
    _, token = api_token_issue(user=buyer, second_factor=False)
    old, old_token = api_token_issue(user=buyer, name="old", second_factor=False)
    theirs, _ = api_token_issue(user=other_buyer, second_factor=False)
    client = with_token(token)
    assert client.delete(f"{TOKENS_URL}{theirs.pk}/").status_code == 404
    assert client.delete(f"{TOKENS_URL}{old.pk}/").status_code == 204
    assert with_token(old_token).get(TOKENS_URL).status_code == 401
    assert ApiToken.objects.filter(pk=theirs.pk).exists()


def test_a_reviewer_revokes_anyones_token_in_the_admin(client, reviewer, dashboard_user, otp_required):
    record, token = api_token_issue(user=dashboard_user, second_factor=True)
    login_verified(client, reviewer)
    response = client.post(f"/admin/accounts/apitoken/{record.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert with_token(token).get("/api/v1/vendors/").status_code == 401


def test_a_reviewer_issues_a_dashboard_service_token_in_the_admin(client, reviewer, dashboard_user, otp_required):
    login_verified(client, reviewer)
    response = client.post("/admin/accounts/apitoken/add/", {"user": dashboard_user.pk, "name": "grafana"}, follow=True)
    message = next(str(m) for m in response.context["messages"] if "Token for" in str(m))
    token = message.split(": ")[1].split(" ")[0]
    assert with_token(token).get("/api/v1/vendors/").status_code == 200
    assert ApiToken.objects.get().issued_by == reviewer


def test_the_admin_refuses_to_issue_a_token_to_a_reviewer(client, reviewer, second_reviewer, otp_required):
    login_verified(client, reviewer)
    response = client.post("/admin/accounts/apitoken/add/", {"user": second_reviewer.pk, "name": "x"})
    assert response.status_code == 200
    assert "user" in response.context["adminform"].form.errors
    assert not ApiToken.objects.exists()


def test_non_reviewers_have_no_token_admin(client, dashboard_user):
    client.force_login(dashboard_user)
    assert client.get("/admin/accounts/apitoken/").status_code in (302, 403)


def test_a_password_change_revokes_every_token(buyer):
    _, first = api_token_issue(user=buyer, second_factor=False)
    _, second = api_token_issue(user=buyer, second_factor=False)
    buyer.set_password("another-long-password")
    buyer.save()
    assert not ApiToken.objects.filter(user=buyer).exists()
    assert with_token(first).get(TOKENS_URL).status_code == 401
    assert with_token(second).get(TOKENS_URL).status_code == 401


def test_deactivation_revokes_every_token(buyer):
    _, token = api_token_issue(user=buyer, second_factor=False)
    buyer.is_active = False
    buyer.save(update_fields=["is_active"])
    assert not ApiToken.objects.filter(user=buyer).exists()
    buyer.is_active = True
    buyer.save()
    assert with_token(token).get(TOKENS_URL).status_code == 401


def test_a_login_does_not_revoke_tokens(client, buyer):
    _, token = api_token_issue(user=buyer, second_factor=False)
    client.post("/accounts/login/", {"username": "buyer", "password": PASSWORD})
    assert with_token(token).get(TOKENS_URL).status_code == 200


def test_create_api_token_twice_gives_two_working_tokens(dashboard_user, capsys):
    call_command("create_api_token", "dashboard")
    first = capsys.readouterr().out.strip().splitlines()[-1]
    call_command("create_api_token", "dashboard", "--name", "second")
    second = capsys.readouterr().out.strip().splitlines()[-1]
    assert first != second
    for token in (first, second):
        assert with_token(token).get("/api/v1/dashboard/").status_code == 200
