"""Admin of questionnaires: sending is the add form (questionnaire_send), every move an action calling its service,
answers are reviewed in the change page's inline (answer_review / answer_follow_up). Banks are read-only here:
they come from `manage.py questionnaire_bank_install`, the import command, or POST /api/v1/question-banks/import/.
"""

from django import forms
from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from apps.core.admin import REFUSALS, ServiceAdmin, ServiceInline, refusal_text

from . import selectors, services
from .choices import AnswerReview
from .models import Answer, Question, QuestionBank, Questionnaire, QuestionnaireTransition
from .portal import answer_display


def _run_each(modeladmin, request, queryset, call, done):
    succeeded = 0
    for obj in queryset:
        try:
            call(obj)
        except REFUSALS as error:
            modeladmin.message_user(request, f"{obj}: {refusal_text(error)}", messages.ERROR)
        else:
            succeeded += 1
    if succeeded:
        modeladmin.message_user(request, f"{done}: {succeeded}.", messages.SUCCESS)


def _action(name, label, call):
    def run(modeladmin, request, queryset):
        _run_each(modeladmin, request, queryset.select_related("vendor", "contact"), lambda q: call(q, request), label)

    run.__name__ = f"questionnaire_{name}"
    run.short_description = label
    return run


def _base_url(request):
    return request.build_absolute_uri("/")


ACTIONS = [
    _action(
        "remind",
        _("Send a reminder now"),
        lambda q, r: services.questionnaire_remind(questionnaire=q, actor=r.user, base_url=_base_url(r)),
    ),
    _action(
        "resend",
        _("Resend a new link"),
        lambda q, r: services.questionnaire_resend(questionnaire=q, actor=r.user, base_url=_base_url(r)),
    ),
    _action(
        "start_review",
        _("Start review"),
        lambda q, r: services.questionnaire_start_review(questionnaire=q, actor=r.user),
    ),
    _action(
        "apply",
        _("Apply accepted answers to requirement statuses"),
        lambda q, r: services.proposals_apply(questionnaire=q, actor=r.user),
    ),
    _action(
        "accept",
        _("Accept the questionnaire"),
        lambda q, r: services.questionnaire_accept(questionnaire=q, actor=r.user),
    ),
    _action("cancel", _("Cancel"), lambda q, r: services.questionnaire_cancel(questionnaire=q, actor=r.user)),
]


class QuestionnaireTransitionInline(admin.TabularInline):
    model = QuestionnaireTransition
    fields = ["at", "from_state", "to_state", "actor", "by_email", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


class AnswerReviewForm(forms.ModelForm):
    class Meta:
        model = Answer
        fields = ["review", "review_comment"]


class AnswerInline(ServiceInline, admin.TabularInline):
    """Each answer beside the requirements it bears on; the reviewer accepts, rejects or asks a follow-up."""

    model = Answer
    form = AnswerReviewForm
    fields = ["question_code", "question_text", "bears_on", "vendor_answer", "evidence", "review", "review_comment"]
    readonly_fields = ["question_code", "question_text", "bears_on", "vendor_answer", "evidence"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("question__section")
            .prefetch_related("question__requirements", "files")
        )

    @admin.display(description=_("code"))
    def question_code(self, answer):
        return answer.question.code

    @admin.display(description=_("question"))
    def question_text(self, answer):
        return answer.question.text

    @admin.display(description=_("bears on"))
    def bears_on(self, answer):
        return ", ".join(r.code for r in answer.question.requirements.all()) or "—"

    @admin.display(description=_("answer"))
    def vendor_answer(self, answer):
        text = answer_display(answer)
        return f"{text} — {answer.comment}" if answer.comment else text

    @admin.display(description=_("evidence"))
    def evidence(self, answer):
        files = list(answer.files.all())
        if not files:
            return "—"
        return format_html_join(
            ", ", '<a href="{}">{}</a>', ((reverse("questionnaire-file-download", args=[f.pk]), f.name) for f in files)
        )

    def write(self, request, parent, form):
        decision, comment = form.cleaned_data["review"], form.cleaned_data.get("review_comment", "")
        if decision == AnswerReview.FOLLOW_UP:
            return services.answer_follow_up(answer=form.instance, actor=request.user, comment=comment)
        if decision == AnswerReview.PENDING:
            return form.instance
        return services.answer_review(answer=form.instance, decision=decision, comment=comment, actor=request.user)


class QuestionnaireSendForm(forms.ModelForm):
    code_required = forms.NullBooleanField(
        label=_("One-time code required"),
        required=False,
        widget=forms.Select(
            choices=[("unknown", _("As the tier says (on for tiers 1-2)")), ("true", _("Yes")), ("false", _("No"))]
        ),
    )

    class Meta:
        model = Questionnaire
        fields = ["vendor", "contact", "bank", "due_on", "code_required"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bank"].required = False
        self.fields["bank"].queryset = QuestionBank.objects.filter(is_current=True)
        self.fields["bank"].help_text = _("Empty: the standard bank.")
        self.fields["contact"].queryset = self.fields["contact"].queryset.select_related("vendor")


@admin.register(Questionnaire)
class QuestionnaireAdmin(ServiceAdmin):
    list_display = ["__str__", "vendor", "state", "due_on", "sent_at", "submitted_at"]
    list_filter = ["state"]
    list_select_related = ["vendor", "bank"]
    search_fields = ["vendor__display_name", "vendor__slug"]
    actions = ACTIONS
    inlines = [AnswerInline, QuestionnaireTransitionInline]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = QuestionnaireSendForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["vendor", "contact", "bank", "due_on", "code_required"]
        return ["vendor", "bank", "contact", "tier", "state", "due_on", "code_required", "scores", "proposals"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["vendor", "bank", "contact", "tier", "state", "code_required", "scores", "proposals"]

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []

    @admin.display(description=_("score"))
    def scores(self, obj):
        result = selectors.scores(questionnaire=obj)
        rows = format_html_join(
            "", "<li>{} {}: {}</li>", ((s["code"], s["title"], _pct(s["score"])) for s in result["sections"])
        )
        return format_html("<strong>Overall: {}</strong><ul>{}</ul>", _pct(result["overall"]), rows)

    @admin.display(description=_("proposed requirement statuses"))
    def proposals(self, obj):
        rows = format_html_join(
            "",
            "<li>{}: {} (from {})</li>",
            (
                (p["requirement"].code, p["status"] or "not reviewed yet", ", ".join(p["question_codes"]))
                for p in selectors.requirement_proposals(questionnaire=obj)
            ),
        )
        return format_html("<ul>{}</ul>", rows)

    def create(self, request, obj, form):
        data = form.cleaned_data
        return services.questionnaire_send(
            vendor=data["vendor"],
            contact=data["contact"],
            bank=data.get("bank"),
            due_on=data["due_on"],
            code_required=data.get("code_required"),
            actor=request.user,
            base_url=_base_url(request),
        )

    def update(self, request, obj, form):
        if "due_on" in form.changed_data:
            return services.questionnaire_extend(
                questionnaire=obj, due_on=form.cleaned_data["due_on"], actor=request.user
            )
        return obj


def _pct(value):
    return "—" if value is None else f"{value:g} %"


class QuestionInline(admin.TabularInline):
    model = Question
    fields = ["code", "text", "answer_type", "weight", "applies_up_to_tier", "evidence_expected"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(QuestionBank)
class QuestionBankAdmin(ServiceAdmin):
    list_display = ["name", "slug", "version", "is_current", "source", "created_at"]
    list_filter = ["is_current"]
    readonly_fields = ["slug", "version", "name", "description", "source", "is_current"]
