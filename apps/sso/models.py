"""Who a person is at the identity provider: the provider's stable subject, never a mutable e-mail address."""

from django.conf import settings
from django.db import models


class ExternalIdentity(models.Model):
    """Links one local user to one subject at one issuer (OIDC `iss` + `sub`, or a SAML IdP entity + NameID).

    Users are matched on this pair only. Matching on e-mail would let anyone who can set an address at any
    configured provider take over the local account that carries it.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="external_identities")
    issuer = models.CharField(max_length=500)
    subject = models.CharField(max_length=500)
    groups = models.JSONField(default=list, blank=True, help_text="The groups the provider sent at the last sign-in.")
    created_at = models.DateTimeField(auto_now_add=True)
    last_sign_in_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["issuer", "subject"], name="sso_identity_unique_subject")]
        verbose_name_plural = "external identities"

    def __str__(self):
        return f"{self.subject} at {self.issuer}"
