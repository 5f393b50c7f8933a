"""Reviews of vendors, their state history, findings, risk exceptions and offboarding checklists."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from apps.core.models import TimeStampedModel, choice_label
from apps.vendors.choices import Tier

from .choices import FindingSeverity, FindingStatus, ReviewKind, ReviewState


class Review(TimeStampedModel):
    """A review of a vendor against the baseline of its tier. State moves only through apps.reviews.services."""

    vendor = models.ForeignKey(
        "vendors.Vendor", verbose_name=_("vendor"), on_delete=models.PROTECT, related_name="reviews"
    )
    kind = models.CharField(_("kind"), max_length=15, choices=ReviewKind.choices)
    state = models.CharField(
        _("state"), max_length=30, choices=ReviewState.choices, default=ReviewState.DRAFT, editable=False, db_index=True
    )
    tier = models.PositiveSmallIntegerField(_("tier reviewed"), choices=Tier.choices, null=True, blank=True)
    baseline = models.ForeignKey(
        "risk.Baseline",
        verbose_name=_("baseline"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviews",
    )
    incident = models.ForeignKey(
        "incidents.Incident",
        verbose_name=_("triggering incident"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviews",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="requested_reviews",
        editable=False,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decided_reviews",
        editable=False,
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True, editable=False)
    conditions = models.TextField(_("conditions"), blank=True)
    summary = models.TextField(_("summary"), blank=True)
    due_on = models.DateField(_("due on"), null=True, blank=True, db_index=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        indexes = [
            models.Index(fields=["vendor", "state"], name="review_vendor_state"),
            # The changelist's order (newest first, then -pk as the admin adds for a total order): without it
            # every page sorted all reviews (20,000 at 10,000 vendors) joined to their vendors to keep 100.
            models.Index(fields=["-created_at", "-id"], name="review_newest_first"),
        ]
        constraints = [
            # An incident opens one review, however many times its signal is received.
            models.UniqueConstraint(
                fields=["incident"],
                condition=models.Q(kind="incident"),
                name="review_one_per_incident",
                violation_error_message=_("This incident already has an incident-triggered review."),
            )
        ]

    def __str__(self):
        return (
            f"{choice_label(ReviewKind, self.kind)} review of {self.vendor} ({choice_label(ReviewState, self.state)})"
        )


class ReviewTransition(models.Model):
    """One move of a review's state: who, when, from, to and why. Append-only."""

    review = models.ForeignKey(Review, verbose_name=_("review"), on_delete=models.CASCADE, related_name="transitions")
    from_state = models.CharField(_("from"), max_length=30, choices=ReviewState.choices)
    to_state = models.CharField(_("to"), max_length=30, choices=ReviewState.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, null=True, blank=True
    )
    note = models.TextField(_("note"), blank=True)
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["review", "at", "id"]
        verbose_name = _("review transition")
        verbose_name_plural = _("review transitions")

    def __str__(self):
        return f"{self.review_id}: {self.from_state} → {self.to_state}"


class Finding(TimeStampedModel):
    """A problem a review found, with an owner and a due date."""

    review = models.ForeignKey(Review, verbose_name=_("review"), on_delete=models.CASCADE, related_name="findings")
    code = models.SlugField(_("code"), max_length=80, blank=True, help_text=_("Set for findings the register raises."))
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    severity = models.CharField(_("severity"), max_length=10, choices=FindingSeverity.choices)
    status = models.CharField(_("status"), max_length=12, choices=FindingStatus.choices, default=FindingStatus.OPEN)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.SET_NULL, null=True, blank=True
    )
    due_on = models.DateField(_("due on"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["review", "-severity", "id"]
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        constraints = [
            # Findings the register raises by code (e.g. late-breach-notification) are raised once per review.
            models.UniqueConstraint(
                fields=["review", "code"],
                condition=~models.Q(code=""),
                name="finding_one_per_code_per_review",
                violation_error_message=_("This review already has a finding with this code."),
            )
        ]

    def __str__(self):
        return self.title


class RiskException(TimeStampedModel):
    """A security reviewer's time-boxed acceptance that a vendor does not meet one requirement."""

    review = models.ForeignKey(Review, verbose_name=_("review"), on_delete=models.CASCADE, related_name="exceptions")
    vendor_requirement = models.ForeignKey(
        "risk.VendorRequirement",
        verbose_name=_("requirement status"),
        on_delete=models.CASCADE,
        related_name="exceptions",
    )
    justification = models.TextField(_("justification"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("granted by"), on_delete=models.PROTECT, editable=False
    )
    expires_on = models.DateField(_("expires on"))

    history = HistoricalRecords()

    class Meta:
        ordering = ["review", "expires_on"]
        verbose_name = _("risk exception")
        verbose_name_plural = _("risk exceptions")

    def __str__(self):
        return f"Exception for {self.vendor_requirement} until {self.expires_on}"


class OffboardingChecklist(TimeStampedModel):
    """What must be true before a vendor is terminated."""

    vendor = models.OneToOneField(
        "vendors.Vendor", verbose_name=_("vendor"), on_delete=models.PROTECT, related_name="offboarding"
    )
    reason = models.TextField(_("reason"), blank=True)
    removed_from_production_at = models.DateTimeField(_("removed from production at"), null=True, blank=True)
    access_revoked_at = models.DateTimeField(_("access revoked at"), null=True, blank=True)
    data_returned_at = models.DateTimeField(_("data returned at"), null=True, blank=True)
    deletion_certificate = models.ForeignKey(
        "vendors.Document",
        verbose_name=_("deletion certificate"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    completed_at = models.DateTimeField(_("terminated at"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("offboarding checklist")
        verbose_name_plural = _("offboarding checklists")

    def __str__(self):
        return f"Offboarding of {self.vendor}"
