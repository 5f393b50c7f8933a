"""Which view of the register a caller gets. Role rules themselves live in apps.accounts.roles."""

from apps.accounts.roles import DASHBOARD, PROCUREMENT, SECURITY_REVIEWER, has_role


def sees_only_procurement_view(user) -> bool:
    """Procurement without a wider role: vendor names and statuses, and its own intake requests."""
    return has_role(user, PROCUREMENT) and not (has_role(user, SECURITY_REVIEWER) or has_role(user, DASHBOARD))
