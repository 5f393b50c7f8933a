"""SAML 2.0 sign-in against an IdP built with pysaml2 in the test: signed assertions only."""

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model

from apps.sso.models import ExternalIdentity

from .conftest import GROUP_ROLES
from .saml_idp import IDP_ENTITY_ID, MFA_CONTEXT, SamlIdp, encode, write_idp_metadata, write_key_pair

pytestmark = [pytest.mark.django_db, pytest.mark.saml]


@pytest.fixture(scope="session")
def idp_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("saml-idp")
    key_file, cert_file = write_key_pair(folder)
    return folder, key_file, cert_file, write_idp_metadata(folder, key_file, cert_file)


@pytest.fixture
def saml(settings, client, idp_files):
    folder, key_file, cert_file, idp_metadata = idp_files
    settings.SAML_IDP_METADATA = idp_metadata
    settings.SAML_PROVIDER_NAME = "Corporate SAML"
    settings.SSO_GROUP_ROLES = GROUP_ROLES
    sp_metadata = folder / "sp-metadata.xml"
    response = client.get("/sso/saml/metadata/")
    assert response.status_code == 200
    sp_metadata.write_bytes(response.content)
    return SamlIdp(key_file, cert_file, str(sp_metadata))


def start(client, next_url="/intake/"):
    response = client.get(f"/sso/saml/login/?next={next_url}")
    assert response.status_code == 302, response.content[:300]
    return response["Location"]


def post_response(client, response_xml, relay_state):
    return client.post("/sso/saml/acs/", {"SAMLResponse": encode(response_xml), "RelayState": relay_state})


def roles(username):
    return set(get_user_model().objects.get(username=username).groups.values_list("name", flat=True))


def test_our_metadata_asks_for_signed_assertions(client, saml):
    metadata = client.get("/sso/saml/metadata/").content.decode()

    assert 'WantAssertionsSigned="true"' in metadata
    assert "http://testserver/sso/saml/acs/" in metadata


def test_a_signed_assertion_signs_in_with_the_mapped_role_and_a_changed_group_changes_it(client, saml):
    xml, relay = saml.respond(start(client), subject="olga", groups=["vr-buyers"])

    response = post_response(client, xml, relay)

    assert response.status_code == 302 and response["Location"] == "/intake/"
    user = get_user_model().objects.get(username="olga")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert roles("olga") == {"procurement"}
    assert ExternalIdentity.objects.get(user=user).issuer == IDP_ENTITY_ID
    client.logout()

    xml, relay = saml.respond(start(client), subject="olga", groups=["vr-security"])
    post_response(client, xml, relay)
    assert roles("olga") == {"security-reviewer"}


def test_an_unsigned_assertion_is_refused(client, saml, caplog):
    xml, relay = saml.respond(start(client), subject="uma", groups=["vr-buyers"], sign=False)

    response = post_response(client, xml, relay)

    assert response["Location"] == "/accounts/login/"
    assert "sign-in refused: Signature missing for assertion" in caplog.text
    assert "_auth_user_id" not in client.session
    assert not get_user_model().objects.filter(username="uma").exists()


def test_an_assertion_tampered_with_after_signing_is_refused(client, saml, caplog):
    xml, relay = saml.respond(start(client), subject="tom", groups=["vr-buyers"])
    forged = xml.replace(">vr-buyers<", ">vr-admins<")
    assert forged != xml

    response = post_response(client, forged, relay)

    assert response["Location"] == "/accounts/login/"
    assert "sign-in refused: Failed to verify signature" in caplog.text
    assert "_auth_user_id" not in client.session
    assert not get_user_model().objects.filter(username="tom").exists()


def test_a_response_to_a_request_this_browser_never_made_is_refused(client, saml, caplog):
    other = client.__class__()
    xml, relay = saml.respond(start(other), subject="ursula", groups=["vr-buyers"])

    response = post_response(client, xml, relay)

    assert response["Location"] == "/accounts/login/"
    assert "_auth_user_id" not in client.session
    assert "Unsolicited response" in caplog.text


def test_the_relay_state_cannot_send_the_browser_to_another_site(client, saml):
    xml, _ = saml.respond(start(client), subject="vera", groups=["vr-buyers"])

    response = post_response(client, xml, "https://evil.example/")

    assert response["Location"] == settings.LOGIN_REDIRECT_URL


def test_a_second_factor_in_the_authentication_context_satisfies_mfa(client, saml, settings):
    settings.ADMIN_REQUIRES_OTP = True
    xml, relay = saml.respond(
        start(client, "/admin/"), subject="wendy", groups=["vr-security"], authn_context=MFA_CONTEXT
    )
    assert post_response(client, xml, relay)["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    client.logout()

    xml, relay = saml.respond(start(client, "/admin/"), subject="xena", groups=["vr-security"])
    assert post_response(client, xml, relay)["Location"].startswith("/sso/verify/")
    assert client.get("/admin/").status_code == 302


def test_the_sign_in_page_lists_the_saml_provider(client, saml):
    assert "Sign in with Corporate SAML" in client.get("/accounts/login/").content.decode()


def test_a_response_replayed_after_use_is_refused(client, saml, caplog):
    xml, relay = saml.respond(start(client), subject="yves", groups=["vr-buyers"])
    assert post_response(client, xml, relay)["Location"] == "/intake/"
    client.logout()

    response = post_response(client, xml, relay)

    assert response["Location"] == "/accounts/login/"
    assert "_auth_user_id" not in client.session
    assert "Unsolicited response" in caplog.text
