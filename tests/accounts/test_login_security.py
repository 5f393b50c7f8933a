"""Login throttling (django-axes), the security log, and the pages' security headers."""

import logging

import pytest


def failed_admin_login(client, username="reviewer"):
    return client.post("/admin/login/", {"username": username, "password": "wrong-password"})


def test_repeated_failures_lock_the_account_even_for_the_right_password(client, reviewer, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        failed_admin_login(client)
    response = client.post("/admin/login/", {"username": "reviewer", "password": "correct-horse-battery"})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_failures_under_the_limit_do_not_lock(client, reviewer, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        failed_admin_login(client)
    response = client.post("/admin/login/?next=/admin/", {"username": "reviewer", "password": "correct-horse-battery"})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(reviewer.pk)


def test_login_failure_and_success_are_logged(client, reviewer, caplog):
    with caplog.at_level(logging.INFO, logger="vendorrisk.security"):
        failed_admin_login(client)
        client.post("/admin/login/", {"username": "reviewer", "password": "correct-horse-battery"})
    messages = [r.getMessage() for r in caplog.records if r.name == "vendorrisk.security"]
    assert any(m.startswith("login.failure user=reviewer") for m in messages)
    assert any(m.startswith("login.success user=reviewer") for m in messages)


@pytest.mark.parametrize("path", ["/admin/login/", "/accounts/login/", "/healthz"])
def test_pages_carry_a_same_origin_content_security_policy(client, db, path):
    response = client.get(path)
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
