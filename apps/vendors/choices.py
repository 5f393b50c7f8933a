"""Named choices of the vendors app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class VendorStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ONBOARDING = "onboarding", _("Onboarding")
    ACTIVE = "active", _("Active")
    UNDER_REVIEW = "under_review", _("Under review")
    OFFBOARDING = "offboarding", _("Offboarding")
    TERMINATED = "terminated", _("Terminated")


class VendorCategory(models.TextChoices):
    ANALYTICS = "analytics", _("Analytics")
    CRM = "crm", _("CRM")
    HOSTING = "hosting", _("Hosting and infrastructure")
    SUPPORT = "support", _("Customer support")
    MARKETING = "marketing", _("Marketing")
    PAYMENTS = "payments", _("Payments")
    COMMUNICATIONS = "communications", _("Communications")
    SECURITY = "security", _("Security")
    HR = "hr", _("HR and payroll")
    DEVELOPER_TOOLS = "developer_tools", _("Developer tools")
    OTHER = "other", _("Other")


class Tier(models.IntegerChoices):
    """Inherent risk tier: 1 is the most critical."""

    CRITICAL = 1, _("Tier 1 — critical")
    HIGH = 2, _("Tier 2 — high")
    MEDIUM = 3, _("Tier 3 — medium")
    LOW = 4, _("Tier 4 — low")


class Criticality(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


class DocumentKind(models.TextChoices):
    SOC2_TYPE2 = "soc2_type2", _("SOC 2 Type II report")
    SOC2_TYPE1 = "soc2_type1", _("SOC 2 Type I report")
    ISO27001 = "iso27001", _("ISO/IEC 27001 certificate")
    DPA = "dpa", _("Data processing agreement")
    PENTEST = "pentest", _("Penetration test letter")
    DELETION_CERTIFICATE = "deletion_certificate", _("Deletion certificate")
    QUESTIONNAIRE = "questionnaire", _("Security questionnaire")
    INSURANCE = "insurance", _("Cyber insurance certificate")
    OTHER = "other", _("Other")
