"""Monitoring: what passes down the subprocessor chain, breach-feed signals, concentration and residual risk."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from apps.core.models import TimeStampedModel
from apps.datamap.choices import Sharing
from apps.vendors.choices import Tier

from .choices import (
    CategorySource,
    ConcentrationDimension,
    ConcentrationFindingStatus,
    MatchKind,
    SignalStatus,
)


class SubprocessorCategory(TimeStampedModel):
    """One data category that a vendor passes (or explicitly does not pass) to one of its subprocessors."""

    link = models.ForeignKey(
        "vendors.Subprocessor", verbose_name=_("subprocessor link"), on_delete=models.CASCADE, related_name="categories"
    )
    category = models.ForeignKey(
        "datamap.DataCategory", verbose_name=_("category"), on_delete=models.PROTECT, related_name="+"
    )
    sharing = models.CharField(_("sharing"), max_length=12, choices=Sharing.choices, default=Sharing.SHARED)
    source = models.CharField(_("source"), max_length=20, choices=CategorySource.choices)
    reference = models.CharField(
        _("reference"), max_length=300, blank=True, help_text=_("e.g. the DPA annex, or the questionnaire and question")
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["link", "category__path"]
        verbose_name = _("category passed to a subprocessor")
        verbose_name_plural = _("categories passed to subprocessors")
        constraints = [
            models.UniqueConstraint(
                fields=["link", "category"],
                name="subprocessorcategory_one_answer",
                violation_error_message=_("This category is already recorded for this subprocessor."),
            )
        ]

    def __str__(self):
        return f"{self.link}: {self.category} ({self.get_sharing_display()})"


class FeedState(models.Model):
    """What we remember of one feed declared in settings (MONITORING_FEEDS): validators and failures."""

    key = models.SlugField(_("feed"), max_length=80, unique=True)
    etag = models.CharField(_("ETag"), max_length=300, blank=True)
    last_modified = models.CharField(_("Last-Modified"), max_length=100, blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    last_success_at = models.DateTimeField(_("last success"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    consecutive_failures = models.PositiveIntegerField(_("consecutive failures"), default=0)
    retry_after = models.DateTimeField(_("retry after"), null=True, blank=True)
    entries_seen = models.PositiveIntegerField(_("entries seen"), default=0)

    class Meta:
        ordering = ["key"]
        verbose_name = _("feed state")
        verbose_name_plural = _("feed states")

    def __str__(self):
        return self.key


class Signal(TimeStampedModel):
    """A feed entry that matched a vendor: to be confirmed (an incident) or dismissed with a reason, never ignored."""

    feed = models.SlugField(_("feed"), max_length=80)
    entry_id = models.CharField(_("entry id"), max_length=500)
    vendor = models.ForeignKey(
        "vendors.Vendor", verbose_name=_("vendor"), on_delete=models.CASCADE, related_name="signals"
    )
    title = models.CharField(_("title"), max_length=500)
    url = models.URLField(_("URL"), max_length=1000, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    data_classes = models.JSONField(_("data classes named by the feed"), default=list, blank=True)
    match_kind = models.CharField(_("matched by"), max_length=10, choices=MatchKind.choices)
    matched_on = models.CharField(_("matched on"), max_length=300, help_text=_("The domain or the name that matched."))
    match_score = models.FloatField(_("match score"))
    exposure = models.JSONField(_("what the vendor receives from us"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=SignalStatus.choices, default=SignalStatus.OPEN, db_index=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), on_delete=models.SET_NULL, null=True, blank=True
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    dismiss_reason = models.TextField(_("reason for dismissing"), blank=True)
    incident = models.ForeignKey(
        "incidents.Incident", verbose_name=_("incident"), on_delete=models.SET_NULL, null=True, blank=True
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("signal")
        verbose_name_plural = _("signals")
        constraints = [
            # Dedupe: one signal per feed entry and vendor, however often the feed is fetched.
            models.UniqueConstraint(fields=["feed", "entry_id", "vendor"], name="signal_once_per_entry_and_vendor")
        ]

    def __str__(self):
        return f"{self.vendor}: {self.title}"


class ConcentrationThreshold(TimeStampedModel):
    """A reviewer's rule: more than `max_percent` of the tier 1..`up_to_tier` vendors on one provider is a finding."""

    dimension = models.CharField(_("dimension"), max_length=20, choices=ConcentrationDimension.choices)
    up_to_tier = models.PositiveSmallIntegerField(_("vendors up to tier"), choices=Tier.choices, default=Tier.HIGH)
    max_percent = models.DecimalField(_("at most (%)"), max_digits=5, decimal_places=2)
    is_active = models.BooleanField(_("active"), default=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["dimension", "up_to_tier", "max_percent"]
        verbose_name = _("concentration threshold")
        verbose_name_plural = _("concentration thresholds")

    def __str__(self):
        return f"{self.get_dimension_display()} (tier ≤ {self.up_to_tier}) > {self.max_percent} %"

    def clean(self):
        if self.max_percent is not None and not (0 <= self.max_percent <= 100):
            raise ValidationError({"max_percent": _("A share is between 0 and 100 %.")})


class ConcentrationFinding(TimeStampedModel):
    """A threshold exceeded by one provider or country; resolved when the share falls back under it."""

    threshold = models.ForeignKey(
        ConcentrationThreshold, verbose_name=_("threshold"), on_delete=models.CASCADE, related_name="findings"
    )
    subject = models.CharField(_("provider or country"), max_length=100)
    share_percent = models.DecimalField(_("share (%)"), max_digits=5, decimal_places=2)
    count = models.PositiveIntegerField(_("count"))
    total = models.PositiveIntegerField(_("out of"))
    status = models.CharField(
        _("status"), max_length=10, choices=ConcentrationFindingStatus.choices, default=ConcentrationFindingStatus.OPEN
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        ordering = ["-share_percent", "subject"]
        verbose_name = _("concentration finding")
        verbose_name_plural = _("concentration findings")
        constraints = [
            models.UniqueConstraint(
                fields=["threshold", "subject"],
                condition=models.Q(status=ConcentrationFindingStatus.OPEN),
                name="concentrationfinding_one_open_per_subject",
            )
        ]

    def __str__(self):
        return f"{self.subject}: {self.share_percent} %"


class ResidualRisk(models.Model):
    """A vendor's current residual rating (apps.monitoring.residual.compute_residual), beside its inherent tier."""

    vendor = models.OneToOneField(
        "vendors.Vendor", verbose_name=_("vendor"), on_delete=models.CASCADE, related_name="residual_risk"
    )
    rating = models.PositiveSmallIntegerField(_("residual rating"), choices=Tier.choices, null=True, db_index=True)
    score = models.PositiveSmallIntegerField(_("control gap score (0–100)"), default=0, db_index=True)
    reasons = models.JSONField(_("reasons"), default=list)
    inputs = models.JSONField(_("inputs"), default=dict)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        ordering = ["vendor"]
        verbose_name = _("residual risk")
        verbose_name_plural = _("residual risks")

    def __str__(self):
        return f"{self.vendor}: {self.get_rating_display() if self.rating else '—'}"


class ResidualRiskChange(models.Model):
    """Every change of a vendor's residual rating or score, with the inputs and reasons of the new value."""

    vendor = models.ForeignKey(
        "vendors.Vendor", verbose_name=_("vendor"), on_delete=models.CASCADE, related_name="residual_risk_changes"
    )
    from_rating = models.PositiveSmallIntegerField(_("from"), choices=Tier.choices, null=True)
    to_rating = models.PositiveSmallIntegerField(_("to"), choices=Tier.choices, null=True)
    score = models.PositiveSmallIntegerField(_("score"))
    reasons = models.JSONField(_("reasons"), default=list)
    inputs = models.JSONField(_("inputs"), default=dict)
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)

    class Meta:
        ordering = ["vendor", "-changed_at", "-id"]
        verbose_name = _("residual risk change")
        verbose_name_plural = _("residual risk changes")

    def __str__(self):
        return f"{self.vendor}: {self.from_rating} → {self.to_rating}"
