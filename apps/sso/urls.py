from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from .oidc import OIDCCallbackView, OIDCSignInView
from .saml import SAMLAcsView, SAMLLoginView, SAMLMetadataView
from .views import verify_second_factor

urlpatterns = [
    path("oidc/login/", OIDCSignInView.as_view(), name="sso-oidc-login"),
    path("oidc/callback/", OIDCCallbackView.as_view(), name="sso-oidc-callback"),
    path("saml/login/", SAMLLoginView.as_view(), name="sso-saml-login"),
    # The IdP posts here from its own origin: no CSRF token, but only a signed answer to our own request counts.
    path("saml/acs/", csrf_exempt(SAMLAcsView.as_view()), name="sso-saml-acs"),
    path("saml/metadata/", SAMLMetadataView.as_view(), name="sso-saml-metadata"),
    path("verify/", verify_second_factor, name="sso-verify"),
]
