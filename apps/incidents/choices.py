"""Named choices of the incidents app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Severity(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


class IncidentStatus(models.TextChoices):
    REPORTED = "reported", _("Reported")
    INVESTIGATING = "investigating", _("Investigating")
    CONTAINED = "contained", _("Contained")
    CLOSED = "closed", _("Closed")


class ExposureStatus(models.TextChoices):
    EXPOSED = "exposed", _("Exposed")
    NOT_EXPOSED = "not_exposed", _("Not exposed")
    SUSPECTED = "suspected", _("Suspected")
    UNKNOWN = "unknown", _("Unknown")


class SourceKind(models.TextChoices):
    OFFICIAL_NOTICE = "official_notice", _("Official notice")
    VENDOR_STATEMENT = "vendor_statement", _("Vendor statement")
    REGULATOR = "regulator", _("Regulator")
    SECONDARY = "secondary", _("Secondary explainer")
    PRESS = "press", _("Press")
    OTHER = "other", _("Other")


class Reliability(models.IntegerChoices):
    """Ordered: the most reliable source wins a contradiction."""

    LOW = 1, _("Low")
    MEDIUM = 2, _("Medium")
    HIGH = 3, _("High")


class ClaimKind(models.TextChoices):
    EXPOSURE = "exposure", _("Exposure of a data category")
    DATE = "date", _("Date of an event")
    ATTACKER = "attacker", _("Attacker")
    RECOMMENDATION = "recommendation", _("Recommended action")
    OTHER = "other", _("Other")


class ActionKind(models.TextChoices):
    REMOVE_FROM_PRODUCTION = "remove_from_production", _("Remove vendor from production")
    REVOKE_ACCESS = "revoke_access", _("Revoke access")
    NOTIFY_USERS = "notify_users", _("Notify affected users")
    NOTIFY_REGULATOR = "notify_regulator", _("Notify regulator")
    ROTATE_CREDENTIALS = "rotate_credentials", _("Rotate credentials")
    EXPAND_VENDOR_REVIEWS = "expand_vendor_reviews", _("Expand vendor reviews")
    OTHER = "other", _("Other")


class TimelineEventKind(models.TextChoices):
    DETECTED = "detected", _("Vendor detected the breach")
    VENDOR_NOTIFIED_US = "vendor_notified_us", _("Vendor told us")
    DATASET_RECEIVED = "dataset_received", _("We received the affected data set")
    PUBLIC_DISCLOSURE = "public_disclosure", _("Public disclosure")
    ACTION = "action", _("Response action")
    CORRECTION = "correction", _("Correction")
    OTHER = "other", _("Other")


class TimePrecision(models.TextChoices):
    """How precise a source is about when an event happened."""

    HOUR = "hour", _("Hour")
    DAY = "day", _("Day")
    UNKNOWN = "unknown", _("Unknown (no date given)")


class OurRole(models.TextChoices):
    """Our GDPR role for the personal data the incident touched: it decides which breach clocks run."""

    CONTROLLER = "controller", _("Controller")
    PROCESSOR = "processor", _("Processor")


class RiskToIndividuals(models.TextChoices):
    """The assessment GDPR Art. 33(1) and 34(1) turn on: no risk, a risk, or a high risk to people's rights."""

    UNASSESSED = "unassessed", _("Not yet assessed")
    UNLIKELY = "unlikely", _("Unlikely to result in a risk")
    RISK = "risk", _("A risk")
    HIGH = "high", _("A high risk")
