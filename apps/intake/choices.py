"""Named choices of the intake app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class IntakeStatus(models.TextChoices):
    """A request is the buyer's to edit while a draft; once submitted it belongs to the review."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")


class VendorChoice(models.TextChoices):
    EXISTING = "existing", _("A vendor already in the register")
    NEW = "new", _("A new vendor")
