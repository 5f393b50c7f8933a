"""Vendor incidents: what was exposed, from whom we know it, and how late we were told."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from apps.core.models import SlugNaturalKeyManager, TimeStampedModel

from .choices import (
    ActionKind,
    ClaimKind,
    ExposureStatus,
    IncidentStatus,
    OurRole,
    Reliability,
    RiskToIndividuals,
    Severity,
    SourceKind,
    TimelineEventKind,
    TimePrecision,
)
from .exceptions import TimelineIsAppendOnly


class IncidentChildManager(models.Manager):
    """Looks a row up by (incident slug, key): the natural key of everything that hangs off an incident."""

    def get_by_natural_key(self, incident_slug, key):
        return self.get(incident__slug=incident_slug, key=key)


class ExposureManager(models.Manager):
    def get_by_natural_key(self, incident_slug, category_code):
        return self.get(incident__slug=incident_slug, category__code=category_code)


class TimelineEventQuerySet(models.QuerySet):
    """Bulk writes would bypass the model's guard, so the queryset refuses them as well."""

    def update(self, **kwargs):
        raise TimelineIsAppendOnly("Timeline events cannot be edited: append a correcting event instead.")

    def delete(self):
        raise TimelineIsAppendOnly("Timeline events cannot be deleted: append a correcting event instead.")


class TimelineEventManager(IncidentChildManager.from_queryset(TimelineEventQuerySet)):
    pass


def _cached_incident(instance):
    """The incident of a child row, or None while an admin inline is still building it."""
    if instance.incident_id is None and not type(instance).incident.is_cached(instance):
        return None
    return instance.incident


def _check_source_belongs(instance, field="source"):
    source = getattr(instance, field)
    if source is not None and source.incident_id != instance.incident_id:
        raise ValidationError({field: _("The source must be one of this incident's sources.")})


def _clock_source(verbose_name):
    return models.ForeignKey(
        "incidents.IncidentSource",
        verbose_name=verbose_name,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )


