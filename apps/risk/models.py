"""Risk: tiers and their history, the requirement catalogue, versioned baselines and each vendor's status."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from apps.core.models import CodeNaturalKeyManager, TimeStampedModel, choice_label
from apps.vendors.choices import Tier
from apps.vendors.models import Vendor

from .choices import RequirementStatus, TierChangeCause


class SecurityRequirement(TimeStampedModel):
    """One requirement a vendor must meet, mapped to the control frameworks that ask for it."""

    code = models.SlugField(_("code"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    evidence_kinds = models.JSONField(
        _("accepted evidence kinds"), default=list, blank=True, help_text=_("Document kinds that can prove it.")
    )
    control_mappings = models.JSONField(
        _("mapped controls"), default=list, blank=True, help_text=_('e.g. ["ISO27001:A.5.19", "NIST-CSF:GV.SC-05"]')
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = CodeNaturalKeyManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("security requirement")
        verbose_name_plural = _("security requirements")

    def __str__(self):
        return f"{self.code} — {self.title}"

    def natural_key(self):
        return (self.code,)


class BaselineManager(models.Manager):
    def get_by_natural_key(self, tier, version):
        return self.get(tier=tier, version=version)

    def current(self):
        """The newest published version per tier."""
        return self.filter(is_current=True)


class Baseline(TimeStampedModel):
    """The set of requirements a tier must meet. A tightening publishes a new version; old ones stay readable."""

    tier = models.PositiveSmallIntegerField(_("tier"), choices=Tier.choices)
    version = models.PositiveIntegerField(_("version"))
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    review_cadence_months = models.PositiveSmallIntegerField(_("review cadence (months)"))
    requirements = models.ManyToManyField(
        SecurityRequirement, verbose_name=_("requirements"), related_name="baselines", blank=True
    )
    is_current = models.BooleanField(_("current"), default=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    objects = BaselineManager()
    history = HistoricalRecords(m2m_fields=[requirements])

    class Meta:
        ordering = ["tier", "-version"]
        verbose_name = _("baseline")
        verbose_name_plural = _("baselines")
        constraints = [
            models.UniqueConstraint(
                fields=["tier", "version"],
                name="baseline_unique_version_per_tier",
                violation_error_message=_("This tier already has a baseline with this version."),
            ),
            models.UniqueConstraint(
                fields=["tier"],
                condition=models.Q(is_current=True),
                name="baseline_one_current_per_tier",
                violation_error_message=_("A tier has exactly one current baseline."),
            ),
        ]

    def __str__(self):
        return f"{choice_label(Tier, self.tier)} baseline v{self.version}"

    def natural_key(self):
        return (self.tier, self.version)


class VendorRequirement(TimeStampedModel):
    """Where one vendor stands on one requirement."""

    vendor = models.ForeignKey(
        "vendors.Vendor", verbose_name=_("vendor"), on_delete=models.CASCADE, related_name="requirement_statuses"
    )
    requirement = models.ForeignKey(
        SecurityRequirement, verbose_name=_("requirement"), on_delete=models.PROTECT, related_name="vendor_statuses"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=RequirementStatus.choices, default=RequirementStatus.NOT_MET, db_index=True
    )
    evidence = models.ForeignKey(
        "vendors.Document",
        verbose_name=_("evidence"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="requirement_statuses",
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("verified by"), on_delete=models.SET_NULL, null=True, blank=True
    )
    verified_on = models.DateField(_("verified on"), null=True, blank=True)
    due_on = models.DateField(_("due on"), null=True, blank=True, db_index=True)
    note = models.TextField(_("note"), blank=True)
    # Set when the status exists because a tightening reached this vendor rather than its tier's baseline:
    # such a requirement applies to the vendor's reviews on top of the baseline.
    tightening = models.ForeignKey(
        "Tightening",
        verbose_name=_("added by tightening"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="statuses",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["vendor", "requirement__code"]
        verbose_name = _("vendor requirement status")
        verbose_name_plural = _("vendor requirement statuses")
        constraints = [
            models.UniqueConstraint(
                fields=["vendor", "requirement"],
                name="vendorrequirement_one_per_pair",
                violation_error_message=_("This vendor already has a status for this requirement."),
            )
        ]

    def __str__(self):
        return f"{self.vendor}: {self.requirement.code} ({choice_label(RequirementStatus, self.status)})"


class TierChange(models.Model):
    """Every change of a vendor's tier with its cause and the inputs that produced it. Append-only."""

    vendor = models.ForeignKey(
        "vendors.Vendor", verbose_name=_("vendor"), on_delete=models.CASCADE, related_name="tier_changes"
    )
    from_tier = models.PositiveSmallIntegerField(_("from tier"), choices=Tier.choices, null=True, blank=True)
    to_tier = models.PositiveSmallIntegerField(_("to tier"), choices=Tier.choices)
    cause = models.CharField(_("cause"), max_length=20, choices=TierChangeCause.choices)
    inputs = models.JSONField(_("inputs"), default=dict)
    reason = models.TextField(_("reason"), blank=True)
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("changed by"), on_delete=models.SET_NULL, null=True, blank=True
    )

    class Meta:
        ordering = ["vendor", "-changed_at", "-id"]
        verbose_name = _("tier change")
        verbose_name_plural = _("tier changes")

    def __str__(self):
        return f"{self.vendor}: {self.from_tier} → {self.to_tier} ({self.cause})"


