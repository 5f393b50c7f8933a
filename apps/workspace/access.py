"""Who may open the workspace: security reviewers (with their second factor) act; the dashboard role reads.

The same check as the admin and the report views (apps.accounts.mfa), so no door is weaker than another.
Signed-out visitors go to the login page; procurement has its own door (/intake/).
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect

from apps.accounts.mfa import MFA_REQUIRED_MESSAGE, second_factor_missing
from apps.accounts.roles import DASHBOARD, PROCUREMENT, has_role, is_administrator, is_security_reviewer


def can_read(user) -> bool:
    return is_security_reviewer(user) or has_role(user, DASHBOARD)


def _check(request, *, write):
    user = request.user
    if write and not is_security_reviewer(user):
        raise PermissionDenied("Only a security reviewer may change the register.")
    if not can_read(user):
        raise PermissionDenied("The workspace is for security reviewers and dashboard readers.")
    if second_factor_missing(user):
        raise PermissionDenied(MFA_REQUIRED_MESSAGE)


def workspace_view(*, write=False, buyers_to_intake=False):
    """Decorate a view: log in first; then reviewers (and, for reads, dashboard readers) only.

    `buyers_to_intake`: procurement is sent to its own door (the home page) instead of a 403.
    """

    def decorate(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if buyers_to_intake and has_role(request.user, PROCUREMENT) and not can_read(request.user):
                return redirect("intake:list")
            _check(request, write=write or request.method == "POST")
            request.workspace_can_write = is_security_reviewer(request.user)
            request.workspace_can_manage_users = is_administrator(request.user)
            request.workspace_can_read = True
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


def administrator_view(view):
    """Decorate a user-management view: log in first; then register administrators only, with their second
    factor (they hand out roles and tokens, so a password alone must not be enough)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_administrator(user):
            raise PermissionDenied("Only a register administrator may manage users, roles and tokens.")
        if second_factor_missing(user):
            raise PermissionDenied(MFA_REQUIRED_MESSAGE)
        request.workspace_can_write = is_security_reviewer(user)
        request.workspace_can_manage_users = True
        request.workspace_can_read = can_read(user)  # an administrator may hold no register role
        return view(request, *args, **kwargs)

    return wrapped
