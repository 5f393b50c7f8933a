"""Writes on users, roles, API tokens and MFA enrolment."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from .models import ApiToken, MfaEnrolmentLink
from .roles import ROLES, SECURITY_REVIEWER, is_security_reviewer, require_security_reviewer


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


# --- API tokens ------------------------------------------------------------------------------------------------


@transaction.atomic
def api_token_issue(*, user, name: str = "", second_factor: bool, issued_by=None) -> tuple[ApiToken, str]:
    """Issue a new token; earlier ones keep working. Returns (record, token): the token is shown once, never stored.

    `second_factor` records that the holder proved one (or that a security reviewer or an operator issued it):
    only such a token lets a security reviewer in while MFA is required.
    """
    if not user.is_active:
        raise PermissionDenied("An inactive user cannot hold API tokens.")
    expiry = timedelta(days=settings.API_TOKEN_TTL_DAYS)
    return ApiToken.objects.create(
        user=user, expiry=expiry, name=name[:100], second_factor=second_factor, issued_by=issued_by
    )


def api_token_create(*, username: str, name: str = "") -> str:
    """Issue a token to a user from the command line (an operator: counts as vouched). Raises User.DoesNotExist."""
    user = get_user_model().objects.get(username=username)
    _, token = api_token_issue(user=user, name=name or "issued by manage.py", second_factor=True)
    return token


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor) -> None:
    """Revoke one token: its owner may, and so may a security reviewer."""
    if actor is None or (actor.pk != token.user_id and not is_security_reviewer(actor)):
        raise PermissionDenied("Only the token's owner or a security reviewer may revoke it.")
    token.delete()


def api_tokens_revoke_all(*, user) -> int:
    """Revoke every token of a user (password changed, account deactivated). Returns how many."""
    deleted, _ = ApiToken.objects.filter(user=user).delete()
    return deleted


# --- MFA enrolment ---------------------------------------------------------------------------------------------


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def mfa_enrolment_link_issue(*, user, issued_by=None) -> tuple[MfaEnrolmentLink, str]:
    """A single-use link letting `user` enrol an authenticator. Returns (record, secret); only a digest is kept.

    A security reviewer issues it (or an operator, with `issued_by=None`, from `manage.py mfa_enrol_link`).
    Earlier unused links of the same user stop working: one valid link at a time.
    """
    if issued_by is not None:
        require_security_reviewer(issued_by, "issue an MFA enrolment link")
    MfaEnrolmentLink.objects.filter(user=user, used_at__isnull=True).update(used_at=timezone.now())
    secret = secrets.token_urlsafe(32)
    link = MfaEnrolmentLink.objects.create(
        user=user,
        digest=_digest(secret),
        issued_by=issued_by,
        expires_at=timezone.now() + timedelta(hours=settings.MFA_ENROLMENT_LINK_HOURS),
    )
    return link, secret


@transaction.atomic
def mfa_enrolment_link_redeem(*, secret: str, user) -> MfaEnrolmentLink:
    """Use a link once, as the user it was issued to.

    Raises PermissionDenied when it is unknown, used, expired or someone else's (which leaves it usable).
    """
    link = MfaEnrolmentLink.objects.select_for_update().filter(digest=_digest(secret)).first()
    if link is None or link.user_id != user.pk or not link.is_usable:
        raise PermissionDenied("This enrolment link is not valid: it may have expired or been used already.")
    link.used_at = timezone.now()
    link.save(update_fields=["used_at"])
    return link


@transaction.atomic
def mfa_recovery_codes_replace(*, user) -> list[str]:
    """New single-use recovery codes (django-otp static tokens) in place of any earlier ones; shown once."""
    device, _ = StaticDevice.objects.get_or_create(user=user, name="recovery codes", defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(settings.MFA_RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


@transaction.atomic
def mfa_device_confirm(*, device) -> list[str]:
    """Confirm a TOTP device that has just produced a valid code; it replaces the user's earlier authenticators.

    Returns fresh recovery codes, to be shown once.
    """
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return mfa_recovery_codes_replace(user=device.user)
