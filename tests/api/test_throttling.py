"""API throttling counts per caller: one token hammering the API is slowed down, other tokens are not."""

from rest_framework.test import APIClient
from rest_framework.throttling import UserRateThrottle

from apps.accounts.models import ApiToken

RATE_LIMIT = 3


def token_client(user):
    return APIClient(HTTP_AUTHORIZATION=f"Token {ApiToken.objects.create(user=user)[1]}")


def test_one_token_is_throttled_while_another_still_answers(reviewer, dashboard_user, monkeypatch):
    # DRF reads the rates once, onto the class: patch the class, not the settings.
    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", {"user": f"{RATE_LIMIT}/minute", "anon": "100/minute"})
    busy, quiet = token_client(reviewer), token_client(dashboard_user)

    answers = [busy.get("/api/v1/vendors/").status_code for _ in range(RATE_LIMIT + 1)]
    assert answers == [200] * RATE_LIMIT + [429]
    throttled = busy.get("/api/v1/vendors/")
    assert throttled.status_code == 429
    assert "detail" in throttled.json()
    assert int(throttled["Retry-After"]) > 0

    assert quiet.get("/api/v1/vendors/").status_code == 200


def test_under_the_limit_nothing_is_throttled(reviewer, monkeypatch):
    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", {"user": f"{RATE_LIMIT}/minute", "anon": "100/minute"})
    client = token_client(reviewer)
    assert [client.get("/api/v1/vendors/").status_code for _ in range(RATE_LIMIT)] == [200] * RATE_LIMIT


def test_a_forged_forwarded_for_does_not_dodge_the_anonymous_limit(db, monkeypatch):
    from rest_framework.throttling import ScopedRateThrottle

    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"token_exchange": f"{RATE_LIMIT}/minute"})
    client = APIClient()
    answers = [
        client.post("/api/v1/auth/token/", {}, format="json", HTTP_X_FORWARDED_FOR=f"192.0.2.{i}").status_code
        for i in range(RATE_LIMIT + 1)
    ]
    assert answers == [400] * RATE_LIMIT + [429]
