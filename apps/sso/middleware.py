"""Marks the signed-in user as holding a second factor when their identity provider proved one at sign-in."""

from apps.accounts.mfa import IDP_SECOND_FACTOR_SESSION_KEY


class IdentityProviderSecondFactorMiddleware:
    """After django-otp's middleware. The session key holds the user's id, so it never carries over to another user
    (django.contrib.auth.login flushes the session when a different user signs in)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        proved_for = session.get(IDP_SECOND_FACTOR_SESSION_KEY) if session is not None else None
        if proved_for is not None:
            user = request.user
            if user.is_authenticated and user.pk == proved_for:
                user.idp_second_factor = True
        return self.get_response(request)
