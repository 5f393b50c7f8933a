"""OpenID Connect sign-in against a real provider (django-oauth-toolkit on loopback, tests/sso/idp/)."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model

from apps.sso.models import ExternalIdentity

pytestmark = pytest.mark.django_db


def start(client, next_url=""):
    response = client.get("/sso/oidc/login/" + (f"?next={next_url}" if next_url else ""))
    assert response.status_code == 302
    return response["Location"]


def sign_in(client, provider, username):
    """The whole browser round trip; returns vendorrisk's answer to the callback."""
    return client.get(provider.authorize(start(client), username))


def roles(username):
    return set(get_user_model().objects.get(username=username).groups.values_list("name", flat=True))


def signed_in_as(client):
    return client.session.get("_auth_user_id")


def test_the_request_to_the_provider_carries_state_nonce_and_an_s256_pkce_challenge(client, oidc):
    query = parse_qs(urlsplit(start(client)).query)

    assert query["response_type"] == ["code"]
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) >= 43
    assert len(query["state"][0]) >= 32 and len(query["nonce"][0]) >= 32
    assert urlsplit(start(client)).netloc == urlsplit(oidc.url).netloc


def test_first_sign_in_creates_the_user_with_the_role_their_group_maps_to(client, oidc):
    oidc.person("alice", groups=["vr-buyers", "unrelated-group"])

    response = sign_in(client, oidc, "alice")

    assert response.status_code == 302 and response["Location"] == settings.LOGIN_REDIRECT_URL
    user = get_user_model().objects.get(username="alice")
    assert signed_in_as(client) == str(user.pk)
    assert roles("alice") == {"procurement"}
    assert not user.has_usable_password()
    assert not user.is_staff
    identity = ExternalIdentity.objects.get(user=user)
    assert identity.issuer == oidc.issuer and identity.groups == ["unrelated-group", "vr-buyers"]
    assert client.get("/intake/").status_code == 200


def test_a_changed_group_changes_the_role_at_the_next_sign_in(client, oidc):
    oidc.person("bob", groups=["vr-buyers"])
    sign_in(client, oidc, "bob")
    assert roles("bob") == {"procurement"}
    client.logout()

    oidc.person("bob", groups=["vr-security", "vr-admins"])
    sign_in(client, oidc, "bob")

    assert roles("bob") == {"security-reviewer", "administrator"}
    assert get_user_model().objects.get(username="bob").is_staff
    assert get_user_model().objects.filter(username__startswith="bob").count() == 1


def test_a_removed_group_removes_the_role_and_a_user_left_with_none_is_refused(client, oidc):
    oidc.person("carol", groups=["vr-security"])
    sign_in(client, oidc, "carol")
    client.logout()

    oidc.person("carol", groups=["some-other-team"])
    response = sign_in(client, oidc, "carol")

    assert response["Location"] == "/accounts/login/"
    assert signed_in_as(client) is None
    assert roles("carol") == set()


def test_someone_whose_groups_give_no_role_gets_no_account(client, oidc):
    oidc.person("dave", groups=["marketing"])

    response = sign_in(client, oidc, "dave")

    assert response["Location"] == "/accounts/login/"
    assert not get_user_model().objects.filter(username="dave").exists()
    page = client.get("/accounts/login/")
    assert "give you no role" in page.content.decode()


def test_an_account_deactivated_here_is_refused_though_the_provider_signs_it_in(client, oidc):
    oidc.person("erin", groups=["vr-buyers"])
    sign_in(client, oidc, "erin")
    user = get_user_model().objects.get(username="erin")
    client.logout()
    get_user_model().objects.filter(pk=user.pk).update(is_active=False)

    response = sign_in(client, oidc, "erin")

    assert response["Location"] == "/accounts/login/"
    assert signed_in_as(client) is None


def test_a_person_deactivated_at_the_provider_cannot_sign_in(client, oidc):
    oidc.person("frank", groups=["vr-buyers"], active=False)

    with pytest.raises(PermissionError):
        sign_in(client, oidc, "frank")
    assert not get_user_model().objects.filter(username="frank").exists()


