"""django-otp's middleware, reading the session's device and the user's roles in one query.

Every signed-in request asked the database for the session, the user, the session's OTP device and then the
user's groups (the first role check): four round trips before the view's own query (issue 22). The device row is
read anyway, so the user's roles come with it, joined through the device's own user: three queries.
Nothing is cached across requests, so a role removed or a device deleted counts on the very next request
(tests/accounts/test_verified_user_middleware.py). The roles are used only when the device is the session user's
own (django-otp's own binding check); otherwise `has_role` reads them as before.
"""

from contextlib import suppress

from django.db.models import F
from django_otp.middleware import OTPMiddleware
from django_otp.models import Device

from .roles import cache_roles


class VerifiedUserMiddleware(OTPMiddleware):
    def _device_from_persistent_id(self, persistent_id):
        persistent_id = self._normalize_persistent_id(persistent_id)
        with suppress(ValueError, LookupError):
            # One row per group of the device's user (a LEFT JOIN: one row with None when it has none). Two joins
            # cost less to build than a subquery per role.
            rows = list(Device._filter_persistent_id(persistent_id).annotate(_group_name=F("user__groups__name")))
            if rows:
                device = rows[0]
                device._role_names = {row._group_name for row in rows} - {None}
                return device
        return None

    def _finalize_device(self, request, user, device):
        device = super()._finalize_device(request, user, device)
        if device is not None:  # confirmed, and the session user's own
            cache_roles(user, device._role_names)
        return device
