"""Security log (logins, failed logins, permission denials), and API tokens ended with the password or the account."""

import logging

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db.models.signals import pre_save
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


# A password change or a deactivation must end every API token, whichever door made it (admin user page,
# `changepassword`, the password-change form, a script): the user model's save is the one place they all pass.
# This stays inside the accounts app, so it is no hidden cross-app consequence.
@receiver(pre_save, sender=settings.AUTH_USER_MODEL)
def revoke_tokens_on_password_change_or_deactivation(sender, instance, update_fields=None, **kwargs):
    if instance.pk is None or (update_fields is not None and not {"password", "is_active"} & set(update_fields)):
        return  # a new user has no tokens; a last_login update changes neither
    before = sender.objects.filter(pk=instance.pk).values("password", "is_active").first()
    if before is None:
        return
    if before["password"] != instance.password or (before["is_active"] and not instance.is_active):
        from .services import api_tokens_revoke_all

        revoked = api_tokens_revoke_all(user=instance)
        if revoked:
            security_log.info("tokens.revoked user=%s count=%d", instance.get_username(), revoked)
