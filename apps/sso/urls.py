from django.urls import path

from .oidc import OIDCCallbackView, OIDCSignInView
from .views import verify_second_factor

urlpatterns = [
    path("oidc/login/", OIDCSignInView.as_view(), name="sso-oidc-login"),
    path("oidc/callback/", OIDCCallbackView.as_view(), name="sso-oidc-callback"),
    path("verify/", verify_second_factor, name="sso-verify"),
]
