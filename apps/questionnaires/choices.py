"""Named choices of the questionnaires app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AnswerType(models.TextChoices):
    YES_NO_NA = "yes_no_na", _("Yes / no / not applicable")
    SINGLE_CHOICE = "single_choice", _("Single choice")
    MULTIPLE_CHOICE = "multiple_choice", _("Multiple choice")
    TEXT = "text", _("Text")
    NUMBER = "number", _("Number")
    DATE = "date", _("Date")
    FILE = "file", _("File upload")


class QuestionnaireState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENT = "sent", _("Sent")
    IN_PROGRESS = "in_progress", _("In progress")
    SUBMITTED = "submitted", _("Submitted")
    UNDER_REVIEW = "under_review", _("Under review")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned to the vendor")
    CANCELLED = "cancelled", _("Cancelled")


class AnswerReview(models.TextChoices):
    PENDING = "pending", _("Not reviewed")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    FOLLOW_UP = "follow_up", _("Follow-up asked")


class ReminderKind(models.TextChoices):
    DUE_SOON = "due_soon", _("Due soon")
    OVERDUE = "overdue", _("Overdue")
