"""The data map: what data we have (categories), where it lives (systems) and where it goes (flows)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from apps.core.models import CodeNaturalKeyManager, SlugNaturalKeyManager, TimeStampedModel

from .choices import Mechanism, Sensitivity, Sharing


class DataCategory(TimeStampedModel):
    """A node of the data-category catalogue, modelled on the W3C Data Privacy Vocabulary (dpv-pd).

    `path` holds the codes from the root down ("contact/email-address/"), so a subtree is one
    indexed prefix query instead of a recursive walk.
    """

    code = models.SlugField(_("code"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    path = models.CharField(_("path"), max_length=500, editable=False, db_index=True)
    sensitivity = models.PositiveSmallIntegerField(_("sensitivity"), choices=Sensitivity.choices, db_index=True)
    is_personal_data = models.BooleanField(_("personal data"), default=True)
    is_special_category = models.BooleanField(_("GDPR Art. 9 special category"), default=False)
    is_secret = models.BooleanField(_("authentication secret"), default=False)
    dpv_term = models.CharField(
        _("DPV term"),
        max_length=100,
        blank=True,
        help_text=_("A DPV-PD 2.1 term, e.g. pd:EmailAddress (see fixtures/reference/dpv-pd-2.1.csv)."),
    )

    objects = CodeNaturalKeyManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["path"]
        verbose_name = _("data category")
        verbose_name_plural = _("data categories")

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.code,)

    def clean(self):
        # The full ancestor walk needs queries, so it lives in apps.datamap.services.category_write.
        if self.pk is not None and self.parent_id == self.pk:
            raise ValidationError({"parent": _("A category cannot be its own ancestor.")})

    def save(self, *args, **kwargs):
        self.path = f"{self.parent.path if self.parent_id else ''}{self.code}/"
        super().save(*args, **kwargs)


class System(TimeStampedModel):
    """One of our own products or systems, e.g. the API console front end at platform.openai.com."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_systems",
    )
    url = models.CharField(_("URL or domain"), max_length=300, blank=True)

    objects = SlugNaturalKeyManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("system")
        verbose_name_plural = _("systems")

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)


class DataFlow(TimeStampedModel):
    """Data leaving one of our systems for a vendor's service, and how it leaves."""

    code = models.SlugField(_("code"), max_length=120, unique=True)
    system = models.ForeignKey(System, verbose_name=_("system"), on_delete=models.PROTECT, related_name="flows")
    service = models.ForeignKey(
        "vendors.VendorService", verbose_name=_("vendor service"), on_delete=models.PROTECT, related_name="flows"
    )
    # Denormalised from service.vendor: every blast-radius query filters on it, and a join less matters there.
    vendor = models.ForeignKey(
        "vendors.Vendor", verbose_name=_("vendor"), on_delete=models.PROTECT, related_name="flows", editable=False
    )
    mechanism = models.CharField(_("mechanism"), max_length=20, choices=Mechanism.choices, db_index=True)
    purpose = models.TextField(_("purpose"), blank=True)
    data_subjects = models.JSONField(
        _("data subjects"), default=list, blank=True, help_text=_("e.g. API users, organisations, employees")
    )
    processing_countries = models.JSONField(_("processing countries"), default=list, blank=True)
    storage_countries = models.JSONField(_("storage countries"), default=list, blank=True)
    estimated_records = models.PositiveBigIntegerField(_("estimated records"), null=True, blank=True)
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True, db_index=True)
    categories = models.ManyToManyField(
        DataCategory, through="DataFlowCategory", verbose_name=_("data categories"), related_name="flows"
    )

    objects = CodeNaturalKeyManager()
    history = HistoricalRecords()

    class Meta:
        # The unique code's index serves ORDER BY ... LIMIT; sorting by system name first made PostgreSQL sort
        # every matching flow of a big filter before it could return the first page.
        ordering = ["code"]
        verbose_name = _("data flow")
        verbose_name_plural = _("data flows")
        indexes = [models.Index(fields=["vendor", "mechanism"], name="dataflow_vendor_mechanism")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(starts_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="dataflow_ends_after_start",
                violation_error_message=_("A flow cannot end before it starts."),
            ),
        ]

    def __str__(self):
        return f"{self.system} → {self.service}"

    def natural_key(self):
        return (self.code,)

    def clean(self):
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("A flow cannot end before it starts.")})

    def save(self, *args, **kwargs):
        if self.service_id:
            self.vendor_id = self.service.vendor_id
        super().save(*args, **kwargs)


class DataFlowCategoryManager(models.Manager):
    def get_by_natural_key(self, flow_code, category_code):
        return self.get(flow__code=flow_code, category__code=category_code)


class DataFlowCategory(models.Model):
    """Whether one flow carries one category: shared, or explicitly not shared (a negative assurance)."""

    flow = models.ForeignKey(DataFlow, verbose_name=_("flow"), on_delete=models.CASCADE, related_name="flow_categories")
    category = models.ForeignKey(
        DataCategory, verbose_name=_("category"), on_delete=models.PROTECT, related_name="flow_categories"
    )
    sharing = models.CharField(_("sharing"), max_length=12, choices=Sharing.choices, default=Sharing.SHARED)
    note = models.CharField(_("note"), max_length=300, blank=True, help_text=_('e.g. "per vendor notice"'))

    objects = DataFlowCategoryManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["flow", "category__path"]
        verbose_name = _("flow category")
        verbose_name_plural = _("flow categories")
        indexes = [models.Index(fields=["category", "sharing"], name="flowcat_category_sharing")]
        constraints = [
            # One row per (flow, category) makes "shared and not shared at once" impossible in the database.
            models.UniqueConstraint(
                fields=["flow", "category"],
                name="flowcategory_one_answer_per_category",
                violation_error_message=_("A category is either shared or not shared on a flow, not both."),
            )
        ]

    def __str__(self):
        return f"{self.flow}: {self.category} ({self.get_sharing_display()})"

    def natural_key(self):
        return (self.flow.code, self.category.code)

    natural_key.dependencies = ["datamap.dataflow", "datamap.datacategory"]
