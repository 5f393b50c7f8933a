"""Named choices of the notifications app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EventKind(models.TextChoices):
    REVIEW_STATE_CHANGED = "review.state_changed", _("Review state changed")
    INCIDENT_RECORDED = "incident.recorded", _("Incident recorded")
    VENDOR_STATUS_CHANGED = "vendor.status_changed", _("Vendor status changed")
    INTAKE_SUBMITTED = "intake.submitted", _("Intake request submitted")
    REVIEW_OVERDUE = "review.overdue", _("Review overdue")
    REVIEW_DUE_SOON = "review.due_soon", _("Review due soon")
    EVIDENCE_EXPIRING = "evidence.expiring", _("Evidence expiring")
    EVIDENCE_EXPIRED = "evidence.expired", _("Evidence expired")
    CONTRACT_ENDING = "contract.ending", _("Contract ending")
    CONTRACT_NOTICE_DUE = "contract.notice_due", _("Contract termination notice due")
    INCIDENT_NOTIFICATION_LATE = "incident.notification_late", _("Vendor late to notify an incident")
    QUESTIONNAIRE_SENT = "questionnaire.sent", _("Questionnaire sent")
    QUESTIONNAIRE_SUBMITTED = "questionnaire.submitted", _("Questionnaire submitted")
    QUESTIONNAIRE_ACCEPTED = "questionnaire.accepted", _("Questionnaire accepted")
    SIGNAL_OPENED = "signal.opened", _("Breach-feed signal opened")
    SIGNAL_CONFIRMED = "signal.confirmed", _("Breach-feed signal confirmed")
    CONCENTRATION_THRESHOLD_EXCEEDED = "concentration.threshold_exceeded", _("Concentration threshold exceeded")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    RETRYING = "retrying", _("Retrying")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")
