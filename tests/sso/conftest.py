import pytest

from .oidc_provider import CLIENT_ID, CLIENT_SECRET, start_provider, stop_provider

GROUP_ROLES = {
    "vr-security": ["security-reviewer"],
    "vr-buyers": ["procurement"],
    "vr-dashboards": ["dashboard"],
    "vr-admins": ["administrator"],
}


@pytest.fixture(scope="session")
def oidc_provider():
    provider, process = start_provider()
    try:
        yield provider
    finally:
        stop_provider(provider, process)


@pytest.fixture
def oidc(oidc_provider, settings):
    """vendorrisk configured, from settings as from the environment, to sign in through the test provider."""
    settings.OIDC_ISSUER = oidc_provider.issuer
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_PROVIDER_NAME = "Test IdP"
    settings.SSO_GROUP_ROLES = GROUP_ROLES
    oidc_provider.faults()
    yield oidc_provider
    oidc_provider.faults()
