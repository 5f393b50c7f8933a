"""Writes on users and roles."""

import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from rest_framework.authtoken.models import Token

from .roles import ROLES, SECURITY_REVIEWER


@transaction.atomic
def demo_user_ensure(*, username: str, role: str, email: str = "") -> tuple[object, str]:
    """Create or reset a demo user holding one role, with a fresh random password.

    Returns (user, password). Raises ValueError for an unknown role.
    """
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; expected one of {', '.join(ROLES)}")
    password = secrets.token_urlsafe(12)
    user, _ = get_user_model().objects.get_or_create(username=username, defaults={"email": email})
    user.email = email
    user.is_staff = role == SECURITY_REVIEWER
    user.set_password(password)
    user.save()
    user.groups.set([Group.objects.get(name=role)])
    return user, password


@transaction.atomic
def api_token_create(*, username: str) -> str:
    """Issue a new API token for a user, replacing any earlier one. Raises User.DoesNotExist."""
    user = get_user_model().objects.get(username=username)
    Token.objects.filter(user=user).delete()
    return Token.objects.create(user=user).key
