"""Users, roles and API tokens in the workspace: only register administrators, never the last one removed,
nobody deactivating themself, every secret shown once, every change in the account's history."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from apps.accounts.models import AccountEvent, ApiToken, MfaEnrolmentLink
from apps.accounts.services import api_token_issue
from tests.accounts.mfa_helpers import enrolled_device, login_verified
from tests.factories.accounts import UserFactory

User = get_user_model()


@pytest.fixture
def administrator(db):
    return UserFactory(role="administrator", username="admin1")


@pytest.fixture
def admin_client(client, administrator):
    client.force_login(administrator)
    return client


PASSWORD = "correct-horse-battery"  # noqa: S105  tests.factories.accounts.UserFactory


def _signs_in(username):
    response = Client().post("/accounts/login/", {"username": username, "password": PASSWORD})
    return response.status_code == 302


def _page(response):
    return response.content.decode()


@pytest.mark.django_db
def test_signed_out_visitors_go_to_the_login_page(client, reviewer):
    for path in ("/users/", f"/users/{reviewer.pk}/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.django_db
def test_a_non_administrator_gets_403_on_every_page_and_action_and_changes_nothing(client, reviewer, buyer):
    token, _ = api_token_issue(user=buyer, name="ci", second_factor=False)
    client.force_login(reviewer)  # a security reviewer, but not an administrator
    target = buyer.pk
    gets = ("/users/", f"/users/{target}/")
    posts = {
        "/users/": {"username": "mallory", "roles": ["administrator"]},
        f"/users/{target}/roles/": {"roles": ["administrator"]},
        f"/users/{target}/deactivate/": {},
        f"/users/{target}/reactivate/": {},
        f"/users/{target}/mfa-reset/": {},
        f"/users/{target}/tokens/": {"name": "x", "expiry_days": 5},
        f"/users/{target}/tokens/{token.pk}/revoke/": {},
    }
    for path in gets:
        assert client.get(path).status_code == 403, path
    for path, data in posts.items():
        assert client.post(path, data).status_code == 403, path
    buyer.refresh_from_db()
    assert buyer.is_active and list(buyer.groups.values_list("name", flat=True)) == ["procurement"]
    assert not User.objects.filter(username="mallory").exists()
    assert ApiToken.objects.filter(pk=token.pk).exists() and ApiToken.objects.count() == 1
    assert not AccountEvent.objects.exists()


@pytest.mark.django_db
def test_an_administrator_creates_a_reviewer_whose_password_and_link_are_shown_once(admin_client, administrator):
    response = admin_client.post(
        "/users/", {"username": "carol", "email": "carol@example.com", "roles": ["security-reviewer"]}
    )
    assert response.status_code == 201
    page = _page(response)
    password = re.search(r"Initial password</dt><dd><code>([^<]+)</code>", page).group(1)
    link = re.search(r"(http://testserver/accounts/mfa/enrol/[^<]+)</code>", page).group(1)
    assert response["Cache-Control"].startswith("max-age=0")
    carol = User.objects.get(username="carol")
    assert carol.check_password(password) and carol.is_staff
    assert list(carol.groups.values_list("name", flat=True)) == ["security-reviewer"]
    assert MfaEnrolmentLink.objects.get(user=carol).is_usable
    assert AccountEvent.objects.get(user=carol).kind == "created"
    # Shown once: neither the list nor carol's page repeats them.
    for path in ("/users/", f"/users/{carol.pk}/"):
        again = _page(admin_client.get(path))
        assert password not in again and link not in again
    # The link works for carol.
    admin_client.force_login(carol)
    assert admin_client.get(link.removeprefix("http://testserver")).status_code == 302


@pytest.mark.django_db
def test_creating_an_existing_username_or_an_unknown_role_is_refused_in_place(admin_client, reviewer):
    response = admin_client.post("/users/", {"username": "REVIEWER"})
    assert response.status_code == 400
    assert "An account with this username exists already." in _page(response)
    response = admin_client.post("/users/", {"username": "dave", "roles": ["root"]})
    assert response.status_code == 400
    assert not User.objects.filter(username="dave").exists()


@pytest.mark.django_db
def test_role_changes_are_saved_with_a_history_entry(admin_client, administrator, buyer):
    response = admin_client.post(f"/users/{buyer.pk}/roles/", {"roles": ["security-reviewer", "dashboard"]})
    assert response.status_code == 302
    buyer.refresh_from_db()
    assert set(buyer.groups.values_list("name", flat=True)) == {"security-reviewer", "dashboard"}
    assert buyer.is_staff
    event = AccountEvent.objects.get(user=buyer, kind="roles_changed")
    assert event.actor == administrator
    assert event.detail == "added dashboard, security-reviewer; removed procurement"
    assert "removed procurement" in _page(admin_client.get(f"/users/{buyer.pk}/"))


@pytest.mark.django_db
def test_the_last_administrator_keeps_the_role_until_there_is_another(admin_client, administrator, reviewer):
    response = admin_client.post(f"/users/{administrator.pk}/roles/", {"roles": ["dashboard"]})
    assert response.status_code == 403
    assert "This is the last administrator" in _page(response)
    assert administrator.groups.filter(name="administrator").exists()
    assert not AccountEvent.objects.exists()

    admin_client.post(f"/users/{reviewer.pk}/roles/", {"roles": ["security-reviewer", "administrator"]})
    response = admin_client.post(f"/users/{administrator.pk}/roles/", {"roles": ["dashboard"]})
    assert response.status_code == 302
    assert not administrator.groups.filter(name="administrator").exists()


@pytest.mark.django_db
def test_an_administrator_cannot_deactivate_themself(admin_client, administrator):
    response = admin_client.post(f"/users/{administrator.pk}/deactivate/")
    assert response.status_code == 403
    assert "You cannot deactivate your own account." in _page(response)
    administrator.refresh_from_db()
    assert administrator.is_active


@pytest.mark.django_db
def test_deactivating_stops_sign_in_and_revokes_tokens_and_reactivating_restores_sign_in(admin_client, buyer):
    _, token = api_token_issue(user=buyer, name="ci", second_factor=False)
    assert admin_client.post(f"/users/{buyer.pk}/deactivate/").status_code == 302
    buyer.refresh_from_db()
    assert not buyer.is_active
    assert not ApiToken.objects.filter(user=buyer).exists()
    assert APIClient(HTTP_AUTHORIZATION=f"Token {token}").get("/api/v1/intake-requests/").status_code == 401
    assert not _signs_in("buyer")
    assert admin_client.post(f"/users/{buyer.pk}/reactivate/").status_code == 302
    assert _signs_in("buyer")
    kinds = list(AccountEvent.objects.filter(user=buyer).values_list("kind", flat=True))
    assert kinds == ["reactivated", "deactivated"]


@pytest.mark.django_db
def test_mfa_reset_removes_the_authenticator_and_shows_a_new_link_once(admin_client, reviewer):
    enrolled_device(reviewer)
    response = admin_client.post(f"/users/{reviewer.pk}/mfa-reset/")
    assert response.status_code == 200
    assert not TOTPDevice.objects.filter(user=reviewer).exists()
    link = re.search(r"http://testserver(/accounts/mfa/enrol/[^<]+)</code>", _page(response)).group(1)
    assert link not in _page(admin_client.get(f"/users/{reviewer.pk}/"))
    assert AccountEvent.objects.filter(user=reviewer, kind="mfa_reset").exists()
    admin_client.force_login(reviewer)
    assert admin_client.get(link).status_code == 302
    assert admin_client.get(link).status_code == 403  # single use


@pytest.mark.django_db
def test_a_token_is_issued_with_its_expiry_shown_once_and_revoked(admin_client, dashboard_user):
    response = admin_client.post(f"/users/{dashboard_user.pk}/tokens/", {"name": "grafana", "expiry_days": 7})
    assert response.status_code == 201
    token = re.search(r"<p><code>([^<]+)</code></p>", _page(response)).group(1)
    record = ApiToken.objects.get(user=dashboard_user)
    assert record.name == "grafana" and token.startswith(record.token_key)
    assert 6 <= (record.expiry - record.created).days <= 7
    api = APIClient(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/v1/dashboard/").status_code == 200
    page = _page(admin_client.get(f"/users/{dashboard_user.pk}/"))
    assert token not in page and f"{record.token_key}…" in page

    assert admin_client.post(f"/users/{dashboard_user.pk}/tokens/{record.pk}/revoke/").status_code == 302
    assert not ApiToken.objects.filter(pk=record.pk).exists()
    assert api.get("/api/v1/dashboard/").status_code == 401
    kinds = list(AccountEvent.objects.filter(user=dashboard_user).values_list("kind", flat=True))
    assert kinds == ["token_revoked", "token_issued"]


@pytest.mark.django_db
def test_token_refusals_out_of_range_expiry_reviewers_and_someone_elses_token(admin_client, reviewer, buyer):
    response = admin_client.post(f"/users/{buyer.pk}/tokens/", {"name": "x", "expiry_days": 400})
    assert response.status_code == 400
    response = admin_client.post(f"/users/{reviewer.pk}/tokens/", {"name": "x", "expiry_days": 5})
    assert response.status_code == 403
    assert "token exchange" in _page(response)
    assert not ApiToken.objects.exists()
    other, _ = api_token_issue(user=reviewer, name="own", second_factor=True)
    assert admin_client.post(f"/users/{buyer.pk}/tokens/{other.pk}/revoke/").status_code == 404
    assert ApiToken.objects.filter(pk=other.pk).exists()


@pytest.mark.django_db
@override_settings(ADMIN_REQUIRES_OTP=True)
def test_an_administrator_needs_a_verified_second_factor(client, administrator):
    client.force_login(administrator)
    assert client.get("/users/").status_code == 403
    assert client.post("/users/", {"username": "eve"}).status_code == 403
    assert not User.objects.filter(username="eve").exists()
    login_verified(client, administrator)
    assert client.get("/users/").status_code == 200


@pytest.mark.django_db
def test_a_superuser_is_an_administrator(client):
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    assert client.get("/users/").status_code == 200


def _queries(client, path):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.django_db
def test_the_users_page_runs_the_same_queries_for_3_and_13_people(admin_client, reviewer):
    for n in range(2):
        user = UserFactory(role="dashboard")
        api_token_issue(user=user, name=f"t{n}", second_factor=False)
    small = _queries(admin_client, "/users/")
    for n in range(10):
        user = UserFactory(role="procurement")
        enrolled_device(user)
        api_token_issue(user=user, name=f"u{n}", second_factor=False)
    assert _queries(admin_client, "/users/") == small
    assert _queries(admin_client, f"/users/{reviewer.pk}/") == _queries(admin_client, f"/users/{reviewer.pk}/")
