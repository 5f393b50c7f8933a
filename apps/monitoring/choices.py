"""Named choices of the monitoring app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CategorySource(models.TextChoices):
    """Where we learnt that a category passes from a vendor down to its subprocessor."""

    DECLARATION = "declaration", _("Vendor's declaration (DPA, subprocessor list)")
    QUESTIONNAIRE = "questionnaire", _("Questionnaire answer")


class SignalStatus(models.TextChoices):
    OPEN = "open", _("Open: to triage")
    CONFIRMED = "confirmed", _("Confirmed: incident opened")
    DISMISSED = "dismissed", _("Dismissed")


class MatchKind(models.TextChoices):
    DOMAIN = "domain", _("Exact domain")
    NAME = "name", _("Name, with a score")


class ConcentrationDimension(models.TextChoices):
    SUBPROCESSOR = "subprocessor", _("Share of tier 1–N vendors on one subprocessor")
    COUNTRY = "country", _("Share of tier 1–N vendors whose subprocessors run in one country")
    CRITICAL_FLOWS = "critical_flows", _("Share of critical flows whose vendor relies on one subprocessor")


class ConcentrationFindingStatus(models.TextChoices):
    OPEN = "open", _("Open")
    RESOLVED = "resolved", _("Resolved: back under the threshold")
