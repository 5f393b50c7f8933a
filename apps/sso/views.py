"""The sign-in page (identity providers first, the password form for whoever may still use one) and the TOTP step
for a single sign-on that came without a second factor."""

import django_otp
from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from apps.accounts.mfa import has_verified_second_factor

from .oidc import oidc_configured
from .saml import saml_configured


def configured_providers() -> list[dict]:
    """What the sign-in page offers, in order: each configured provider's name and start URL."""
    providers = []
    if oidc_configured():
        providers.append({"name": settings.OIDC_PROVIDER_NAME, "url": reverse("sso-oidc-login"), "kind": "oidc"})
    if saml_configured():
        providers.append({"name": settings.SAML_PROVIDER_NAME, "url": reverse("sso-saml-login"), "kind": "saml"})
    return providers


def sign_in_options(request):
    """Context processor: the providers every sign-in page (ours, the admin's) lists above its password form."""
    return {"sso_providers": configured_providers(), "local_passwords": settings.LOCAL_PASSWORD_LOGIN}


class SecondFactorForm(forms.Form):
    otp_token = forms.CharField(
        label="Code from your authenticator app (or a recovery code)",
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.device = None

    def clean_otp_token(self):
        token = self.cleaned_data["otp_token"].strip()
        self.device = django_otp.match_token(self.user, token)
        if self.device is None:
            raise forms.ValidationError("That code is not valid. Check your authenticator app and try again.")
        return token


def _safe_next(request) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return wanted
    return settings.LOGIN_REDIRECT_URL


@login_required
def verify_second_factor(request):
    """Our own TOTP after a single sign-on whose provider did not prove a second factor."""
    next_url = _safe_next(request)
    if has_verified_second_factor(request.user):
        return redirect(next_url)
    form = SecondFactorForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        django_otp.login(request, form.device)
        return redirect(next_url)
    return render(request, "sso/verify.html", {"form": form, "next": next_url})
