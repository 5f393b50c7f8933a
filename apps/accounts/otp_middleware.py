"""django-otp's middleware, reading the session's device and the user's roles in one query.

Every signed-in request asked the database for the session, the user, the session's OTP device and then the
user's groups (the first role check): four round trips before the view's own query (issue 22). The device row is
read anyway, so the user's roles come with it, as one EXISTS per role on the device's own user: three queries.
Nothing is cached across requests, so a role removed or a device deleted counts on the very next request
(tests/accounts/test_verified_user_middleware.py). The roles are used only when the device is the session user's
own (django-otp's own binding check); otherwise `has_role` reads them as before.
"""

from contextlib import suppress

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef
from django_otp.middleware import OTPMiddleware
from django_otp.models import Device

from .roles import ROLES, cache_roles

ROLE_ANNOTATIONS = {f"_holds_role_{index}": role for index, role in enumerate(ROLES)}


def _holds(role):
    memberships = get_user_model().groups.through.objects
    return Exists(memberships.filter(user_id=OuterRef("user_id"), group__name=role))


class VerifiedUserMiddleware(OTPMiddleware):
    def _device_from_persistent_id(self, persistent_id):
        persistent_id = self._normalize_persistent_id(persistent_id)
        with suppress(ValueError, LookupError):
            devices = Device._filter_persistent_id(persistent_id)
            return devices.annotate(**{name: _holds(role) for name, role in ROLE_ANNOTATIONS.items()}).first()
        return None

    def _finalize_device(self, request, user, device):
        device = super()._finalize_device(request, user, device)
        if device is not None:  # confirmed, and the session user's own
            cache_roles(user, {role for name, role in ROLE_ANNOTATIONS.items() if getattr(device, name, False)})
        return device
