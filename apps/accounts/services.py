"""Writes on users, roles, API tokens and MFA enrolment."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from .models import AccountEvent, ApiToken, MfaEnrolmentLink
from .roles import (
    ADMINISTRATOR,
    ROLES,
    SECURITY_REVIEWER,
    is_administrator,
    is_security_reviewer,
    require_administrator,
    require_security_reviewer,
)


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
def api_token_issue(
    *, user, name: str = "", second_factor: bool, issued_by=None, expiry_days: int | None = None
) -> tuple[ApiToken, str]:
    """Issue a new token; earlier ones keep working. Returns (record, token): the token is shown once, never stored.

    `second_factor` records that the holder proved one (or that a security reviewer or an operator issued it):
    only such a token lets a security reviewer in while MFA is required.
    """
    if not user.is_active:
        raise PermissionDenied("An inactive user cannot hold API tokens.")
    expiry = timedelta(days=expiry_days or settings.API_TOKEN_TTL_DAYS)
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
    """Revoke one token: its owner may, and so may a security reviewer or a register administrator."""
    if actor is None or (actor.pk != token.user_id and not (is_security_reviewer(actor) or is_administrator(actor))):
        raise PermissionDenied("Only the token's owner, a security reviewer or an administrator may revoke it.")
    _record(user=token.user, actor=actor, kind=AccountEvent.Kind.TOKEN_REVOKED, detail=_token_label(token))
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

    A security reviewer or a register administrator issues it (or an operator, with `issued_by=None`, from
    `manage.py mfa_enrol_link`).
    Earlier unused links of the same user stop working: one valid link at a time.
    """
    if issued_by is not None and not is_administrator(issued_by):
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


# --- People and roles, managed by a register administrator (workspace › Users) --------------------------------

MAX_TOKEN_DAYS = 365


def _record(*, user, actor, kind, detail=""):
    AccountEvent.objects.create(user=user, actor=actor, kind=kind, detail=detail[:300])


def _token_label(token):
    return f"{token.name or 'token'} {token.token_key}…"


def _active_administrators():
    users = get_user_model().objects.filter(is_active=True)
    return users.filter(is_superuser=True) | users.filter(groups__name=ADMINISTRATOR)


def _is_last_administrator(user) -> bool:
    administrators = _active_administrators()
    return administrators.filter(pk=user.pk).exists() and not administrators.exclude(pk=user.pk).exists()


def _unknown_roles(roles):
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValidationError({"roles": f"Unknown role: {', '.join(sorted(unknown))}."})


def _apply_roles(user, roles):
    user.groups.set(Group.objects.filter(name__in=roles))
    user.is_staff = user.is_superuser or SECURITY_REVIEWER in roles  # reviewers use the admin
    user.save(update_fields=["is_staff"])
    user.__dict__.pop("_vendorrisk_roles", None)  # has_role's per-object cache


@transaction.atomic
def user_create(*, actor, username: str, email: str = "", roles=(), first_name: str = "", last_name: str = ""):
    """A new account with a random password, shown once. Returns (user, password, enrolment secret or "").

    Someone who will need a second factor (a reviewer or an administrator) also gets an enrolment link.
    """
    require_administrator(actor, "create accounts")
    _unknown_roles(roles)
    users = get_user_model().objects
    if users.filter(username__iexact=username).exists():
        raise ValidationError({"username": "An account with this username exists already."})
    password = secrets.token_urlsafe(12)
    user = users.create_user(
        username=username, email=email, password=password, first_name=first_name, last_name=last_name
    )
    _apply_roles(user, roles)
    _record(user=user, actor=actor, kind=AccountEvent.Kind.CREATED, detail=f"roles: {', '.join(roles) or 'none'}")
    secret = ""
    if SECURITY_REVIEWER in roles or ADMINISTRATOR in roles:
        _, secret = mfa_enrolment_link_issue(user=user, issued_by=actor)
    return user, password, secret


@transaction.atomic
def user_roles_set(*, actor, user, roles) -> tuple[set, set]:
    """Give `user` exactly `roles`. Returns (added, removed). The last active administrator keeps the role."""
    require_administrator(actor, "change roles")
    _unknown_roles(roles)
    before = set(user.groups.values_list("name", flat=True))
    wanted = set(roles)
    added, removed = wanted - before, before - wanted
    if ADMINISTRATOR in removed and not user.is_superuser and _is_last_administrator(user):
        raise PermissionDenied("This is the last administrator: make someone else an administrator first.")
    if not (added or removed):
        return added, removed
    _apply_roles(user, wanted)
    detail = "; ".join(
        part
        for part in (
            f"added {', '.join(sorted(added))}" if added else "",
            f"removed {', '.join(sorted(removed))}" if removed else "",
        )
        if part
    )
    _record(user=user, actor=actor, kind=AccountEvent.Kind.ROLES_CHANGED, detail=detail)
    return added, removed


@transaction.atomic
def user_deactivate(*, actor, user) -> int:
    """Close an account: it can no longer sign in, and its API tokens stop working. Returns tokens revoked."""
    require_administrator(actor, "deactivate accounts")
    if user.pk == actor.pk:
        raise PermissionDenied("You cannot deactivate your own account.")
    if _is_last_administrator(user):
        raise PermissionDenied("This is the last administrator: make someone else an administrator first.")
    if not user.is_active:
        return 0
    user.is_active = False
    user.save(update_fields=["is_active"])
    revoked = api_tokens_revoke_all(user=user)
    _record(user=user, actor=actor, kind=AccountEvent.Kind.DEACTIVATED, detail=f"{revoked} API token(s) revoked")
    return revoked


@transaction.atomic
def user_reactivate(*, actor, user) -> None:
    require_administrator(actor, "reactivate accounts")
    if user.is_active:
        return
    user.is_active = True
    user.save(update_fields=["is_active"])
    _record(user=user, actor=actor, kind=AccountEvent.Kind.REACTIVATED)


@transaction.atomic
def user_mfa_reset(*, actor, user) -> tuple[MfaEnrolmentLink, str]:
    """A lost authenticator: remove the user's devices and recovery codes, and issue a fresh enrolment link."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    require_administrator(actor, "reset MFA enrolment")
    if not user.is_active:
        raise PermissionDenied("Reactivate the account before resetting its MFA enrolment.")
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    link, secret = mfa_enrolment_link_issue(user=user, issued_by=actor)
    _record(user=user, actor=actor, kind=AccountEvent.Kind.MFA_RESET, detail="devices removed; new enrolment link")
    return link, secret


@transaction.atomic
def api_token_grant(*, actor, user, name: str, expiry_days: int) -> tuple[ApiToken, str]:
    """An administrator issues a token (a service account's, say). Returns (record, token): the token once."""
    require_administrator(actor, "issue API tokens")
    if is_security_reviewer(user):
        # A reviewer's token must come from their own second factor (the token exchange with `otp`).
        raise PermissionDenied("Security reviewers get their tokens from the token exchange, with their code.")
    if not 1 <= expiry_days <= MAX_TOKEN_DAYS:
        raise ValidationError({"expiry_days": f"Between 1 and {MAX_TOKEN_DAYS} days."})
    record, token = api_token_issue(user=user, name=name, second_factor=True, issued_by=actor, expiry_days=expiry_days)
    _record(
        user=user,
        actor=actor,
        kind=AccountEvent.Kind.TOKEN_ISSUED,
        detail=f"{_token_label(record)} expires {record.expiry:%Y-%m-%d}",
    )
    return record, token
