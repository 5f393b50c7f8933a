"""Which roles the identity provider's groups give (SSO_GROUP_ROLES), and whether its claims prove a second factor."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from apps.accounts.roles import ROLES


def group_roles() -> dict[str, set[str]]:
    """SSO_GROUP_ROLES as {group: {role, …}}; an unknown role is a configuration error, not a silent no-op."""
    mapping = {}
    for group, roles in (settings.SSO_GROUP_ROLES or {}).items():
        roles = [roles] if isinstance(roles, str) else list(roles)
        unknown = sorted(set(roles) - set(ROLES))
        if unknown:
            raise ImproperlyConfigured(
                f"SSO_GROUP_ROLES maps {group!r} to unknown role(s) {', '.join(unknown)}; roles are {', '.join(ROLES)}."
            )
        mapping[str(group)] = set(roles)
    return mapping


def roles_for_groups(groups) -> set[str]:
    mapping = group_roles()
    roles = set()
    for group in groups:
        roles |= mapping.get(str(group), set())
    return roles


def claims_prove_second_factor(claims: dict) -> bool:
    """The ID token says a second factor was used: an `amr` value or the `acr` that the operator trusts for it.

    Only claims from a verified ID token (or a signed SAML assertion) may be passed here, never userinfo.
    """
    amr = claims.get("amr") or []
    if isinstance(amr, str):
        amr = [amr]
    if set(amr) & set(settings.SSO_MFA_AMR_VALUES):
        return True
    acr = claims.get("acr")
    return bool(acr) and str(acr) in set(settings.SSO_MFA_ACR_VALUES)
