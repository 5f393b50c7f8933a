"""Question banks (versioned), questionnaires sent to a vendor contact, the vendor's answers and files, and the
links that open the portal. Business rules live in services.py; `clean()` checks a row on its own."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from apps.core.models import TimeStampedModel
from apps.vendors.evidence import validate_evidence_file

from .choices import AnswerReview, AnswerType, QuestionnaireState, ReminderKind


class QuestionBank(TimeStampedModel):
    """One version of a set of questions. A sent questionnaire keeps pointing at the version it was sent with."""

    slug = models.SlugField(_("slug"), max_length=80)
    version = models.PositiveIntegerField(_("version"), default=1)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True, help_text=_("e.g. our own, CAIQ v4 import"))
    is_current = models.BooleanField(_("current"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["slug", "-version"]
        verbose_name = _("question bank")
        verbose_name_plural = _("question banks")
        constraints = [models.UniqueConstraint(fields=["slug", "version"], name="questionbank_slug_version_unique")]

    def __str__(self):
        return f"{self.name} (v{self.version})"


class Section(models.Model):
    bank = models.ForeignKey(QuestionBank, verbose_name=_("bank"), on_delete=models.CASCADE, related_name="sections")
    code = models.CharField(_("code"), max_length=40)
    title = models.CharField(_("title"), max_length=300)
    translations = models.JSONField(_("translations"), default=dict, blank=True, help_text=_('{"fr": "Titre"}'))
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["bank", "position", "id"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        constraints = [models.UniqueConstraint(fields=["bank", "code"], name="section_bank_code_unique")]

    def __str__(self):
        return f"{self.code} {self.title}"

    def title_in(self, language=None):
        return self.translations.get((language or get_language() or "en")[:2]) or self.title


class Question(models.Model):
    section = models.ForeignKey(Section, verbose_name=_("section"), on_delete=models.CASCADE, related_name="questions")
    code = models.CharField(_("code"), max_length=40)
    text = models.TextField(_("question"))
    help_text = models.TextField(_("help text"), blank=True)
    # {"fr": {"text": "...", "help_text": "..."}, "es": {...}}: English is the text itself.
    translations = models.JSONField(_("translations"), default=dict, blank=True)
    answer_type = models.CharField(_("answer type"), max_length=20, choices=AnswerType.choices)
    # Choice questions: [{"value": "daily", "label": "Daily", "score": 1.0}, ...]; score 0..1 is declared scoring.
    choices = models.JSONField(_("choices"), default=list, blank=True)
    evidence_expected = models.BooleanField(_("evidence expected"), default=False)
    weight = models.PositiveSmallIntegerField(_("weight"), default=1, help_text=_("Points in the section's score."))
    # Applies to vendors of this tier and more critical ones (1 is critical): 4 asks every vendor (the short set).
    applies_up_to_tier = models.PositiveSmallIntegerField(_("applies up to tier"), default=4)
    requirements = models.ManyToManyField(
        "risk.SecurityRequirement", verbose_name=_("requirements"), related_name="questions", blank=True
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["section__position", "position", "id"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        constraints = [models.UniqueConstraint(fields=["section", "code"], name="question_section_code_unique")]

    def __str__(self):
        return f"{self.code}: {self.text[:60]}"

    def _translated(self, field, language):
        language = (language or get_language() or "en")[:2]
        return (self.translations.get(language) or {}).get(field) or getattr(self, field)

    def text_in(self, language=None):
        return self._translated("text", language)

    def help_text_in(self, language=None):
        return self._translated("help_text", language)


class Questionnaire(TimeStampedModel):
    """A bank sent to one of a vendor's contacts, with a due date."""

    vendor = models.ForeignKey(
        "vendors.Vendor", verbose_name=_("vendor"), on_delete=models.PROTECT, related_name="questionnaires"
    )
    bank = models.ForeignKey(QuestionBank, verbose_name=_("bank"), on_delete=models.PROTECT, related_name="+")
    contact = models.ForeignKey(
        "vendors.Contact", verbose_name=_("contact"), on_delete=models.PROTECT, related_name="questionnaires"
    )
    # The tier the applicable questions were chosen for, kept so a later tier change does not reshape the form.
    tier = models.PositiveSmallIntegerField(_("tier"), null=True, blank=True)
    questions = models.ManyToManyField(Question, verbose_name=_("questions"), related_name="+")
    state = models.CharField(
        _("state"), max_length=20, choices=QuestionnaireState.choices, default=QuestionnaireState.DRAFT, db_index=True
    )
    due_on = models.DateField(_("due on"))
    code_required = models.BooleanField(
        _("one-time code required"), default=True, help_text=_("Email a code before the answers are shown.")
    )
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("sent by"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")

    def __str__(self):
        # Safe on an unsaved row too (the admin names the new object before the service's copy replaces it).
        return f"Questionnaire #{self.pk} for {self.vendor}" if self.vendor_id else f"Questionnaire #{self.pk}"


class QuestionnaireTransition(models.Model):
    """One move of a questionnaire's state. Append-only. `actor` is empty for the vendor's moves (by link)."""

    questionnaire = models.ForeignKey(
        Questionnaire, verbose_name=_("questionnaire"), on_delete=models.CASCADE, related_name="transitions"
    )
    from_state = models.CharField(_("from"), max_length=20, choices=QuestionnaireState.choices)
    to_state = models.CharField(_("to"), max_length=20, choices=QuestionnaireState.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, null=True, blank=True
    )
    by_email = models.EmailField(_("by (vendor contact)"), blank=True)
    note = models.TextField(_("note"), blank=True)
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["questionnaire", "at", "id"]
        verbose_name = _("questionnaire transition")
        verbose_name_plural = _("questionnaire transitions")

    def __str__(self):
        return f"{self.questionnaire_id}: {self.from_state} → {self.to_state}"


class Answer(TimeStampedModel):
    questionnaire = models.ForeignKey(
        Questionnaire, verbose_name=_("questionnaire"), on_delete=models.CASCADE, related_name="answers"
    )
    question = models.ForeignKey(Question, verbose_name=_("question"), on_delete=models.PROTECT, related_name="+")
    # yes/no/na, a choice, text, a number or an ISO date as a string; a list of values for multiple choice.
    value = models.JSONField(_("answer"), null=True, blank=True)
    comment = models.TextField(_("vendor's comment"), blank=True)
    answered_by = models.EmailField(_("answered by"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    review = models.CharField(
        _("review"), max_length=12, choices=AnswerReview.choices, default=AnswerReview.PENDING, db_index=True
    )
    review_comment = models.TextField(_("reviewer's comment"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reviewed by"), on_delete=models.PROTECT, null=True, blank=True
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    # Whether the reviewer's decision has been applied to the vendor's requirement statuses.
    applied_at = models.DateTimeField(_("applied to requirements at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["questionnaire", "question__section__position", "question__position", "id"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "question"], name="answer_questionnaire_question_unique")
        ]

    def __str__(self):
        return f"{self.question.code}: {self.value!r}"

    @property
    def is_answered(self):
        return self.value not in (None, "", [])


def portal_upload_to(instance, filename):
    return f"questionnaires/{instance.answer.questionnaire_id}/{timezone.now():%Y%m%d%H%M%S}-{filename}"


class AnswerFile(models.Model):
    """A file the vendor attached to an answer; it becomes a vendor document when the reviewer applies it."""

    answer = models.ForeignKey(Answer, verbose_name=_("answer"), on_delete=models.CASCADE, related_name="files")
    file = models.FileField(_("file"), upload_to=portal_upload_to, validators=[validate_evidence_file])
    name = models.CharField(_("name"), max_length=200)
    uploaded_by = models.EmailField(_("uploaded by"), blank=True)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    document = models.ForeignKey(
        "vendors.Document",
        verbose_name=_("document"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["answer", "id"]
        verbose_name = _("answer file")
        verbose_name_plural = _("answer files")

    def __str__(self):
        return self.name


class PortalLink(models.Model):
    """A link to the portal: its token is kept only as a SHA-256 digest. A delegate's link covers some sections."""

    questionnaire = models.ForeignKey(
        Questionnaire, verbose_name=_("questionnaire"), on_delete=models.CASCADE, related_name="links"
    )
    email = models.EmailField(_("sent to"))
    token_digest = models.CharField(_("token digest"), max_length=64, unique=True, editable=False)
    sections = models.ManyToManyField(Section, verbose_name=_("sections"), blank=True, related_name="+")
    is_delegate = models.BooleanField(_("delegate"), default=False)
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    code_digest = models.CharField(_("one-time code digest"), max_length=64, blank=True, editable=False)
    code_expires_at = models.DateTimeField(_("code expires at"), null=True, blank=True)
    code_attempts = models.PositiveSmallIntegerField(_("code attempts"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        ordering = ["questionnaire", "-created_at"]
        verbose_name = _("portal link")
        verbose_name_plural = _("portal links")

    def __str__(self):
        return f"{self.email} ({self.questionnaire_id})"

    def is_usable(self, now=None):
        return self.revoked_at is None and self.expires_at > (now or timezone.now())


class Reminder(models.Model):
    """A reminder sent, one per questionnaire, kind and due date: the row is what makes a second run send nothing."""

    questionnaire = models.ForeignKey(
        Questionnaire, verbose_name=_("questionnaire"), on_delete=models.CASCADE, related_name="reminders"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=ReminderKind.choices)
    due_on = models.DateField(_("due date reminded"))
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        ordering = ["questionnaire", "sent_at"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "kind", "due_on"], name="reminder_once_per_due_date")
        ]

    def __str__(self):
        return f"{self.kind} {self.questionnaire_id} {self.due_on}"
