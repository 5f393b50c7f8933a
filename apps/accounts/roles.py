"""The roles, as Django groups with model permissions. One place says what each role may do."""

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.db.models import Q

SECURITY_REVIEWER = "security-reviewer"
PROCUREMENT = "procurement"
DASHBOARD = "dashboard"
# Manages people and their access (user management pages: issue 24). It holds no register permission by itself:
# reading or changing the register still takes the security-reviewer role.
ADMINISTRATOR = "administrator"
ROLES = (SECURITY_REVIEWER, PROCUREMENT, DASHBOARD, ADMINISTRATOR)

# Apps whose models make up the register. Security reviewers keep it; dashboards read it.
REGISTER_APPS = (
    "vendors",
    "datamap",
    "incidents",
    "risk",
    "reviews",
    "intake",
    "notifications",
    "exchange",
    "observation",
    "questionnaires",
    "monitoring",
)

# Procurement reads vendor names and statuses (to find an existing vendor) and keeps its own intake requests;
# the object-level rule "only their own" is enforced by apps.intake selectors, not by model permissions.
PROCUREMENT_PERMISSIONS = (
    ("vendors", "view_vendor"),
    ("datamap", "view_datacategory"),
    ("datamap", "view_system"),
    ("intake", "add_intakerequest"),
    ("intake", "change_intakerequest"),
    ("intake", "view_intakerequest"),
)


def _register_permissions(actions):
    return Permission.objects.filter(
        content_type__app_label__in=REGISTER_APPS, codename__regex=rf"^({'|'.join(actions)})_"
    )


def sync_roles():
    """Create the role groups and give them exactly their permissions. Idempotent: safe on every migrate."""
    reviewer, _ = Group.objects.get_or_create(name=SECURITY_REVIEWER)
    reviewer.permissions.set(_register_permissions(("add", "change", "delete", "view")))

    dashboard, _ = Group.objects.get_or_create(name=DASHBOARD)
    dashboard.permissions.set(_register_permissions(("view",)))

    procurement, _ = Group.objects.get_or_create(name=PROCUREMENT)
    wanted = Q()
    for app_label, codename in PROCUREMENT_PERMISSIONS:
        wanted |= Q(content_type__app_label=app_label, codename=codename)
    procurement.permissions.set(Permission.objects.filter(wanted))

    Group.objects.get_or_create(name=ADMINISTRATOR)


def has_role(user, role):
    """Whether an authenticated user holds a role. Superusers hold every role."""
    if not user or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    # Cache the names on the user object: permission checks run many times per request. The object lives for
    # one request (apps.accounts.otp_middleware may fill it from the query that reads the OTP device).
    cached = getattr(user, "_vendorrisk_roles", None)
    if cached is None:
        cached = cache_roles(user, user.groups.values_list("name", flat=True))
    return role in cached


def cache_roles(user, names):
    """Remember, on this user object only, the names of the roles it holds; returns them."""
    user._vendorrisk_roles = set(names)
    return user._vendorrisk_roles


def is_security_reviewer(user):
    return has_role(user, SECURITY_REVIEWER)


def is_administrator(user):
    return has_role(user, ADMINISTRATOR)


def require_administrator(actor, what):
    """Raise PermissionDenied unless `actor` is a register administrator (or a superuser)."""
    if not is_administrator(actor):
        raise PermissionDenied(f"Only a register administrator may {what}.")


def require_security_reviewer(actor, what):
    """Raise PermissionDenied unless `actor` is a security reviewer; `what` finishes "Only a security reviewer may…"."""
    if not is_security_reviewer(actor):
        raise PermissionDenied(f"Only a security reviewer may {what}.")
