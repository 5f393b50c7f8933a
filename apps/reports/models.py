"""A reviewer's approval of a notice to affected users, for the exact text approved."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class NoticeApproval(models.Model):
    """Approves one language's notice as it read when approved: its SHA-256 is kept, so a notice whose record
    changed since (another category exposed, an action done) is a new text and needs a new approval."""

    incident = models.ForeignKey(
        "incidents.Incident", verbose_name=_("incident"), on_delete=models.CASCADE, related_name="notice_approvals"
    )
    lang = models.CharField(_("language"), max_length=5)
    text_sha256 = models.CharField(_("SHA-256 of the approved text"), max_length=64)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("approved by"), on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved at"))

    class Meta:
        ordering = ["incident", "lang", "-approved_at"]
        verbose_name = _("notice approval")
        verbose_name_plural = _("notice approvals")
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "lang", "text_sha256"],
                name="noticeapproval_once_per_text",
                violation_error_message=_("This text of the notice is already approved."),
            )
        ]

    def __str__(self):
        return f"{self.incident} [{self.lang}] {self.approved_at:%Y-%m-%d %H:%M}"
