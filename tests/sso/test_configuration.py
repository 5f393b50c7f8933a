"""Single sign-on settings that production refuses, the role mapping's own checks, and pages within CSP 'self'."""

import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from apps.sso.mapping import roles_for_groups
from tests.security.test_no_external_assets import AssetCollector

PRODUCTION_ENV = {
    "SECRET_KEY": "x" * 60,
    "ALLOWED_HOSTS": "register.example.com",
    "DATABASE_URL": "postgres://u@db.example.com/vr",
    "PATH": "/usr/bin:/bin",
}


@pytest.mark.parametrize(
    ("extra", "named"),
    [
        ({"OIDC_ISSUER": "http://idp.example.com"}, "OIDC_ISSUER"),
        ({"SAML_IDP_METADATA": "http://idp.example.com/metadata"}, "SAML_IDP_METADATA"),
        ({"LOCAL_PASSWORD_LOGIN": "false"}, "SSO_BREAK_GLASS_USERNAMES"),
    ],
)
def test_production_refuses_single_sign_on_that_could_be_spoofed_or_lock_everyone_out(extra, named):
    result = subprocess.run(
        [sys.executable, "-c", "import vendorrisk.settings.production"],
        env={**PRODUCTION_ENV, **extra},
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert named in result.stderr


def test_production_accepts_https_providers_and_a_break_glass_account():
    extra = {
        "OIDC_ISSUER": "https://idp.example.com",
        "LOCAL_PASSWORD_LOGIN": "false",
        "SSO_BREAK_GLASS_USERNAMES": "breakglass",
    }
    result = subprocess.run(
        [sys.executable, "-c", "import vendorrisk.settings.production"],
        env={**PRODUCTION_ENV, **extra},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


def test_groups_map_to_the_union_of_their_roles(settings):
    settings.SSO_GROUP_ROLES = {"a": ["procurement"], "b": "dashboard", "c": ["procurement", "administrator"]}

    assert roles_for_groups(["a", "b", "c", "unknown"]) == {"procurement", "dashboard", "administrator"}
    assert roles_for_groups([]) == set()


def test_a_mapping_to_an_unknown_role_is_a_configuration_error(settings):
    settings.SSO_GROUP_ROLES = {"a": ["superuser"]}

    with pytest.raises(ImproperlyConfigured, match="superuser"):
        roles_for_groups(["a"])


@pytest.mark.django_db
def test_the_sign_in_and_verify_pages_load_nothing_from_another_origin(client, oidc, settings):
    from .test_oidc import sign_in

    settings.ADMIN_REQUIRES_OTP = True
    oidc.person("vic", groups=["vr-security"])
    pages = [client.get("/accounts/login/")]
    sign_in(client, oidc, "vic")
    pages.append(client.get("/sso/verify/"))

    for page in pages:
        assert page.status_code == 200
        assert "default-src 'self'" in page["Content-Security-Policy"]
        collector = AssetCollector()
        collector.feed(page.content.decode())
        assert collector.inline_scripts == 0
        assert all(not url.startswith(("http:", "https:", "//")) for _, url in collector.loads), collector.loads
