"""What happens right after an identity provider signed someone in, whichever protocol it used."""

from django.urls import reverse
from django.utils.http import urlencode

from apps.accounts.mfa import IDP_SECOND_FACTOR_SESSION_KEY, second_factor_required


def finish_after_login(request, user, next_url) -> str:
    """Where a freshly signed-in user goes: on, when the provider proved a second factor (remembered for this
    session) or none is needed; else to our own TOTP step first. `next_url` must already be a safe local URL."""
    proved = getattr(user, "sso_second_factor", False)
    if proved:
        request.session[IDP_SECOND_FACTOR_SESSION_KEY] = user.pk
    if second_factor_required(user) and not proved:
        return f"{reverse('sso-verify')}?{urlencode({'next': next_url})}"
    return next_url
