"""Login lockout (django-axes) does not count single sign-on callbacks.

Passwords and second factors are checked at the identity provider, which throttles them. A refusal here (groups
that give no role, a token that fails verification) is not a guess; counted, five of them from an office's one
NAT address would lock everybody there out of single sign-on for the cool-off.
"""

from django.urls import reverse


def is_single_sign_on_callback(request, credentials=None) -> bool:
    return request is not None and request.path in {reverse("sso-oidc-callback"), reverse("sso-saml-acs")}
