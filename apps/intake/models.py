"""Intake: procurement's request for a vendor, which on submit becomes the register's data map and a review."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from apps.core.models import TimeStampedModel
from apps.datamap.choices import Mechanism
from apps.vendors.choices import Criticality, Tier, VendorCategory

from .choices import IntakeStatus, VendorChoice


class IntakeRequest(TimeStampedModel):
    """A buyer's answers about a vendor they want to use. Workflow fields move only through apps.intake.services.

    While a draft every answer may be missing; `apps.intake.forms` says which are required to submit.
    """

    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="intake_requests",
        editable=False,
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=IntakeStatus.choices,
        default=IntakeStatus.DRAFT,
        editable=False,
        db_index=True,
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True, editable=False)

    # The vendor: one already in the register, or a new one described here.
    vendor_choice = models.CharField(_("vendor"), max_length=10, choices=VendorChoice.choices, default=VendorChoice.NEW)
    existing_vendor = models.ForeignKey(
        "vendors.Vendor",
        verbose_name=_("existing vendor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    vendor_name = models.CharField(_("vendor name"), max_length=200, blank=True)
    vendor_website = models.URLField(_("vendor website"), blank=True)
    vendor_country = models.CharField(_("vendor country"), max_length=2, blank=True, help_text=_("ISO 3166-1 alpha-2."))
    vendor_category = models.CharField(_("kind of vendor"), max_length=30, choices=VendorCategory.choices, blank=True)

    # The service and how it touches our systems.
    service_name = models.CharField(_("service name"), max_length=200, blank=True)
    service_description = models.TextField(_("what the service does"), blank=True)
    business_owner = models.CharField(_("business owner"), max_length=200, blank=True)
    business_criticality = models.CharField(
        _("business criticality"), max_length=10, choices=Criticality.choices, default=Criticality.MEDIUM
    )
    systems = models.ManyToManyField(
        "datamap.System", verbose_name=_("systems it will touch"), blank=True, related_name="+"
    )
    mechanism = models.CharField(_("how it integrates"), max_length=20, choices=Mechanism.choices, blank=True)

    # The data it will receive.
    categories = models.ManyToManyField(
        "datamap.DataCategory", verbose_name=_("data categories"), blank=True, related_name="+"
    )
    no_data = models.BooleanField(_("receives none of our data"), default=False)
    data_subjects = models.CharField(_("whose data"), max_length=300, blank=True)
    estimated_records = models.PositiveBigIntegerField(_("estimated records"), null=True, blank=True)
    production_access = models.BooleanField(_("access to production"), default=False)
    handles_secrets = models.BooleanField(_("handles secrets"), default=False)

    # The contract and what it replaces.
    contract_value = models.DecimalField(
        _("estimated annual contract value"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    contract_starts_on = models.DateField(_("contract start"), null=True, blank=True)
    replaces_vendor = models.ForeignKey(
        "vendors.Vendor",
        verbose_name=_("replaces vendor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # "Send our standard security questionnaire to the vendor" at submit (apps.questionnaires).
    send_questionnaire = models.BooleanField(_("send the standard security questionnaire"), default=False)
    questionnaire_contact_name = models.CharField(_("vendor contact's name"), max_length=200, blank=True)
    questionnaire_contact_email = models.EmailField(_("vendor contact's email"), blank=True)

    # What the submit created; set only by apps.intake.services.intake_submit.
    vendor = models.ForeignKey(
        "vendors.Vendor",
        verbose_name=_("vendor in the register"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="intake_requests",
        editable=False,
    )
    service = models.ForeignKey(
        "vendors.VendorService",
        verbose_name=_("vendor service"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="intake_requests",
        editable=False,
    )
    review = models.ForeignKey(
        "reviews.Review",
        verbose_name=_("intake review"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="intake_requests",
        editable=False,
    )
    tier = models.PositiveSmallIntegerField(
        _("tier at submit"), choices=Tier.choices, null=True, blank=True, editable=False
    )
    # The blank form carries a random token: a second POST of the same new form (a double click, a resent
    # request) finds the request the first one created instead of creating another.
    form_token = models.UUIDField(_("form token"), null=True, blank=True, editable=False)

    history = HistoricalRecords(m2m_fields=[systems, categories])

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("intake request")
        verbose_name_plural = _("intake requests")
        constraints = [
            models.CheckConstraint(
                condition=Q(status=IntakeStatus.DRAFT) | Q(submitted_at__isnull=False, vendor__isnull=False),
                name="intakerequest_submitted_has_vendor",
                violation_error_message=_("A submitted request records when it was submitted and its vendor."),
            ),
            models.UniqueConstraint(
                fields=["requester", "form_token"],
                name="intakerequest_one_per_form_token",
                violation_error_message=_("This form was already saved."),
            ),
        ]

    def __str__(self):
        return f"{self.vendor_label or _('Untitled request')} ({self.get_status_display()})"

    @property
    def vendor_label(self):
        if self.vendor_choice == VendorChoice.EXISTING and self.existing_vendor_id:
            return self.existing_vendor.display_name
        return self.vendor_name

    @property
    def is_editable(self):
        return self.status == IntakeStatus.DRAFT
