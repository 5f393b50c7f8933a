"""API tokens (django-rest-knox, hashed at rest) and single-use MFA enrolment links."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from knox.models import AbstractAuthToken
from knox.settings import CONSTANTS


class ApiToken(AbstractAuthToken):
    """An API token. Only its SHA-512 digest and its first 15 characters (to find it) are stored.

    `id` replaces knox's primary key (the digest) so that a token can be named in a URL or the admin without
    showing its hash. `second_factor` says whether it was issued after a second factor (or by a security
    reviewer or an operator); a security reviewer's request made with a token lacking it is refused.
    """

    id = models.BigAutoField(primary_key=True)
    digest = models.CharField(max_length=CONSTANTS.DIGEST_LENGTH, unique=True)
    name = models.CharField(max_length=100, blank=True)
    second_factor = models.BooleanField(default=False)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "API token"
        ordering = ("-created",)

    def __str__(self):
        return f"{self.name or 'token'} {self.token_key}… ({self.user})"

    @property
    def is_expired(self):
        return self.expiry is not None and self.expiry <= timezone.now()


class MfaEnrolmentLink(models.Model):
    """Lets one user enrol an authenticator once, before a deadline. Only a SHA-256 digest of the secret is kept."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mfa_enrolment_links")
    digest = models.CharField(max_length=64, unique=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "MFA enrolment link"
        ordering = ("-created_at",)

    def __str__(self):
        return f"enrolment link for {self.user}"

    @property
    def is_usable(self):
        return self.used_at is None and self.expires_at > timezone.now()


class AccountEvent(models.Model):
    """What a register administrator did to an account: the audit trail of people and their access.

    Written by apps.accounts.services next to every change of a user, a role, an MFA enrolment or a token, so
    "who gave this person the reviewer role, and when" has one answer.
    """

    class Kind(models.TextChoices):
        CREATED = "created", "Account created"
        DEACTIVATED = "deactivated", "Account deactivated"
        REACTIVATED = "reactivated", "Account reactivated"
        ROLES_CHANGED = "roles_changed", "Roles changed"
        MFA_RESET = "mfa_reset", "MFA enrolment reset"
        TOKEN_ISSUED = "token_issued", "API token issued"
        TOKEN_REVOKED = "token_revoked", "API token revoked"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account_events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    detail = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "account event"
        ordering = ("-at", "-id")

    def __str__(self):
        return f"{self.get_kind_display()}: {self.user} by {self.actor or 'an operator'}"
