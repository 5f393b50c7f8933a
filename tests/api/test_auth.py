"""Session and token authentication: the token exchange, its throttle, django-axes lockout, the command."""

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

from apps.accounts.models import ApiToken

TOKEN_URL = "/api/v1/auth/token/"
PASSWORD = "correct-horse-battery"  # tests.factories.accounts.UserFactory


def test_token_exchange_gives_a_token_that_authenticates(buyer):
    response = APIClient().post(TOKEN_URL, {"username": "buyer", "password": PASSWORD}, format="json")
    assert response.status_code == 200
    token = response.json()["token"]
    assert ApiToken.objects.get(user=buyer).token_key == token[:15]

    client = APIClient(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/intake-requests/").status_code == 200
    # Asking again issues a second token; the first keeps working.
    again = APIClient().post(TOKEN_URL, {"username": "buyer", "password": PASSWORD}, format="json")
    assert again.json()["token"] != token
    assert client.get("/api/v1/intake-requests/").status_code == 200


def test_token_exchange_refuses_a_wrong_password_and_creates_nothing(dashboard_user):
    response = APIClient().post(TOKEN_URL, {"username": "dashboard", "password": "wrong"}, format="json")
    assert response.status_code == 400
    assert "non_field_errors" in response.json()
    assert not ApiToken.objects.exists()


def test_token_exchange_names_missing_fields(db):
    response = APIClient().post(TOKEN_URL, {"username": "dashboard"}, format="json")
    assert response.status_code == 400
    assert "password" in response.json()


def test_token_exchange_is_locked_by_axes_after_repeated_failures(dashboard_user, settings):
    client = APIClient()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(TOKEN_URL, {"username": "dashboard", "password": "guess"}, format="json")
    response = client.post(TOKEN_URL, {"username": "dashboard", "password": PASSWORD}, format="json")
    assert response.status_code == 429
    assert response["Content-Type"] == "application/json"
    assert "locked" in response.json()["detail"].lower()
    assert not ApiToken.objects.exists()


def test_admin_login_lockout_stays_a_plain_page(client, dashboard_user, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        response = client.post("/admin/login/?next=/admin/", {"username": "dashboard", "password": "guess"})
    assert response.status_code == 429
    assert response["Content-Type"].startswith("text/html")


def test_token_exchange_is_throttled(buyer, monkeypatch):
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"token_exchange": "2/minute"})
    client = APIClient()
    codes = [
        client.post(TOKEN_URL, {"username": "buyer", "password": PASSWORD}, format="json").status_code for _ in range(3)
    ]
    assert codes == [200, 200, 429]


def test_create_api_token_prints_a_working_token_last(dashboard_user, capsys):
    call_command("create_api_token", "dashboard")
    token = capsys.readouterr().out.strip().splitlines()[-1]
    response = APIClient(HTTP_AUTHORIZATION=f"Token {token}").get("/api/v1/dashboard/")
    assert response.status_code == 200


def test_a_bad_token_is_401(db):
    response = APIClient(HTTP_AUTHORIZATION="Token not-a-token").get("/api/v1/vendors/")
    assert response.status_code == 401


def test_session_authentication_works_for_the_browsable_api(client, reviewer):
    client.force_login(reviewer)
    response = client.get("/api/v1/vendors/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert b"Vendor" in response.content


@pytest.mark.parametrize("method", ["get", "post"])
def test_unauthenticated_is_401_with_a_token_challenge(db, method):
    response = getattr(APIClient(), method)("/api/v1/vendors/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