CLOCK_SOURCE_FIELDS = {
    "vendor_detected_at": "vendor_detected_source",
    "vendor_notified_at": "vendor_notified_source",
    "dataset_received_at": "dataset_received_source",
    "we_became_aware_at": "we_became_aware_source",
    "sa_notified_at": "sa_notified_source",
    "subjects_notified_at": "subjects_notified_source",
    "public_disclosure_at": "public_disclosure_source",
}


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
    we_became_aware_at = models.DateTimeField(
        _("we became aware at"),
        null=True,
        blank=True,
        help_text=_("When we had reasonable certainty that personal data was breached (GDPR Art. 33(1) starts here)."),
    )
    public_disclosure_at = models.DateTimeField(_("our public disclosure at"), null=True, blank=True)
    sa_notified_at = models.DateTimeField(_("supervisory authority notified at"), null=True, blank=True)
    supervisory_authority = models.CharField(_("supervisory authority"), max_length=200, blank=True)
    sa_reference = models.CharField(_("authority's reference"), max_length=200, blank=True)
    subjects_notified_at = models.DateTimeField(_("data subjects notified at"), null=True, blank=True)
    # Each moment of a clock cites the source it comes from (a vendor notice, our own ticket, the authority's
    # receipt): a regulator asks "how do you know", and the report answers with the source's title.
    vendor_detected_source = _clock_source(_("source of the vendor's detection time"))
    vendor_notified_source = _clock_source(_("source of the vendor's notice time"))
    dataset_received_source = _clock_source(_("source of the data set's receipt time"))
    we_became_aware_source = _clock_source(_("source of our awareness time"))
    sa_notified_source = _clock_source(_("source of the authority notification"))
    subjects_notified_source = _clock_source(_("source of the data subjects' notification"))
    public_disclosure_source = _clock_source(_("source of the public disclosure"))
    our_role = models.CharField(_("our GDPR role"), max_length=12, choices=OurRole.choices, default=OurRole.CONTROLLER)
    risk_to_individuals = models.CharField(
        _("risk to individuals"),
        max_length=12,
        choices=RiskToIndividuals.choices,
        default=RiskToIndividuals.UNASSESSED,
        help_text=_("Art. 33 does not apply when unlikely to result in a risk; Art. 34 applies on a high risk."),
    )
    our_systems_breached = models.BooleanField(
        _("our own systems were breached"), null=True, blank=True, help_text=_("Empty while not established.")
    )
    # DORA Art. 19 (financial entities only, see settings.REGISTER_FINANCIAL_ENTITY).
    dora_major_classified_at = models.DateTimeField(
        _("classified as a major ICT-related incident at"), null=True, blank=True
    )
    dora_initial_notified_at = models.DateTimeField(_("DORA initial notification at"), null=True, blank=True)
    dora_intermediate_reported_at = models.DateTimeField(_("DORA intermediate report at"), null=True, blank=True)
    dora_final_reported_at = models.DateTimeField(_("DORA final report at"), null=True, blank=True)
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

    # Times that cannot come before the vendor detected the breach: nobody can tell us, send us the data
    # or disclose it publicly before it was found. Our own awareness may (we might have found it first).
    AFTER_DETECTION_FIELDS = ("vendor_notified_at", "dataset_received_at", "public_disclosure_at")
    # Notifications we send cannot come before we knew.
    AFTER_AWARENESS_FIELDS = ("sa_notified_at", "subjects_notified_at")

    def clean(self):
        errors = {}
        # (That each source is one of this incident's is the service's to check: clean() makes no query.)
        for time_field, source_field in CLOCK_SOURCE_FIELDS.items():
            if getattr(self, f"{source_field}_id") is not None and getattr(self, time_field) is None:
                errors[source_field] = _("A source backs a recorded time: record the time as well.")
        if self.we_became_aware_at:
            for name in self.AFTER_AWARENESS_FIELDS:
                value = getattr(self, name)
                if value and value < self.we_became_aware_at:
                    errors[name] = _("%(label)s cannot be before we became aware (%(aware)s).") % {
                        "label": str(self._meta.get_field(name).verbose_name).capitalize(),
                        "aware": self.we_became_aware_at.isoformat(),
                    }
        if self.sa_notified_at and not self.supervisory_authority.strip():
            errors["supervisory_authority"] = _("Name the supervisory authority that was notified.")
        if self.vendor_detected_at:
            for name in self.AFTER_DETECTION_FIELDS:
                value = getattr(self, name)
                if value and value < self.vendor_detected_at:
                    label = self._meta.get_field(name).verbose_name
                    message = _("%(label)s (%(value)s) cannot be before the vendor detected the breach (%(detected)s).")
                    errors[name] = message % {
                        "label": str(label).capitalize(),
                        "value": value.isoformat(),
                        "detected": self.vendor_detected_at.isoformat(),
                    }
        if errors:
            raise ValidationError(errors)


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

    objects = IncidentChildManager()
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

    def natural_key(self):
        return (self.incident.slug, self.key)

    natural_key.dependencies = ["incidents.incident"]


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
        IncidentSource, verbose_name=_("source"), on_delete=models.RESTRICT, null=True, blank=True, related_name="+"
    )
    override_reason = models.TextField(
        _("override reason"),
        blank=True,
        help_text=_("Required when the data map says the vendor never received this category."),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    objects = ExposureManager()
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

    def natural_key(self):
        return (self.incident.slug, self.category.code)

    natural_key.dependencies = ["incidents.incident", "incidents.incidentsource", "datamap.datacategory"]

    def clean(self):
        from .selectors import category_ever_shared_with_vendor

        incident = _cached_incident(self)
        if incident is None or self.category_id is None:
            return
        _check_source_belongs(self)
        claims_presence = self.status in (ExposureStatus.EXPOSED, ExposureStatus.SUSPECTED)
        if (
            claims_presence
            and not self.override_reason.strip()
            and not category_ever_shared_with_vendor(vendor_id=incident.vendor_id, category=self.category)
        ):
            raise ValidationError(
                {
                    "override_reason": _(
                        "No data flow ever sent “%(category)s” to %(vendor)s, so the data map contradicts marking it "
                        "%(status)s: give an override reason, or correct the data map."
                    )
                    % {"category": self.category, "vendor": incident.vendor, "status": self.get_status_display()}
                }
            )


class IncidentClaim(TimeStampedModel):
    """One statement a source makes: an exposure, a date, the attacker, a recommended action."""

    incident = models.ForeignKey(Incident, verbose_name=_("incident"), on_delete=models.CASCADE, related_name="claims")
    key = models.SlugField(_("key"), max_length=80, help_text=_("Stable identifier within the incident."))
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

    objects = IncidentChildManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["incident", "source", "kind", "key"]
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "key"],
                name="incidentclaim_unique_key",
                violation_error_message=_("This incident already has a claim with this key."),
            )
        ]

    def __str__(self):
        return f"{self.source.key}: {self.statement[:60]}"

    def natural_key(self):
        return (self.incident.slug, self.key)

    natural_key.dependencies = ["incidents.incident", "incidents.incidentsource", "datamap.datacategory"]

    def clean(self):
        if _cached_incident(self) is None:
            return
        if self.source_id:
            _check_source_belongs(self)
        if self.kind == ClaimKind.EXPOSURE:
            errors = {}
            if self.category_id is None:
                errors["category"] = _("A claim about an exposure names the data category.")
            if not self.exposure_status:
                errors["exposure_status"] = _("A claim about an exposure says whether the category was exposed.")
            if errors:
                raise ValidationError(errors)
        elif not self.subject.strip() or not self.value.strip():
            raise ValidationError(
                {"subject": _("A claim that is not about an exposure needs a subject and a value to compare.")}
            )


