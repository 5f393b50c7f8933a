"""Named choices of the data map."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Sensitivity(models.IntegerChoices):
    """Ordered so that filters such as `min_sensitivity` compare numbers."""

    LOW = 1, _("Low")
    MEDIUM = 2, _("Medium")
    HIGH = 3, _("High")
    CRITICAL = 4, _("Critical")


class Mechanism(models.TextChoices):
    CLIENT_SIDE_SDK = "client_side_sdk", _("Script or SDK in our pages")
    SERVER_API = "server_api", _("Server-to-server API")
    FILE_TRANSFER = "file_transfer", _("File transfer")
    STAFF_ACCESS = "staff_access", _("Vendor staff access")
    OTHER = "other", _("Other")


class Sharing(models.TextChoices):
    """Whether a flow carries a category. An explicit 'not shared' is a fact, not an absence."""

    SHARED = "shared", _("Shared")
    NOT_SHARED = "not_shared", _("Explicitly not shared")
