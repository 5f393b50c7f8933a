"""API permission by role. Views narrow it further (object scope) through their selectors."""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from .mfa import MFA_REQUIRED_MESSAGE, second_factor_missing
from .roles import DASHBOARD, PROCUREMENT, SECURITY_REVIEWER, has_role


class RolePermission(BasePermission):
    """Security reviewers read and write; dashboards only read; procurement only where a view opts in.

    A view opts procurement in with `procurement_access = "read"` or `"write"`; its queryset must then
    be limited to what procurement may see. A security reviewer without a verified second factor (when
    ADMIN_REQUIRES_OTP is on) is refused everywhere, with a message that says how to enrol.
    """

    message = "Your role does not allow this."

    def has_permission(self, request, view):
        user = request.user
        if not user or not user.is_authenticated:
            return False
        if second_factor_missing(user, request.auth):
            self.message = MFA_REQUIRED_MESSAGE
            return False
        if has_role(user, SECURITY_REVIEWER):
            return True
        safe = request.method in SAFE_METHODS
        procurement_access = getattr(view, "procurement_access", None)
        if has_role(user, PROCUREMENT) and procurement_access:
            return safe or procurement_access == "write"
        if has_role(user, DASHBOARD) and getattr(view, "dashboard_access", True):
            return safe
        return False


class SignedInWithSecondFactor(BasePermission):
    """Any signed-in user, with the reviewers' second factor where it is required (the OpenAPI schema)."""

    message = MFA_REQUIRED_MESSAGE

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated) and not second_factor_missing(user, request.auth)