class TimelineEvent(models.Model):
    """An append-only entry of the incident's timeline: a correction is a new event, never an edit."""

    incident = models.ForeignKey(
        Incident, verbose_name=_("incident"), on_delete=models.CASCADE, related_name="timeline"
    )
    key = models.SlugField(_("key"), max_length=80, help_text=_("Stable identifier within the incident."))
    occurred_at = models.DateTimeField(_("occurred at"), null=True, blank=True)
    occurred_on_precision = models.CharField(
        _("precision"), max_length=10, choices=TimePrecision.choices, default=TimePrecision.DAY
    )
    kind = models.CharField(_("kind"), max_length=30, choices=TimelineEventKind.choices)
    description = models.TextField(_("description"))
    source = models.ForeignKey(
        IncidentSource, verbose_name=_("source"), on_delete=models.RESTRICT, null=True, blank=True, related_name="+"
    )
    corrects = models.ForeignKey(
        "self", verbose_name=_("corrects"), on_delete=models.RESTRICT, null=True, blank=True, related_name="corrections"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.SET_NULL, null=True, blank=True
    )

    objects = TimelineEventManager()

    class Meta:
        ordering = ["incident", "occurred_at", "recorded_at", "id"]
        verbose_name = _("timeline event")
        verbose_name_plural = _("timeline events")
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "key"],
                name="timelineevent_unique_key",
                violation_error_message=_("This incident already has a timeline event with this key."),
            )
        ]

    def __str__(self):
        return self.description[:80]

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TimelineIsAppendOnly(
                f"Timeline event “{self.key}” cannot be edited: append a new event that corrects it instead."
            )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TimelineIsAppendOnly(
            f"Timeline event “{self.key}” cannot be deleted: append a new event that corrects it instead."
        )

    def natural_key(self):
        return (self.incident.slug, self.key)

    natural_key.dependencies = ["incidents.incident", "incidents.incidentsource"]

    def clean(self):
        if _cached_incident(self) is None:
            return
        _check_source_belongs(self)
        if self.corrects is not None and self.corrects.incident_id != self.incident_id:
            raise ValidationError({"corrects": _("A correction must correct an event of the same incident.")})


class ResponseAction(TimeStampedModel):
    """Something we do about the incident: remove the vendor, notify users, rotate keys…"""

    incident = models.ForeignKey(Incident, verbose_name=_("incident"), on_delete=models.CASCADE, related_name="actions")
    key = models.SlugField(_("key"), max_length=80, help_text=_("Stable identifier within the incident."))
    kind = models.CharField(_("kind"), max_length=30, choices=ActionKind.choices)
    description = models.TextField(_("description"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.SET_NULL, null=True, blank=True
    )
    due_on = models.DateField(_("due on"), null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    objects = IncidentChildManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["incident", "due_on", "id"]
        verbose_name = _("response action")
        verbose_name_plural = _("response actions")
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "key"],
                name="responseaction_unique_key",
                violation_error_message=_("This incident already has a response action with this key."),
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.description[:60]}"

    def natural_key(self):
        return (self.incident.slug, self.key)

    natural_key.dependencies = ["incidents.incident"]


class Recommendation(TimeStampedModel):
    """What affected people should do, as the notice to them will say it."""

    incident = models.ForeignKey(
        Incident, verbose_name=_("incident"), on_delete=models.CASCADE, related_name="recommendations"
    )
    key = models.SlugField(_("key"), max_length=80, help_text=_("Stable identifier within the incident."))
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    text = models.TextField(_("text"))
    source = models.ForeignKey(
        IncidentSource, verbose_name=_("source"), on_delete=models.RESTRICT, null=True, blank=True, related_name="+"
    )

    objects = IncidentChildManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["incident", "position"]
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "key"],
                name="recommendation_unique_key",
                violation_error_message=_("This incident already has a recommendation with this key."),
            )
        ]

    def __str__(self):
        return self.text[:80]

    def natural_key(self):
        return (self.incident.slug, self.key)

    natural_key.dependencies = ["incidents.incident", "incidents.incidentsource"]


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
