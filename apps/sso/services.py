"""Signing in through an identity provider: find or create the user, then make their roles match their groups."""

import logging
import re

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from apps.accounts.roles import ROLES, SECURITY_REVIEWER
from apps.core.exceptions import TransitionRefused

from .mapping import roles_for_groups
from .models import ExternalIdentity

logger = logging.getLogger("vendorrisk.security")


def _free_username(wanted: str) -> str:
    User = get_user_model()
    base = re.sub(r"[^\w.@+-]", "", wanted)[:140] or "user"
    candidate, n = base, 1
    while User.objects.filter(username__iexact=candidate).exists():
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def sign_in_external(*, issuer: str, subject: str, username: str, email: str = "", name: str = "", groups=()) -> object:
    """The local user for a person the provider has just authenticated, with exactly the roles their groups give.

    Applied at every sign-in, so a group removed at the provider removes the role here. Refused (TransitionRefused)
    when the local account was deactivated, or when the groups give no role: then a known user loses every role
    (committed before the refusal, so a stale grant cannot outlive the group) and an unknown one gets no account.
    A first sign-in creates the user with no usable password: they can only come back through the provider.
    """
    if not issuer or not subject:
        raise TransitionRefused("The identity provider sent no subject.", code="sso_no_subject")
    groups = sorted({str(g) for g in groups or ()})
    user = _apply_sign_in(issuer=issuer, subject=subject, username=username, email=email, name=name, groups=groups)
    if user is None:
        logger.warning("sso sign-in refused: groups %s of %s at %s give no role", groups, subject, issuer)
        raise TransitionRefused(
            "Your identity provider groups give you no role in vendorrisk. Ask your administrator for access.",
            code="sso_no_role",
        )
    return user


@transaction.atomic
def _apply_sign_in(*, issuer, subject, username, email, name, groups):
    roles = roles_for_groups(groups)
    identities = ExternalIdentity.objects.select_for_update().select_related("user")
    identity = identities.filter(issuer=issuer, subject=subject).first()
    if identity and not identity.user.is_active:
        logger.warning("sso sign-in refused: %s is deactivated", identity.user.username)
        raise TransitionRefused("This account is deactivated.", code="sso_account_deactivated")
    if not roles:
        if identity:
            identity.user.groups.remove(*Group.objects.filter(name__in=ROLES))
            identity.groups = groups
            identity.save(update_fields=["groups"])
        return None

    if identity is None:
        user = get_user_model()(username=_free_username(username or email.split("@")[0] or subject), email=email)
        user.set_unusable_password()
        user.save()
        identity = ExternalIdentity(user=user, issuer=issuer, subject=subject)
    user = identity.user
    first, _, last = (name or "").partition(" ")
    user.email = email or user.email
    user.first_name, user.last_name = first[:150], last[:150]
    # Security reviewers work in the admin, which needs is_staff; losing the role takes the admin away too.
    user.is_staff = SECURITY_REVIEWER in roles or user.is_superuser
    user.save()
    user.groups.remove(*Group.objects.filter(name__in=set(ROLES) - roles))
    user.groups.add(*Group.objects.filter(name__in=roles))
    user.__dict__.pop("_vendorrisk_roles", None)

    identity.groups = groups
    identity.last_sign_in_at = timezone.now()
    identity.save()
    logger.info("sso sign-in: %s from %s with roles %s", user.username, issuer, sorted(roles))
    return user
