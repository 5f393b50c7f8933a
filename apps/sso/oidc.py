"""OpenID Connect sign-in (mozilla-django-oidc): authorization code with PKCE, state and nonce, and an ID token
verified against the provider's JWKS for its signature, issuer, audience and lifetime.

The library checks the signature and the nonce only; `_verify_jws` below adds what OpenID Connect Core 3.1.3.7
requires as well. Endpoints come from the issuer's discovery document, fetched when first needed (never at import)
and kept an hour, unless OIDC_OP_* settings name them.
"""

import logging

import jwt
import requests
from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.views.generic import View
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from apps.core.exceptions import TransitionRefused

from .flow import finish_after_login
from .mapping import claims_prove_second_factor
from .services import sign_in_external

logger = logging.getLogger("vendorrisk.security")

DISCOVERY_CACHE_SECONDS = 60 * 60
REFUSED_MESSAGE = "Single sign-on did not succeed. Try again, or ask your administrator."


def oidc_configured() -> bool:
    return bool(settings.OIDC_ISSUER and settings.OIDC_RP_CLIENT_ID)


def provider_metadata() -> dict:
    """The endpoints to use: OIDC_OP_* settings where given, else the issuer's discovery document."""
    explicit = {
        "authorization_endpoint": settings.OIDC_OP_AUTHORIZATION_ENDPOINT,
        "token_endpoint": settings.OIDC_OP_TOKEN_ENDPOINT,
        "userinfo_endpoint": settings.OIDC_OP_USER_ENDPOINT,
        "jwks_uri": settings.OIDC_OP_JWKS_ENDPOINT,
    }
    if all(explicit.values()):
        return explicit
    issuer = settings.OIDC_ISSUER.rstrip("/")
    key = f"sso:oidc-discovery:{issuer}"
    document = cache.get(key)
    if document is None:
        response = requests.get(f"{issuer}/.well-known/openid-configuration", timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        document = response.json()
        # A document for another issuer would make us trust that issuer's keys (OpenID Discovery 4.3).
        if document.get("issuer", "").rstrip("/") != issuer:
            raise ImproperlyConfigured(f"The discovery document at {issuer} names issuer {document.get('issuer')!r}.")
        cache.set(key, document, DISCOVERY_CACHE_SECONDS)
    return {name: explicit[name] or document.get(name) for name in explicit}


class OIDCBackend(OIDCAuthenticationBackend):
    """Signs in only from the callback view (which passes the session's nonce and PKCE verifier)."""

    OIDC_RP_IDP_SIGN_KEY = None

    def __init__(self, *args, **kwargs):
        # The library reads every endpoint here; Django builds a backend for each request's get_user(), so nothing
        # that may need the network happens before authenticate() runs.
        self.UserModel = get_user_model()

    OIDC_RP_CLIENT_ID = property(lambda self: settings.OIDC_RP_CLIENT_ID)
    OIDC_RP_CLIENT_SECRET = property(lambda self: settings.OIDC_RP_CLIENT_SECRET)
    OIDC_RP_SIGN_ALGO = property(lambda self: settings.OIDC_RP_SIGN_ALGO)
    OIDC_OP_TOKEN_ENDPOINT = property(lambda self: provider_metadata()["token_endpoint"])
    OIDC_OP_USER_ENDPOINT = property(lambda self: provider_metadata()["userinfo_endpoint"])
    OIDC_OP_JWKS_ENDPOINT = property(lambda self: provider_metadata()["jwks_uri"])

    def authenticate(self, request, nonce=None, code_verifier=None, **kwargs):
        # A password form posted with ?code=…&state=… must never reach the token endpoint: only the callback view
        # passes a nonce and a verifier, both taken from this browser's session.
        if request is None or not nonce or not code_verifier or not oidc_configured():
            return None
        try:
            return super().authenticate(request, nonce=nonce, code_verifier=code_verifier)
        except TransitionRefused as refusal:
            request.sso_refusal = str(refusal)
        except (
            SuspiciousOperation,
            ImproperlyConfigured,
            jwt.PyJWTError,
            requests.RequestException,
            ValueError,
            KeyError,
        ) as exc:
            logger.warning("oidc sign-in refused: %s", exc)
        return None

    def _verify_jws(self, payload, key):
        header = jwt.get_unverified_header(payload)
        if header.get("alg") != self.OIDC_RP_SIGN_ALGO:
            raise SuspiciousOperation(f"ID token signed with {header.get('alg')!r}, expected {self.OIDC_RP_SIGN_ALGO}.")
        try:
            claims = jwt.decode(
                payload,
                key,
                algorithms=[self.OIDC_RP_SIGN_ALGO],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=settings.OIDC_ISSUER,
                leeway=settings.OIDC_CLOCK_SKEW_SECONDS,
                options={"require": ["iss", "sub", "aud", "exp", "iat"]},
            )
        except jwt.PyJWTError as exc:
            raise SuspiciousOperation(f"ID token refused: {exc}") from exc
        audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
        if len(audiences) > 1 and claims.get("azp") != self.OIDC_RP_CLIENT_ID:
            raise SuspiciousOperation("ID token for several audiences without us as its authorized party.")
        return claims

    def get_userinfo(self, access_token, id_token, payload):
        """Userinfo claims under the ID token's: the signed token wins where both speak (groups included)."""
        userinfo = super().get_userinfo(access_token, id_token, payload) if self.OIDC_OP_USER_ENDPOINT else {}
        if userinfo.get("sub", payload["sub"]) != payload["sub"]:
            raise SuspiciousOperation("The userinfo answer is about another subject than the ID token.")
        return {**userinfo, **payload}

    def get_or_create_user(self, access_token, id_token, payload):
        claims = self.get_userinfo(access_token, id_token, payload)
        groups = claims.get(settings.OIDC_GROUPS_CLAIM) or []
        if isinstance(groups, str):
            groups = [groups]
        # An address the provider has not verified is not shown as theirs (it identifies nobody: `sub` does).
        email = claims.get("email", "") if claims.get("email_verified", True) else ""
        user = sign_in_external(
            issuer=payload["iss"],
            subject=payload["sub"],
            username=claims.get("preferred_username") or email,
            email=email,
            name=claims.get("name", ""),
            groups=groups,
        )
        # amr/acr are read from the verified ID token only: userinfo is not signed.
        user.sso_second_factor = claims_prove_second_factor(payload)
        return user

    def get_user(self, user_id):
        user = super().get_user(user_id)
        return user if user is not None and user.is_active else None


class OIDCSignInView(OIDCAuthenticationRequestView):
    """Starts the authorization-code flow: redirects to the provider with state, nonce and a PKCE challenge."""

    def __init__(self, *args, **kwargs):
        View.__init__(self, *args, **kwargs)

    def get(self, request):
        if not oidc_configured():
            raise Http404("OpenID Connect is not configured.")
        try:
            self.OIDC_OP_AUTH_ENDPOINT = provider_metadata()["authorization_endpoint"]
        except (requests.RequestException, ValueError, ImproperlyConfigured) as exc:
            logger.error("oidc discovery failed: %s", exc)
            messages.error(request, "The identity provider cannot be reached. Try again in a moment.")
            return HttpResponseRedirect(reverse("login"))
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        return super().get(request)


class OIDCCallbackView(OIDCAuthenticationCallbackView):
    """The provider sends the browser back here; the library checks the state and passes nonce and verifier on."""

    def login_failure(self):
        messages.error(self.request, getattr(self.request, "sso_refusal", REFUSED_MESSAGE))
        return HttpResponseRedirect(reverse("login"))

    def login_success(self):
        return finish_sign_in(self.request, self.user, self.success_url)


def finish_sign_in(request, user, next_url):
    """Log the user in (a new session), then on as `finish_after_login` says."""
    auth.login(request, user)
    return HttpResponseRedirect(finish_after_login(request, user, next_url))
