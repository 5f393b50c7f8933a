"""Named choices of the risk app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RequirementStatus(models.TextChoices):
    NOT_MET = "not_met", _("Not met")
    IN_PROGRESS = "in_progress", _("In progress")
    MET = "met", _("Met")
    EXCEPTION = "exception", _("Exception")


class TierChangeCause(models.TextChoices):
    COMPUTED = "computed", _("Computed")
    OVERRIDE = "override", _("Manual override")
    OVERRIDE_CLEARED = "override_cleared", _("Override cleared")
