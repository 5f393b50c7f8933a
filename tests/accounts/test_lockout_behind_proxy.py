"""Lockout behind a reverse proxy: each client is told apart by the address the trusted proxies saw.

Every request reaches Django from the proxy's address (REMOTE_ADDR); the proxy appends the address it saw to
X-Forwarded-For. With TRUSTED_PROXY_COUNT proxies, the client is the entry that many places from the right;
anything further left was written by the client and is ignored.
"""

import pytest

from apps.accounts.client_address import client_address

PROXY = "10.0.0.2"


def fail_login(client, *, seen_by_proxy, username="reviewer", forwarded_prefix=""):
    return client.post(
        "/admin/login/",
        {"username": username, "password": "wrong-password"},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded_prefix + seen_by_proxy,
    )


def log_in(client, *, seen_by_proxy, forwarded_prefix=""):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": "reviewer", "password": "correct-horse-battery"},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded_prefix + seen_by_proxy,
    )


@pytest.fixture
def one_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1


def test_an_attacker_behind_the_proxy_cannot_lock_the_reviewer_out_elsewhere(client, reviewer, settings, one_proxy):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        fail_login(client, seen_by_proxy="203.0.113.66")
    assert fail_login(client, seen_by_proxy="203.0.113.66").status_code == 429
    response = log_in(client, seen_by_proxy="198.51.100.7")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(reviewer.pk)


def test_a_forged_forwarded_for_does_not_escape_the_lockout(client, reviewer, settings, one_proxy):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        fail_login(client, seen_by_proxy="203.0.113.66", forwarded_prefix=f"192.0.2.{attempt}, ")
    response = log_in(client, seen_by_proxy="203.0.113.66", forwarded_prefix="192.0.2.99, ")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_without_trusted_proxies_the_forwarded_header_is_ignored(client, reviewer, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            "/admin/login/",
            {"username": "reviewer", "password": "wrong-password"},
            REMOTE_ADDR="203.0.113.66",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{attempt}",
        )
    response = client.post(
        "/admin/login/",
        {"username": "reviewer", "password": "correct-horse-battery"},
        REMOTE_ADDR="203.0.113.66",
        HTTP_X_FORWARDED_FOR="192.0.2.200",
    )
    assert response.status_code == 429


def test_lockout_is_per_username_and_address_not_per_address(client, reviewer, second_reviewer, settings, one_proxy):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        fail_login(client, seen_by_proxy="203.0.113.66", username="reviewer2")
    response = log_in(client, seen_by_proxy="203.0.113.66")
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("count", "remote", "forwarded", "expected"),
    [
        (0, "10.0.0.2", "203.0.113.5", "10.0.0.2"),
        (1, "10.0.0.2", "203.0.113.5", "203.0.113.5"),
        (1, "10.0.0.2", "1.1.1.1, 203.0.113.5", "203.0.113.5"),
        (2, "10.0.0.3", "1.1.1.1, 203.0.113.5, 10.0.0.2", "203.0.113.5"),
        (2, "10.0.0.3", "10.0.0.2", "10.0.0.3"),  # fewer hops than proxies: not through the chain, use the peer
        (1, "10.0.0.2", "not-an-address", "10.0.0.2"),
        (1, "10.0.0.2", "", "10.0.0.2"),
        (1, "10.0.0.2", " 2001:db8::1 ", "2001:db8::1"),
    ],
)
def test_client_address_counts_trusted_proxies_from_the_right(rf, settings, count, remote, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = count
    request = rf.get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected
