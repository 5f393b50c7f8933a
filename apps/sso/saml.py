"""SAML 2.0 sign-in (djangosaml2 on pysaml2, which checks signatures with Debian's xmlsec1).

The identity provider comes from its metadata (a file or an https URL, SAML_IDP_METADATA). Assertions must be
signed (`want_assertions_signed`), responses must answer a request this browser made (no IdP-initiated sign-in),
and the user is found by the IdP's entity id and NameID, then goes through the same group-to-role rules as
OpenID Connect (apps.sso.services).
"""

import functools
import logging

import saml2
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from djangosaml2.backends import Saml2Backend
from djangosaml2.utils import get_fallback_login_redirect_url, validate_referral_url
from djangosaml2.views import AssertionConsumerServiceView, LoginView, MetadataView
from saml2.config import SPConfig

from apps.core.exceptions import TransitionRefused

from .flow import finish_after_login
from .services import sign_in_external

logger = logging.getLogger("vendorrisk.security")

REFUSED_MESSAGE = "Single sign-on did not succeed. Try again, or ask your administrator."


def saml_configured() -> bool:
    return bool(settings.SAML_IDP_METADATA)


@functools.lru_cache(maxsize=8)
def _sp_config(base_url: str, entity_id: str, metadata: str, key_file: str, cert_file: str) -> SPConfig:
    source = {"remote": [{"url": metadata}]} if metadata.startswith("https://") else {"local": [metadata]}
    service = {
        "name": "vendorrisk",
        "endpoints": {
            "assertion_consumer_service": [(f"{base_url}{reverse('sso-saml-acs')}", saml2.BINDING_HTTP_POST)],
        },
        "allow_unsolicited": False,
        "want_assertions_signed": True,
        "want_response_signed": False,
        "authn_requests_signed": bool(key_file),
    }
    conf = {
        "entityid": entity_id,
        "xmlsec_binary": settings.SAML_XMLSEC_BINARY,
        "service": {"sp": service},
        "metadata": source,
        # Group, e-mail and name attributes come under whatever names the IdP uses (SAML_*_ATTRIBUTE): keep them all.
        "allow_unknown_attributes": True,
        "debug": False,
    }
    if key_file:
        keypair = {"key_file": key_file, "cert_file": cert_file}
        conf.update(keypair, encryption_keypairs=[keypair])
    config = SPConfig()
    config.load(conf)
    return config


def sp_config(request=None) -> SPConfig:
    """djangosaml2's SAML_CONFIG_LOADER: built from settings, kept per process (remote metadata is fetched once)."""
    base_url = settings.SAML_SP_BASE_URL.rstrip("/") or request.build_absolute_uri("/").rstrip("/")
    entity_id = settings.SAML_SP_ENTITY_ID or f"{base_url}{reverse('sso-saml-metadata')}"
    return _sp_config(
        base_url, entity_id, settings.SAML_IDP_METADATA, settings.SAML_SP_KEY_FILE, settings.SAML_SP_CERT_FILE
    )


def _first(attributes, name, default=""):
    values = attributes.get(name) or []
    return str(values[0]) if values else default


class SAMLBackend(Saml2Backend):
    """Answers only djangosaml2's ACS view, after pysaml2 has checked the signed assertion."""

    def authenticate(self, request, session_info=None, assertion_info=None, **kwargs):
        if request is None or not session_info or "ava" not in session_info:
            return None
        attributes = session_info["ava"]
        name_id = session_info.get("name_id")
        try:
            user = sign_in_external(
                issuer=session_info["issuer"],
                subject=getattr(name_id, "text", "") or "",
                username=_first(attributes, settings.SAML_USERNAME_ATTRIBUTE) or _first(attributes, "email"),
                email=_first(attributes, settings.SAML_EMAIL_ATTRIBUTE),
                name=_first(attributes, settings.SAML_NAME_ATTRIBUTE),
                groups=attributes.get(settings.SAML_GROUPS_ATTRIBUTE) or [],
            )
        except TransitionRefused as refusal:
            request.sso_refusal = str(refusal)
            return None
        contexts = {str(entry[0]) for entry in session_info.get("authn_info") or [] if entry}
        user.sso_second_factor = bool(contexts & set(settings.SSO_MFA_SAML_AUTHN_CONTEXTS))
        return user

    def get_user(self, user_id):
        user = super().get_user(user_id)
        return user if user is not None and user.is_active else None


class SAMLConfiguredMixin:
    def dispatch(self, request, *args, **kwargs):
        if not saml_configured():
            raise Http404("SAML is not configured.")
        return super().dispatch(request, *args, **kwargs)


class SAMLLoginView(SAMLConfiguredMixin, LoginView):
    """Sends the browser to the IdP with an AuthnRequest (HTTP-Redirect binding), remembered as outstanding."""


class SAMLMetadataView(SAMLConfiguredMixin, MetadataView):
    """Our SP metadata, for the IdP administrator."""


class SAMLAcsView(SAMLConfiguredMixin, AssertionConsumerServiceView):
    """The IdP posts its response here. Success continues as an OpenID Connect sign-in does (our TOTP when the
    IdP's authentication context is not a second factor); any failure sends the browser back to the sign-in page."""

    def handle_acs_failure(self, request, exception=None, status=403, **kwargs):
        logger.warning("saml sign-in refused: %s", exception)
        messages.error(request, getattr(request, "sso_refusal", REFUSED_MESSAGE))
        return HttpResponseRedirect(reverse("login"))

    def custom_redirect(self, user, relay_state, session_info):
        # djangosaml2 checks the RelayState only after this hook: check it here, or it would be an open redirect.
        next_url = validate_referral_url(self.request, relay_state) or get_fallback_login_redirect_url()
        return finish_after_login(self.request, user, next_url)
