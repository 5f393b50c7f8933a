"""Reads for the user-management pages: a constant number of queries however many people there are."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import AccountEvent, ApiToken


def users_for_management():
    """Every account with its roles, whether it has enrolled an authenticator, and its live tokens."""
    return (
        get_user_model()
        .objects.annotate(
            mfa_enrolled=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)),
            live_tokens=Count("auth_token_set", filter=Q(auth_token_set__expiry__gt=timezone.now()), distinct=True),
        )
        .prefetch_related(Prefetch("groups", queryset=Group.objects.order_by("name")))
        .order_by("-is_active", "username")
    )


def user_tokens(user):
    return ApiToken.objects.filter(user=user).select_related("issued_by").order_by("-created")


def user_events(user, limit=50):
    return AccountEvent.objects.filter(user=user).select_related("actor")[:limit]
