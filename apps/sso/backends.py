"""Local passwords, which an operator can turn off for everyone but the break-glass accounts."""

import logging

from django.conf import settings
from django.contrib.auth.backends import ModelBackend

logger = logging.getLogger("vendorrisk.security")


def local_passwords_allowed_for(username) -> bool:
    if settings.LOCAL_PASSWORD_LOGIN:
        return True
    return bool(username) and username in settings.SSO_BREAK_GLASS_USERNAMES


class LocalPasswordBackend(ModelBackend):
    """Django's password check, at every door that checks a password (admin, intake, API token exchange), unless
    LOCAL_PASSWORD_LOGIN is off; then only the usernames in SSO_BREAK_GLASS_USERNAMES may use one. Permissions are
    still answered here for every user, however they signed in."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(self._username_field())
        if password is not None and not local_passwords_allowed_for(username):
            logger.warning("password sign-in refused for %s: local passwords are off", username)
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)

    @staticmethod
    def _username_field():
        from django.contrib.auth import get_user_model

        return get_user_model().USERNAME_FIELD
