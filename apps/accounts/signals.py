"""Security log: every login, failed login and permission denial, with who and from where."""

import logging

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from .client_address import client_address as trusted_client_address

security_log = logging.getLogger("vendorrisk.security")


def client_address(request):
    # The same address the lockout uses: behind the proxy, the client's, not the proxy's.
    return (trusted_client_address(request) or "-") if request is not None else "-"


@receiver(user_logged_in)
def log_login(sender, request, user, **kwargs):
    security_log.info("login.success user=%s ip=%s", user.get_username(), client_address(request))


@receiver(user_login_failed)
def log_login_failure(sender, credentials, request=None, **kwargs):
    security_log.warning("login.failure user=%s ip=%s", credentials.get("username", "-"), client_address(request))
