"""Vendors: the companies we hand data to, what they do for us, and the paper that binds them."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from apps.core.models import SlugNaturalKeyManager, TimeStampedModel

from .choices import Criticality, DocumentKind, Tier, VendorCategory, VendorStatus
from .evidence import validate_evidence_file


class Vendor(TimeStampedModel):
    """A third party that receives our data or runs code in our systems."""

    slug = models.SlugField(
        _("slug"),
        max_length=80,
        unique=True,
        error_messages={"unique": _("A vendor with this slug already exists; pick another slug or edit that vendor.")},
    )
    legal_name = models.CharField(_("legal name"), max_length=200)
    display_name = models.CharField(_("display name"), max_length=200)
    website = models.URLField(_("website"), blank=True)
    domains = models.JSONField(_("domains"), default=list, blank=True, help_text=_("Domains the vendor serves from."))
    hq_country = models.CharField(_("HQ country"), max_length=2, blank=True, help_text=_("ISO 3166-1 alpha-2."))
    category = models.CharField(_("category"), max_length=30, choices=VendorCategory.choices, db_index=True)
    status = models.CharField(
        _("status"), max_length=20, choices=VendorStatus.choices, default=VendorStatus.PROPOSED, db_index=True
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("internal owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_vendors",
    )
    description = models.TextField(_("description"), blank=True)
    # The effective tier is the override when there is one, else the computed one (apps.risk.tiering).
    computed_tier = models.PositiveSmallIntegerField(_("computed tier"), choices=Tier.choices, null=True, blank=True)
    tier_override = models.PositiveSmallIntegerField(_("tier override"), choices=Tier.choices, null=True, blank=True)
    tier_override_reason = models.TextField(_("tier override reason"), blank=True)
    tier = models.PositiveSmallIntegerField(_("tier"), choices=Tier.choices, null=True, blank=True, db_index=True)

    objects = SlugNaturalKeyManager()
    history = HistoricalRecords()

    class Meta:
        # The id breaks ties between equal names, so pages never overlap; the index serves this ORDER BY ... LIMIT.
        ordering = ["display_name", "id"]
        verbose_name = _("vendor")
        verbose_name_plural = _("vendors")
        indexes = [models.Index(fields=["display_name", "id"], name="vendor_display_name_id")]
        constraints = [
            models.CheckConstraint(
                condition=Q(tier_override__isnull=True) | ~Q(tier_override_reason=""),
                name="vendor_tier_override_needs_reason",
                violation_error_message=_("A tier override needs a reason."),
            ),
        ]

    def __str__(self):
        return self.display_name

    def natural_key(self):
        return (self.slug,)

    def clean(self):
        if self.tier_override is not None and not self.tier_override_reason.strip():
            raise ValidationError({"tier_override_reason": _("A tier override needs a reason.")})


class VendorServiceManager(models.Manager):
    def get_by_natural_key(self, vendor_slug, slug):
        return self.get(vendor__slug=vendor_slug, slug=slug)


class VendorService(TimeStampedModel):
    """One thing a vendor does for us (web analytics, ticketing…)."""

    vendor = models.ForeignKey(Vendor, verbose_name=_("vendor"), on_delete=models.PROTECT, related_name="services")
    slug = models.SlugField(_("slug"), max_length=80)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("what it does for us"), blank=True)
    business_criticality = models.CharField(
        _("business criticality"), max_length=10, choices=Criticality.choices, default=Criticality.MEDIUM
    )
    production_access = models.BooleanField(
        _("access to production"), default=False, help_text=_("Vendor staff or code can reach our production systems.")
    )
    handles_secrets = models.BooleanField(
        _("handles secrets"), default=False, help_text=_("The service stores or sees credentials or keys of ours.")
    )

    objects = VendorServiceManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["vendor__display_name", "name"]
        verbose_name = _("vendor service")
        verbose_name_plural = _("vendor services")
        constraints = [
            models.UniqueConstraint(
                fields=["vendor", "slug"],
                name="vendorservice_unique_slug_per_vendor",
                violation_error_message=_("This vendor already has a service with this slug."),
            )
        ]

    def __str__(self):
        return f"{self.vendor} — {self.name}"

    def natural_key(self):
        return (self.vendor.slug, self.slug)

    natural_key.dependencies = ["vendors.vendor"]


class ContractManager(models.Manager):
    def get_by_natural_key(self, vendor_slug, reference):
        return self.get(vendor__slug=vendor_slug, reference=reference)


class Contract(TimeStampedModel):
    """The terms that matter for risk: DPA, breach-notification clause, audit rights, notices."""

    vendor = models.ForeignKey(Vendor, verbose_name=_("vendor"), on_delete=models.PROTECT, related_name="contracts")
    reference = models.SlugField(_("reference"), max_length=80)
    description = models.TextField(_("description"), blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    dpa_signed_on = models.DateField(_("DPA signed on"), null=True, blank=True)
    breach_notification_hours = models.PositiveIntegerField(
        _("breach notification clause (hours)"),
        null=True,
        blank=True,
        help_text=_("Hours the vendor has to tell us of a breach; empty when the contract is silent."),
    )
    audit_rights = models.BooleanField(_("audit rights"), default=False)
    subprocessor_change_notice_days = models.PositiveIntegerField(
        _("subprocessor change notice (days)"), null=True, blank=True
    )
    termination_notice_days = models.PositiveIntegerField(_("termination notice (days)"), null=True, blank=True)
    annual_value = models.DecimalField(_("annual value"), max_digits=14, decimal_places=2, null=True, blank=True)

    objects = ContractManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["vendor__display_name", "-starts_on"]
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        # The changelist's date hierarchy asks MIN and MAX of starts_on on every page view: read from the index's
        # two ends instead of every contract.
        indexes = [models.Index(fields=["starts_on"], name="contract_starts_on")]
        constraints = [
            models.UniqueConstraint(
                fields=["vendor", "reference"],
                name="contract_unique_reference_per_vendor",
                violation_error_message=_("This vendor already has a contract with this reference."),
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="contract_ends_after_start",
                violation_error_message=_("A contract cannot end before it starts."),
            ),
        ]

    def __str__(self):
        return f"{self.vendor} — {self.reference}"

    def natural_key(self):
        return (self.vendor.slug, self.reference)

    natural_key.dependencies = ["vendors.vendor"]

    def clean(self):
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("A contract cannot end before it starts.")})


def evidence_upload_to(instance, filename):
    # The vendor slug keeps files findable; the storage adds a suffix when a name is taken.
    return f"evidence/{instance.vendor.slug}/{filename}"


class Document(TimeStampedModel):
    """Evidence: a SOC 2 report, a certificate, a signed DPA, a deletion certificate…"""

    vendor = models.ForeignKey(Vendor, verbose_name=_("vendor"), on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(_("kind"), max_length=30, choices=DocumentKind.choices)
    title = models.CharField(_("title"), max_length=200)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True, db_index=True)
    file = models.FileField(_("file"), upload_to=evidence_upload_to, blank=True, validators=[validate_evidence_file])
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="verified_documents",
    )
    verified_on = models.DateField(_("verified on"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["vendor__display_name", "kind", "-issued_on"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(issued_on__isnull=True) | Q(expires_on__gte=F("issued_on")),
                name="document_expires_after_issue",
                violation_error_message=_("A document cannot expire before it was issued."),
            ),
        ]

    def __str__(self):
        return f"{self.vendor} — {self.title}"

    def clean(self):
        if self.expires_on and self.issued_on and self.expires_on < self.issued_on:
            raise ValidationError({"expires_on": _("A document cannot expire before it was issued.")})


class Contact(TimeStampedModel):
    """A person at the vendor: security, privacy, account management."""

    vendor = models.ForeignKey(Vendor, verbose_name=_("vendor"), on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("role"), max_length=100, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    is_security_contact = models.BooleanField(_("security contact"), default=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["vendor__display_name", "name"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self):
        return f"{self.name} ({self.vendor})"


class Subprocessor(TimeStampedModel):
    """A vendor's own vendor that touches our data: vendor → subprocessor, for a service, in a country."""

    vendor = models.ForeignKey(
        Vendor, verbose_name=_("vendor"), on_delete=models.CASCADE, related_name="subprocessor_links"
    )
    subprocessor = models.ForeignKey(
        Vendor, verbose_name=_("subprocessor"), on_delete=models.PROTECT, related_name="processor_for_links"
    )
    services = models.ManyToManyField(
        VendorService, verbose_name=_("supports services"), blank=True, related_name="subprocessor_links"
    )
    purpose = models.CharField(_("purpose"), max_length=200, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True)

    history = HistoricalRecords(m2m_fields=[services])

    class Meta:
        ordering = ["vendor__display_name", "subprocessor__display_name"]
        verbose_name = _("subprocessor")
        verbose_name_plural = _("subprocessors")
        constraints = [
            models.UniqueConstraint(
                fields=["vendor", "subprocessor"],
                name="subprocessor_unique_pair",
                violation_error_message=_("This subprocessor is already recorded for this vendor."),
            ),
            models.CheckConstraint(
                condition=~Q(vendor=F("subprocessor")),
                name="subprocessor_not_self",
                violation_error_message=_("A vendor cannot be its own subprocessor."),
            ),
        ]

    def __str__(self):
        return f"{self.vendor} → {self.subprocessor}"
