"""POST /api/v1/auth/token/: exchange a username and password for an API token."""

from django.contrib.auth import authenticate
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False, write_only=True)


class TokenExchangeView(APIView):
    """Returns the caller's token (created on first use). Throttled, and django-axes locks out guessing."""

    authentication_classes = ()
    permission_classes = (AllowAny,)
    throttle_classes = (ScopedRateThrottle,)
    throttle_scope = "token_exchange"

    @extend_schema(
        request=TokenRequestSerializer,
        responses={200: inline_serializer("TokenResponse", {"token": serializers.CharField()})},
        auth=[],
    )
    def post(self, request):
        credentials = TokenRequestSerializer(data=request.data)
        credentials.is_valid(raise_exception=True)
        # The Django request (not DRF's wrapper) carries what django-axes needs to count and refuse attempts;
        # once locked out, its middleware answers 429 whatever the password.
        user = authenticate(request=request._request, **credentials.validated_data)
        if user is None or not user.is_active:
            return Response(
                {"non_field_errors": ["Unable to log in with these credentials."]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        token, _ = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})
