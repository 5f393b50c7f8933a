"""What the DORA register of information asks and the vendor register does not hold (CIR (EU) 2024/2956).

Kept in this app, one-to-one beside the vendor register's own rows (a vendor's identity as a provider, a
contract's arrangement details), so that the register's models stay the same for everyone who does not file.
`clean()` checks each row by itself (formats, controlled values); the package-level checks (references between
templates) are apps.exchange.dora.validate.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from apps.core.models import TimeStampedModel

from . import choices
from .codes import lei_problem


class OrganisationEntity(TimeStampedModel):
    """Our legal entity, or one of the group's entities in the register's scope (B_01.01, B_01.02)."""

    lei = models.CharField(_("LEI"), max_length=20, unique=True)
    name = models.CharField(_("legal name"), max_length=200)
    country = models.CharField(_("country"), max_length=2, help_text=_("ISO 3166-1 alpha-2."))
    entity_type = models.CharField(_("type of entity"), max_length=20, choices=choices.EntityType.choices)
    hierarchy = models.CharField(
        _("hierarchy in the group"),
        max_length=20,
        choices=choices.Hierarchy.choices,
        default=choices.Hierarchy.ULTIMATE_PARENT,
    )
    parent_lei = models.CharField(_("LEI of the direct parent"), max_length=20, blank=True)
    competent_authority = models.CharField(_("competent authority"), max_length=200, blank=True)
    currency = models.CharField(_("reporting currency"), max_length=3, default="EUR", help_text=_("ISO 4217."))
    total_assets = models.DecimalField(_("total assets"), max_digits=20, decimal_places=2, null=True, blank=True)
    integrated_on = models.DateField(_("date of integration in the register"), null=True, blank=True)
    maintains_register = models.BooleanField(
        _("maintains the register"), default=False, help_text=_("The entity that files the register (B_01.01).")
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-maintains_register", "name"]
        verbose_name = _("organisation entity")
        verbose_name_plural = _("organisation entities")
        constraints = [
            models.UniqueConstraint(
                fields=["maintains_register"],
                condition=models.Q(maintains_register=True),
                name="one_entity_maintains_the_register",
                violation_error_message=_("Only one entity maintains the register."),
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.lei})"

    def clean(self):
        errors = {}
        for field in ("lei", "parent_lei"):
            problem = getattr(self, field) and lei_problem(getattr(self, field))
            if problem:
                errors[field] = problem
        if errors:
            raise ValidationError(errors)


class ProviderIdentity(TimeStampedModel):
    """A vendor as an ICT third-party service provider: its LEI or EUID, its ultimate parent (B_05.01)."""

    vendor = models.OneToOneField(
        "vendors.Vendor", verbose_name=_("vendor"), on_delete=models.CASCADE, related_name="dora_identity"
    )
    code = models.CharField(_("identification code"), max_length=50, blank=True)
    code_type = models.CharField(
        _("type of code"), max_length=20, choices=choices.CodeType.choices, default=choices.CodeType.LEI
    )
    person_type = models.CharField(
        _("type of person"), max_length=20, choices=choices.PersonType.choices, default=choices.PersonType.LEGAL_PERSON
    )
    latin_name = models.CharField(_("name in Latin alphabet"), max_length=200, blank=True)
    ultimate_parent_code = models.CharField(_("ultimate parent's code"), max_length=50, blank=True)
    ultimate_parent_code_type = models.CharField(
        _("ultimate parent's type of code"), max_length=20, choices=choices.CodeType.choices, blank=True
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["vendor__display_name"]
        verbose_name = _("provider identity")
        verbose_name_plural = _("provider identities")

    def __str__(self):
        return f"{self.vendor} ({self.code or '—'})"

    def clean(self):
        # An empty code is kept (the RoI validation names it as missing); a wrong one is refused here.
        errors = {}
        if self.code and self.code_type == choices.CodeType.LEI and (problem := lei_problem(self.code)):
            errors["code"] = problem
        if self.ultimate_parent_code and not self.ultimate_parent_code_type:
            errors["ultimate_parent_code_type"] = _("Say whether the ultimate parent's code is an LEI or an EUID.")
        if errors:
            raise ValidationError(errors)


class IctFunction(TimeStampedModel):
    """A function of one of our entities that ICT services support, and how critical it is (B_06.01)."""

    identifier = models.SlugField(_("function identifier"), max_length=80, unique=True)
    name = models.CharField(_("function name"), max_length=200)
    entity = models.ForeignKey(
        OrganisationEntity, verbose_name=_("entity"), on_delete=models.PROTECT, related_name="functions"
    )
    licensed_activity = models.CharField(
        _("licensed activity"), max_length=20, blank=True, help_text=_("An eba_TA member, e.g. eba_TA:x163.")
    )
    criticality = models.CharField(_("critical or important"), max_length=20, choices=choices.Criticality.choices)
    criticality_reason = models.TextField(_("reasons for criticality"), blank=True)
    last_assessed_on = models.DateField(_("date of the last criticality assessment"), null=True, blank=True)
    rto_hours = models.PositiveIntegerField(_("recovery time objective (hours)"), null=True, blank=True)
    rpo_hours = models.PositiveIntegerField(_("recovery point objective (hours)"), null=True, blank=True)
    discontinuing_impact = models.CharField(
        _("impact of discontinuing"), max_length=20, choices=choices.Impact.choices, default=choices.Impact.NOT_ASSESSED
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["identifier"]
        verbose_name = _("ICT-supported function")
        verbose_name_plural = _("ICT-supported functions")

    def __str__(self):
        return f"{self.name} ({self.identifier})"

    def clean(self):
        if self.criticality == choices.Criticality.CRITICAL and not self.criticality_reason.strip():
            raise ValidationError({"criticality_reason": _("A critical or important function needs its reason.")})


class ArrangementDetails(TimeStampedModel):
    """What the RoI asks of a contract beyond its dates and clauses (B_02.01, B_02.02, B_07.01)."""

    contract = models.OneToOneField(
        "vendors.Contract", verbose_name=_("contract"), on_delete=models.CASCADE, related_name="dora_arrangement"
    )
    arrangement_type = models.CharField(
        _("type of arrangement"),
        max_length=20,
        choices=choices.ArrangementType.choices,
        default=choices.ArrangementType.STANDALONE,
    )
    overarching_reference = models.CharField(_("overarching arrangement reference"), max_length=80, blank=True)
    entity = models.ForeignKey(
        OrganisationEntity,
        verbose_name=_("entity making use of the services"),
        on_delete=models.PROTECT,
        related_name="arrangements",
    )
    ict_service_type = models.CharField(
        _("type of ICT services"), max_length=20, choices=choices.IctServiceType.choices
    )
    # Identifiers, as the templates reference them: one not in B_06.01 is a finding of the validation, not an error
    # here, so that a register being filled in can be saved and filed later.
    function_identifiers = models.JSONField(_("functions supported"), default=list, blank=True)
    currency = models.CharField(_("currency of the annual expense"), max_length=3, default="EUR")
    governing_law_country = models.CharField(_("country of the governing law"), max_length=2)
    provision_country = models.CharField(_("country of provision of the services"), max_length=2)
    provider_notice_days = models.PositiveIntegerField(_("provider's notice period (days)"), null=True, blank=True)
    data_stored = models.BooleanField(_("stores our data"), default=True)
    data_sensitiveness = models.CharField(
        _("sensitiveness of the data"), max_length=20, choices=choices.Level.choices, default=choices.Level.MEDIUM
    )
    reliance = models.CharField(_("level of reliance"), max_length=20, choices=choices.Reliance.choices)
    substitutability = models.CharField(_("substitutability"), max_length=20, choices=choices.Substitutability.choices)
    non_substitutable_reason = models.CharField(
        _("reason it is not substitutable"), max_length=20, choices=choices.NonSubstitutableReason.choices, blank=True
    )
    exit_plan = models.BooleanField(_("exit plan exists"), default=False)
    reintegration = models.CharField(
        _("possibility of reintegration"), max_length=20, choices=choices.Reintegration.choices
    )
    discontinuing_impact = models.CharField(
        _("impact of discontinuing"), max_length=20, choices=choices.Impact.choices, default=choices.Impact.NOT_ASSESSED
    )
    last_audit_on = models.DateField(_("date of the last audit"), null=True, blank=True)
    alternative_providers = models.TextField(_("alternative providers identified"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["contract__reference"]
        verbose_name = _("contractual arrangement (DORA)")
        verbose_name_plural = _("contractual arrangements (DORA)")

    def __str__(self):
        return str(self.contract)

    def clean(self):
        if self.substitutability == choices.Substitutability.NOT_SUBSTITUTABLE and not self.non_substitutable_reason:
            raise ValidationError({"non_substitutable_reason": _("Say why the service is not substitutable.")})
