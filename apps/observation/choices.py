"""Named choices of the observed data map."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Source(models.TextChoices):
    CRAWL = "crawl", _("Crawl of our pages")
    CSP_REPORT = "csp_report", _("CSP violation report")


class CrawlStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    COMPLETED = "completed", _("Completed")
    BUDGET_EXHAUSTED = "budget_exhausted", _("Stopped at its budget")
    FAILED = "failed", _("Failed")


class FindingKind(models.TextChoices):
    UNDECLARED_VENDOR = "undeclared_vendor", _("Undeclared vendor")
    UNDECLARED_FLOW = "undeclared_flow", _("Undeclared flow")
    UNDECLARED_CATEGORY = "undeclared_category", _("Undeclared category")
    STALE_FLOW = "stale_flow", _("Stale flow")


class FindingSeverity(models.IntegerChoices):
    """The same scale as data-category sensitivity, so a category's sensitivity is a finding's severity."""

    LOW = 1, _("Low")
    MEDIUM = 2, _("Medium")
    HIGH = 3, _("High")
    CRITICAL = 4, _("Critical")


class FindingStatus(models.TextChoices):
    OPEN = "open", _("Open")
    RESOLVED = "resolved", _("Resolved in the register")
    DISMISSED = "dismissed", _("Dismissed")