class Tightening(models.Model):
    """A reviewer's decision to require more of a peer scope of vendors, and what the fan-out touched. Append-only.

    Either a new baseline version (every vendor at that tier gets the added requirement) or an added requirement
    for the vendors matching `scope` (same category, same mechanism, receiving the same data categories).
    """

    requirement = models.ForeignKey(
        SecurityRequirement, verbose_name=_("requirement"), on_delete=models.PROTECT, related_name="tightenings"
    )
    baseline = models.ForeignKey(
        Baseline,
        verbose_name=_("baseline published"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tightenings",
    )
    scope = models.JSONField(_("scope"), default=dict, help_text=_('e.g. {"category": "analytics"}'))
    reason = models.TextField(_("reason"), blank=True)
    due_on = models.DateField(_("due on"))
    incident = models.ForeignKey(
        "incidents.Incident",
        verbose_name=_("triggering incident"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tightenings",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.SET_NULL, null=True, blank=True
    )
    vendors_in_scope = models.PositiveIntegerField(_("vendors in scope"), null=True, blank=True)
    statuses_created = models.PositiveIntegerField(_("requirement statuses created"), default=0)
    fanned_out_at = models.DateTimeField(_("last fanned out at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("tightening")
        verbose_name_plural = _("tightenings")

    def __str__(self):
        return f"{self.requirement.code} for {self.scope or 'tier baseline'}"


class VendorRisk(Vendor):
    """The vendor as the risk desk sees it: tier, override, status moves and offboarding (a proxy for the admin)."""

    class Meta:
        proxy = True
        verbose_name = _("vendor tier and status")
        verbose_name_plural = _("vendor tiers and statuses")


class VendorCompliance(models.Model):
    """How many of one vendor's requirement statuses stand at each status, and the tier they count under.

    A summary kept current by apps.risk.compliance.compliance_refresh, which the services that write statuses or
    tiers call in the same transaction; ComplianceCount is the sum of these rows per tier, so the dashboard's
    compliance by tier reads a few rows instead of every status. Vendors without statuses have no row.
    """

    vendor = models.OneToOneField(Vendor, on_delete=models.CASCADE, primary_key=True, related_name="compliance")
    tier = models.PositiveSmallIntegerField(null=True, blank=True)
    not_met = models.PositiveIntegerField(default=0)
    in_progress = models.PositiveIntegerField(default=0)
    met = models.PositiveIntegerField(default=0)
    exception = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"compliance of vendor {self.vendor_id}"


class ComplianceCount(models.Model):
    """Requirement statuses at one status among the vendors of one tier (0: vendors without a tier yet)."""

    tier = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=12, choices=RequirementStatus.choices)
    statuses = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tier", "status"], name="compliance_count_one_per_pair")]

    def __str__(self):
        return f"tier {self.tier}, {self.status}: {self.statuses}"