@pytest.mark.parametrize(
    ("fault", "reason"),
    [
        pytest.param({"tamper": "vr-admins"}, "Signature verification failed", id="bad-signature"),
        pytest.param({"audience": "another-client"}, "Audience doesn't match", id="wrong-audience"),
        pytest.param({"expired": True}, "Signature has expired", id="expired"),
    ],
)
def test_an_id_token_that_fails_verification_signs_nobody_in(client, oidc, caplog, fault, reason):
    oidc.person("mallory", groups=["vr-buyers"])
    oidc.faults(**fault)

    response = sign_in(client, oidc, "mallory")

    assert response["Location"] == "/accounts/login/"
    assert signed_in_as(client) is None
    assert not get_user_model().objects.filter(username="mallory").exists()
    assert reason in caplog.text


def test_an_id_token_carrying_the_nonce_of_an_earlier_sign_in_is_refused(client, oidc, caplog):
    oidc.person("grace", groups=["vr-buyers"])
    first = start(client)
    client.get(oidc.authorize(first, "grace"))
    client.logout()
    old_nonce = parse_qs(urlsplit(first).query)["nonce"][0]

    oidc.faults(nonce=old_nonce)
    response = sign_in(client, oidc, "grace")

    assert response["Location"] == "/accounts/login/"
    assert signed_in_as(client) is None
    assert "Nonce verification failed" in caplog.text


def test_a_replayed_callback_signs_nobody_in(client, oidc):
    oidc.person("heidi", groups=["vr-buyers"])
    callback = oidc.authorize(start(client), "heidi")
    assert client.get(callback).status_code == 302
    client.logout()

    assert client.get(callback).status_code in (302, 400)
    assert signed_in_as(client) is None


def test_a_callback_for_a_flow_this_browser_did_not_start_is_refused(client, oidc):
    oidc.person("ivan", groups=["vr-buyers"])
    other_browser = client.__class__()
    callback = oidc.authorize(start(other_browser), "ivan")

    client.get("/accounts/login/")
    response = client.get(callback)

    assert response.status_code in (302, 400)
    assert signed_in_as(client) is None
    assert not get_user_model().objects.filter(username="ivan").exists()


def test_a_password_post_carrying_a_code_never_reaches_the_provider(client, oidc, buyer):
    response = client.post("/accounts/login/?code=stolen&state=x", {"username": "nobody", "password": "x" * 12})

    assert response.status_code == 200
    assert signed_in_as(client) is None


def test_the_sign_in_page_lists_the_provider(client, oidc):
    page = client.get("/accounts/login/").content.decode()

    assert "Sign in with Test IdP" in page
    assert 'href="/sso/oidc/login/"' in page


def test_without_configuration_there_is_no_provider_and_no_flow(client, settings, db):
    settings.OIDC_ISSUER = ""

    assert "Sign in with" not in client.get("/accounts/login/").content.decode()
    assert client.get("/sso/oidc/login/").status_code == 404


def test_refused_sign_ins_do_not_lock_single_sign_on_for_the_address(client, oidc, settings):
    settings.AXES_FAILURE_LIMIT = 2
    oidc.person("nora", groups=["marketing"])
    for _ in range(3):
        assert sign_in(client, oidc, "nora")["Location"] == "/accounts/login/"

    oidc.person("nora", groups=["vr-buyers"])
    assert sign_in(client, oidc, "nora")["Location"] == settings.LOGIN_REDIRECT_URL
    assert signed_in_as(client) is not None


@pytest.mark.parametrize("otp_required", [False, True])
def test_the_admin_sign_in_page_lists_the_provider_and_comes_back_to_the_admin(client, oidc, settings, otp_required):
    settings.ADMIN_REQUIRES_OTP = otp_required
    page = client.get("/admin/login/?next=/admin/").content.decode()

    assert 'href="/sso/oidc/login/?next=/admin/"' in page
    assert 'name="password"' in page

    oidc.person("ada", groups=["vr-security"], amr=["pwd", "mfa"])
    response = client.get(oidc.authorize(start(client, "/admin/"), "ada"))
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
