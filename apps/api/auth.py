"""API tokens: POST /api/v1/auth/token/ exchanges credentials for one; /api/v1/auth/tokens/ lists and revokes one's own.

Every exchange issues a new token (a second tool gets a second token; revoke the ones you no longer use). Who gets
one from a password:
- a security reviewer, only with a second factor: an `otp` code (authenticator or recovery code) in the body, or a
  session of the same user verified with OTP, whenever ADMIN_REQUIRES_OTP is on;
- procurement, with the password alone (it sees only its own intake requests, like its password-only intake form);
- dashboard accounts are service accounts: a security reviewer issues their tokens (Admin › API tokens, or
  `manage.py create_api_token`), never the exchange.
"""

from django.contrib.auth import authenticate
from django_otp import match_token
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from apps.accounts.mfa import MFA_REQUIRED_MESSAGE, has_verified_second_factor, second_factor_required
from apps.accounts.models import ApiToken
from apps.accounts.permissions import SignedInWithSecondFactor
from apps.accounts.roles import DASHBOARD, PROCUREMENT, has_role
from apps.accounts.services import api_token_issue, api_token_revoke
from apps.accounts.signals import security_log

SERVICE_ACCOUNT_MESSAGE = (
    "Dashboard accounts are service accounts: a security reviewer issues their tokens "
    "(Admin › API tokens, or `manage.py create_api_token <username>`)."
)


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False, write_only=True)
    otp = serializers.CharField(required=False, allow_blank=True, write_only=True, max_length=32)
    name = serializers.CharField(required=False, allow_blank=True, max_length=100)


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField()
    name = serializers.CharField()
    expiry = serializers.DateTimeField(allow_null=True)


def _session_verified_as(request, user) -> bool:
    # The session's user comes wrapped by django-otp's middleware, which tells whether a device verified it.
    session_user = request.user
    return bool(session_user and session_user.is_authenticated and session_user.pk == user.pk) and (
        has_verified_second_factor(session_user)
    )


class TokenExchangeView(APIView):
    """Issue a new token for a username and password (and a second factor where one is needed).

    Throttled, and django-axes locks out guessing of the password; a wrong `otp` code is a 403.
    """

    # Only the session (never a token) may vouch for a second factor; a session caller must send its CSRF token.
    authentication_classes = (SessionAuthentication,)
    permission_classes = (AllowAny,)
    throttle_classes = (ScopedRateThrottle,)
    throttle_scope = "token_exchange"

    @extend_schema(request=TokenRequestSerializer, responses={200: TokenResponseSerializer}, auth=[])
    def post(self, request):
        credentials = TokenRequestSerializer(data=request.data)
        credentials.is_valid(raise_exception=True)
        data = credentials.validated_data
        # The Django request (not DRF's wrapper) carries what django-axes needs to count and refuse attempts;
        # once locked out, its middleware answers 429 whatever the password.
        user = authenticate(request=request._request, username=data["username"], password=data["password"])
        if user is None or not user.is_active:
            return Response(
                {"non_field_errors": ["Unable to log in with these credentials."]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        code = data.get("otp", "").strip()
        verified = _session_verified_as(request, user) or bool(code and match_token(user, code))
        if code and not verified:
            security_log.warning("token.otp_refused user=%s", user.get_username())
            return Response({"otp": ["This code is not valid."]}, status=status.HTTP_403_FORBIDDEN)
        if second_factor_required(user) and not verified:
            return Response({"detail": MFA_REQUIRED_MESSAGE}, status=status.HTTP_403_FORBIDDEN)
        if has_role(user, DASHBOARD) and not has_role(user, PROCUREMENT) and not verified:
            return Response({"detail": SERVICE_ACCOUNT_MESSAGE}, status=status.HTTP_403_FORBIDDEN)
        record, token = api_token_issue(
            user=user, name=data.get("name") or "token exchange", second_factor=verified, issued_by=None
        )
        security_log.info("token.issued user=%s token=%s second_factor=%s", user.get_username(), record.pk, verified)
        return Response({"token": token, "name": record.name, "expiry": record.expiry})


class ApiTokenSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApiToken
        fields = ("id", "name", "token_key", "created", "expiry", "second_factor")
        read_only_fields = fields


class OwnTokenViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The caller's own API tokens (never the token itself: only its first characters). DELETE revokes one.

    Security reviewers revoke other users' tokens in Admin › API tokens.
    """

    serializer_class = ApiTokenSerializer
    # Every role manages its own tokens; reviewers still need their second factor.
    permission_classes = (IsAuthenticated, SignedInWithSecondFactor)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no caller
            return ApiToken.objects.none()
        return ApiToken.objects.filter(user=self.request.user).order_by("-created", "-id")

    def destroy(self, request, *args, **kwargs):
        token = self.get_object()
        api_token_revoke(token=token, actor=request.user)
        security_log.info("token.revoked user=%s token=%s by=owner", request.user.get_username(), token.pk)
        return Response(status=status.HTTP_204_NO_CONTENT)
