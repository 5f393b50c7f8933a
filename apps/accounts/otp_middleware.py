"""django-otp's middleware, reading the session's user, its OTP device and the user's roles in one query.

Every signed-in request asked the database for the session, the user, the session's OTP device and then the
user's groups (the first role check): four round trips before the view's own query (issue 22), each 1-3 ms on a
loaded machine, more than the Python around them. A verified session names both the user and the device, so the
device row is read with its user and the user's groups joined: two queries (the session, then this one).
Nothing is cached across requests, so a deactivated user, a changed password, a role removed or a device deleted
counts on the very next request (tests/accounts/test_verified_user_middleware.py).

The joined user is checked exactly as django.contrib.auth.get_user checks the one it reads: the session's backend
must still be configured and may still authenticate the user (is_active), and the session's auth hash must match
(a password change signs other sessions out). That is done here only for backends whose `get_user` is
ModelBackend's own (a primary-key read, then `user_can_authenticate`); any other backend, a session without a
device, or a device that is not the session user's (deleted, someone else's) takes django's and django-otp's
ordinary path, query by query.
"""

import functools
from contextlib import suppress

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, _get_user_session_key, load_backend
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import AnonymousUser
from django.db.models import F
from django.utils.crypto import constant_time_compare
from django.utils.functional import SimpleLazyObject
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.middleware import OTPMiddleware
from django_otp.models import Device

from .roles import cache_roles


class VerifiedUserMiddleware(OTPMiddleware):
    def _install_lazy_accessors(self, request):
        user = getattr(request, "user", None)  # AuthenticationMiddleware's lazy user: it reads the user row
        super()._install_lazy_accessors(request)  # request.auser as django-otp wraps it; request.user replaced below
        if user is not None:
            request.user = SimpleLazyObject(functools.partial(self._verified_user, request, user))

    def _verified_user(self, request, user):
        joined = self._device_with_user(request)
        if joined is None:
            return self._verify_user_sync(request, user)
        device, user = joined
        user = self._checked_as_get_user(request, user) or AnonymousUser()
        request._cached_user = user  # what AuthenticationMiddleware's own lazy user would have read
        self._init_user_fields(user)
        if user.is_authenticated:
            user.otp_device = self._finalize_device(request, user, device)
        return user

    def _device_with_user(self, request):
        """(device, user) read in one query, or None when the ordinary path must decide."""
        session = request.session
        try:
            user_id = _get_user_session_key(request)
            backend_path = session[BACKEND_SESSION_KEY]
            persistent_id = session[DEVICE_ID_SESSION_KEY]
        except (KeyError, ValueError, TypeError):
            return None
        if not persistent_id or backend_path not in settings.AUTHENTICATION_BACKENDS:
            return None
        if getattr(type(load_backend(backend_path)), "get_user", None) is not ModelBackend.get_user:
            return None
        with suppress(ValueError, LookupError, TypeError, AttributeError):
            devices = Device._filter_persistent_id(self._normalize_persistent_id(persistent_id))
            rows = list(devices.filter(user_id=user_id).select_related("user").annotate(_group_name=GROUP_NAME))
            if rows:
                return _with_roles(rows), rows[0].user
        return None

    @staticmethod
    def _checked_as_get_user(request, user):
        """django.contrib.auth.get_user's checks (Django 5.2) on the user it would have read: the user, or None."""
        if not load_backend(request.session[BACKEND_SESSION_KEY]).user_can_authenticate(user):
            return None  # ModelBackend.get_user's answer for an inactive user
        session_hash = request.session.get(HASH_SESSION_KEY)
        session_auth_hash = user.get_session_auth_hash()
        if session_hash and constant_time_compare(session_hash, session_auth_hash):
            return user
        if session_hash and any(
            constant_time_compare(session_hash, fallback) for fallback in user.get_session_auth_fallback_hash()
        ):
            request.session.cycle_key()
            request.session[HASH_SESSION_KEY] = session_auth_hash
            return user
        request.session.flush()
        return None

    def _device_from_persistent_id(self, persistent_id):
        # The ordinary path, after the user was read alone: the device with its user's roles.
        persistent_id = self._normalize_persistent_id(persistent_id)
        with suppress(ValueError, LookupError, AttributeError):
            rows = list(Device._filter_persistent_id(persistent_id).annotate(_group_name=GROUP_NAME))
            if rows:
                return _with_roles(rows)
        return None

    def _finalize_device(self, request, user, device):
        device = super()._finalize_device(request, user, device)
        if device is not None:  # confirmed, and the session user's own
            cache_roles(user, device._role_names)
        return device


# One row per group of the device's user (a LEFT JOIN: one row with None when it has none). Two joins cost less to
# build than a subquery per role.
GROUP_NAME = F("user__groups__name")


def _with_roles(rows):
    device = rows[0]
    device._role_names = {row._group_name for row in rows} - {None}
    return device
