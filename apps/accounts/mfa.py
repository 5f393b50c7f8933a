"""The one second-factor check every reviewer door uses: admin, reports, evidence, API (session or token), exchange.

A security reviewer can read and change the whole register, so with ADMIN_REQUIRES_OTP on (always in production)
a password alone must open none of these doors. Procurement and dashboard accounts are not asked here: procurement
sees only its own requests (its intake form stays password-only), and dashboard service accounts read through
tokens that only a security reviewer or an operator issues (see apps.api.auth).
"""

from django.conf import settings

from .roles import is_administrator, is_security_reviewer

MFA_REQUIRED_MESSAGE = (
    "Security reviewers need a verified second factor. Sign in with the code from your authenticator app "
    "(or send it as `otp` to the token exchange). Not enrolled yet? Ask a security reviewer for an enrolment "
    "link (Admin › MFA enrolment links, or `manage.py mfa_enrol_link <username>`), open it, and enrol at "
    "/accounts/mfa/."
)


# Set by single sign-on (apps.sso) to the user's id when the identity provider's signed `amr`/`acr` said a second
# factor was used; apps.sso.middleware then marks that session's user as verified.
IDP_SECOND_FACTOR_SESSION_KEY = "sso_second_factor_user"


def second_factor_required(user) -> bool:
    """Whether this user must show a second factor at the doors: security reviewers and register administrators
    (who hand out roles and tokens), superusers included."""
    return bool(settings.ADMIN_REQUIRES_OTP) and (is_security_reviewer(user) or is_administrator(user))


def has_verified_second_factor(user, auth=None) -> bool:
    """A session verified with OTP (django-otp's middleware sets `is_verified`), or a token issued after one, or a
    session whose identity provider proved a second factor (apps.sso.middleware sets `idp_second_factor`)."""
    from .models import ApiToken

    if isinstance(auth, ApiToken):
        return auth.second_factor
    if getattr(user, "idp_second_factor", False):
        return True
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified and is_verified())


def second_factor_missing(user, auth=None) -> bool:
    """True when the door must refuse: a reviewer without a verified second factor, while MFA is required."""
    return second_factor_required(user) and not has_verified_second_factor(user, auth)
