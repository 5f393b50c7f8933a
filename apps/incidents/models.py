"""Vendor incidents: what was exposed, from whom we know it, and how late we were told."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from apps.core.models import SlugNaturalKeyManager, TimeStampedModel

from .choices import (
    ActionKind,
    ClaimKind,
    ExposureStatus,
    IncidentStatus,
    Reliability,
    Severity,
    SourceKind,
    TimelineEventKind,
)


class Incident(TimeStampedModel):
    """A security incident at a vendor that touched, or may have touched, our data."""

    slug = models.SlugField(_("reference"), max_length=120, unique=True)
    vendor = models.ForeignKey(
        "vendors.Vendor", verbose_name=_("vendor"), on_delete=models.PROTECT, related_name="incidents"
    )
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"), blank=True)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices, db_index=True)
    status = models.CharField(
        _("status"), max_length=15, choices=IncidentStatus.choices, default=IncidentStatus.REPORTED, db_index=True
    )
    vendor_detected_at = models.DateTimeField(_("vendor detected at"), null=True, blank=True)
    vendor_notified_at = models.DateTimeField(_("vendor first told us at"), null=True, blank=True)
    dataset_received_at = models.DateTimeField(_("affected data set received at"), null=True, blank=True)
    we_became_aware_at = models.DateTimeField(_("we became aware at"), null=True, blank=True)
    public_disclosure_at = models.DateTimeField(_("our public disclosure at"), null=True, blank=True)
    affected_systems = models.ManyToManyField(
        "datamap.System", verbose_name=_("affected systems"), blank=True, related_name="incidents"
    )
    affected_flows = models.ManyToManyField(
        "datamap.DataFlow", verbose_name=_("affected flows"), blank=True, related_name="incidents"
    )
    data_subjects = models.JSONField(_("data subjects"), default=list, blank=True)
    estimated_affected_records = models.PositiveBigIntegerField(
        _("estimated affected records"), null=True, blank=True, help_text=_("Empty when unknown.")
    )
    breach_location = models.CharField(
        _("where the breach happened"), max_length=300, blank=True, help_text=_("e.g. inside the vendor's systems")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="recorded_incidents",
    )

    objects = SlugNaturalKeyManager()
    history = HistoricalRecords(m2m_fields=[affected_systems, affected_flows])

    class Meta:
        ordering = ["-vendor_detected_at", "-created_at"]
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")

    def __str__(self):
        return self.title

    def natural_key(self):
        return (self.slug,)


class IncidentSource(TimeStampedModel):
    """Where a fact about an incident comes from, and how far to trust it."""

    incident = models.ForeignKey(Incident, verbose_name=_("incident"), on_delete=models.CASCADE, related_name="sources")
    key = models.SlugField(_("key"), max_length=80, help_text=_("Stable identifier within the incident."))
    kind = models.CharField(_("kind"), max_length=20, choices=SourceKind.choices)
    title = models.CharField(_("title"), max_length=300)
    publisher = models.CharField(_("publisher"), max_length=200, blank=True)
    url = models.URLField(_("URL"), blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    reliability = models.PositiveSmallIntegerField(_("reliability"), choices=Reliability.choices)
    excerpt = models.TextField(_("excerpt"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["incident", "-reliability", "key"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "key"],
                name="incidentsource_unique_key",
                violation_error_message=_("This incident already has a source with this key."),
            )
        ]

    def __str__(self):
        return f"{self.title} ({self.get_reliability_display()})"


class IncidentExposure(TimeStampedModel):
    """What the incident did to one data category, backed by a source."""

    incident = models.ForeignKey(
        Incident, verbose_name=_("incident"), on_delete=models.CASCADE, related_name="exposures"
    )
    category = models.ForeignKey(
        "datamap.DataCategory", verbose_name=_("category"), on_delete=models.PROTECT, related_name="exposures"
    )
    status = models.CharField(_("status"), max_length=12, choices=ExposureStatus.choices)
    source = models.ForeignKey(
        IncidentSource, verbose_name=_("source"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    override_reason = models.TextField(
        _("override reason"),
        blank=True,
        help_text=_("Required when the data map says the vendor never received this category."),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["incident", "status", "category__path"]
        verbose_name = _("exposure")
        verbose_name_plural = _("exposures")
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "category"],
                name="exposure_one_status_per_category",
                violation_error_message=_("This category already has an exposure status on this incident."),
            )
        ]

    def __str__(self):
        return f"{self.category}: {self.get_status_display()}"


class IncidentClaim(TimeStampedModel):
    """One statement a source makes: an exposure, a date, the attacker, a recommended action."""

    incident = models.ForeignKey(Incident, verbose_name=_("incident"), on_delete=models.CASCADE, related_name="claims")
    source = models.ForeignKey(
        IncidentSource, verbose_name=_("source"), on_delete=models.CASCADE, related_name="claims"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ClaimKind.choices)
    category = models.ForeignKey(
        "datamap.DataCategory",
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="claims",
    )
    exposure_status = models.CharField(_("claimed exposure"), max_length=12, choices=ExposureStatus.choices, blank=True)
    subject = models.CharField(
        _("subject"), max_length=100, blank=True, help_text=_("What a non-exposure claim is about, e.g. 'occurred_on'.")
    )
    value = models.CharField(_("value"), max_length=300, blank=True)
    statement = models.TextField(_("statement"), help_text=_("The claim in the source's words."))

    history = HistoricalRecords()

    class Meta:
        ordering = ["incident", "source", "kind"]
        verbose_name = _("claim")
        verbose_name_plural = _("claims")

    def __str__(self):
        return f"{self.source.key}: {self.statement[:60]}"


class TimelineEvent(models.Model):
    """An append-only entry of the incident's timeline: a correction is a new event, never an edit."""

    incident = models.ForeignKey(
        Incident, verbose_name=_("incident"), on_delete=models.CASCADE, related_name="timeline"
    )
    occurred_at = models.DateTimeField(_("occurred at"), null=True, blank=True)
    occurred_on_precision = models.CharField(
        _("precision"), max_length=10, default="day", help_text=_("day, hour, or unknown when the source gives none")
    )
    kind = models.CharField(_("kind"), max_length=30, choices=TimelineEventKind.choices)
    description = models.TextField(_("description"))
    source = models.ForeignKey(
        IncidentSource, verbose_name=_("source"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    corrects = models.ForeignKey(
        "self", verbose_name=_("corrects"), on_delete=models.PROTECT, null=True, blank=True, related_name="corrections"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.SET_NULL, null=True, blank=True
    )

    class Meta:
        ordering = ["incident", "occurred_at", "recorded_at", "id"]
        verbose_name = _("timeline event")
        verbose_name_plural = _("timeline events")

    def __str__(self):
        return self.description[:80]


class ResponseAction(TimeStampedModel):
    """Something we do about the incident: remove the vendor, notify users, rotate keys…"""

    incident = models.ForeignKey(Incident, verbose_name=_("incident"), on_delete=models.CASCADE, related_name="actions")
    kind = models.CharField(_("kind"), max_length=30, choices=ActionKind.choices)
    description = models.TextField(_("description"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.SET_NULL, null=True, blank=True
    )
    due_on = models.DateField(_("due on"), null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["incident", "due_on", "id"]
        verbose_name = _("response action")
        verbose_name_plural = _("response actions")

    def __str__(self):
        return f"{self.get_kind_display()}: {self.description[:60]}"


class Recommendation(TimeStampedModel):
    """What affected people should do, as the notice to them will say it."""

    incident = models.ForeignKey(
        Incident, verbose_name=_("incident"), on_delete=models.CASCADE, related_name="recommendations"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    text = models.TextField(_("text"))
    source = models.ForeignKey(
        IncidentSource, verbose_name=_("source"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["incident", "position"]
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")

    def __str__(self):
        return self.text[:80]


class ScopeAmendment(models.Model):
    """A change of scope after first disclosure; each one keeps the scope as it stood, so no version is lost."""

    incident = models.ForeignKey(
        Incident, verbose_name=_("incident"), on_delete=models.CASCADE, related_name="amendments"
    )
    version = models.PositiveIntegerField(_("version"))
    amended_at = models.DateTimeField(_("amended at"))
    reason = models.TextField(_("why"))
    changes = models.JSONField(_("what changed"), default=dict)
    scope_snapshot = models.JSONField(_("scope after this amendment"), default=dict)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.SET_NULL, null=True, blank=True
    )

    class Meta:
        ordering = ["incident", "version"]
        verbose_name = _("scope amendment")
        verbose_name_plural = _("scope amendments")
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "version"],
                name="amendment_unique_version",
                violation_error_message=_("This incident already has an amendment with this version."),
            )
        ]

    def __str__(self):
        return f"{self.incident} v{self.version}"
