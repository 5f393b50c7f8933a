"""Admin of reviews: every workflow move is an action that calls its service; a refusal shows its reason."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

from apps.core.admin import AuditedAdmin
from apps.core.exceptions import TransitionRefused

from .models import Finding, OffboardingChecklist, Review, ReviewTransition, RiskException
from .services import SERVICES_BY_ACTION, exception_grant, offboarding_step_mark, review_open, vendor_terminate
from .workflow import TRANSITIONS

REFUSALS = (TransitionRefused, PermissionDenied, ValidationError)


def refusal_text(error):
    if isinstance(error, ValidationError) and hasattr(error, "message_dict"):
        return "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in error.message_dict.items())
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)


def run_each(modeladmin, request, objects, call, done):
    """Call `call(obj)` per object; a refusal becomes an error message with its reason, the rest go on."""
    succeeded = 0
    for obj in objects:
        try:
            call(obj)
        except REFUSALS as error:
            modeladmin.message_user(request, f"{obj}: {refusal_text(error)}", messages.ERROR)
        else:
            succeeded += 1
    if succeeded:
        modeladmin.message_user(request, f"{done}: {succeeded}.", messages.SUCCESS)


def _transition_action(action):
    transition = TRANSITIONS[action]

    def run(modeladmin, request, queryset):
        service = SERVICES_BY_ACTION[action]
        run_each(
            modeladmin,
            request,
            queryset.select_related("vendor"),
            lambda review: service(review=review, actor=request.user),
            transition.label,
        )

    run.__name__ = f"review_{action}"
    run.short_description = transition.label
    return run


class ReviewTransitionInline(admin.TabularInline):
    model = ReviewTransition
    fields = ["at", "from_state", "to_state", "actor", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


class FindingInline(admin.TabularInline):
    model = Finding
    fields = ["code", "title", "severity", "status", "owner", "due_on"]
    readonly_fields = ["code"]
    autocomplete_fields = ["owner"]
    extra = 0
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("owner")


class RiskExceptionInline(admin.TabularInline):
    """Read-only here: an exception is granted through its own page, which checks who grants it and until when."""

    model = RiskException
    fields = ["vendor_requirement", "justification", "approved_by", "expires_on"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("vendor_requirement__requirement", "approved_by")


class ReviewForm(forms.ModelForm):
    class Meta:
        model = Review
        fields = ["vendor", "kind", "summary", "conditions", "due_on"]

    def clean_kind(self):
        kind = self.cleaned_data["kind"]
        if not self.instance.pk and kind == "incident":
            raise ValidationError(_("Incident-triggered reviews are opened by recording a high or critical incident."))
        return kind


@admin.register(Review)
class ReviewAdmin(AuditedAdmin):
    form = ReviewForm
    list_display = ["__str__", "vendor", "kind", "state", "tier", "baseline", "requested_by", "decided_by", "due_on"]
    list_filter = ["state", "kind", "tier"]
    list_select_related = ["vendor", "baseline", "requested_by", "decided_by"]
    search_fields = ["vendor__display_name", "vendor__slug", "summary"]
    autocomplete_fields = ["vendor"]
    readonly_fields = ["state", "tier", "baseline", "incident", "requested_by", "decided_by", "decided_at"]
    fields = ["vendor", "kind", "summary", "conditions", "due_on", *readonly_fields]
    inlines = [ReviewTransitionInline, FindingInline, RiskExceptionInline]
    actions = [_transition_action(action) for action in TRANSITIONS]

    def get_readonly_fields(self, request, obj=None):
        # Vendor and kind are fixed once the review exists; the tier and baseline are pinned by the services.
        return [*self.readonly_fields, "vendor", "kind"] if obj else self.readonly_fields

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        opened = review_open(vendor=obj.vendor, kind=obj.kind, requested_by=request.user, incident=obj.incident)
        for field in ("summary", "conditions", "due_on"):
            setattr(opened, field, getattr(obj, field) or getattr(opened, field))
        opened.save(update_fields=["summary", "conditions", "due_on", "updated_at"])
        obj.pk = opened.pk
        obj.refresh_from_db()


@admin.register(Finding)
class FindingAdmin(AuditedAdmin):
    list_display = ["title", "review", "severity", "status", "owner", "due_on"]
    list_filter = ["severity", "status", "code"]
    list_select_related = ["review__vendor", "owner"]
    search_fields = ["title", "code", "review__vendor__display_name"]
    autocomplete_fields = ["review", "owner"]


class RiskExceptionForm(forms.ModelForm):
    class Meta:
        model = RiskException
        fields = ["review", "vendor_requirement", "justification", "expires_on"]


@admin.register(RiskException)
class RiskExceptionAdmin(AuditedAdmin):
    form = RiskExceptionForm
    list_display = ["vendor_requirement", "review", "approved_by", "expires_on"]
    list_select_related = [
        "vendor_requirement__vendor",
        "vendor_requirement__requirement",
        "review__vendor",
        "approved_by",
    ]
    autocomplete_fields = ["review", "vendor_requirement"]
    readonly_fields = ["approved_by"]

    def get_readonly_fields(self, request, obj=None):
        # A granted exception is a record; change its scope by granting a new one.
        return ["review", "vendor_requirement", "justification", "expires_on", "approved_by"] if obj else []

    def get_form(self, request, obj=None, **kwargs):
        # The grant runs in clean() so that the service's refusals show as form errors; the admin wraps the
        # whole request in one transaction, so a later failure leaves nothing behind.
        form_class = super().get_form(request, obj, **kwargs)
        if obj is not None:
            return form_class

        class GrantForm(form_class):
            def clean(self):
                cleaned = super().clean()
                if self.errors:
                    return cleaned
                try:
                    self.instance = exception_grant(
                        review=cleaned["review"],
                        vendor_requirement=cleaned["vendor_requirement"],
                        justification=cleaned["justification"],
                        expires_on=cleaned["expires_on"],
                        actor=request.user,
                    )
                except PermissionDenied as error:
                    raise ValidationError(str(error)) from error
                return cleaned

        return GrantForm

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
        # A new exception was written by exception_grant during validation, in this request's transaction.


def _checklist_step(step, label):
    def run(modeladmin, request, queryset):
        run_each(
            modeladmin,
            request,
            queryset.select_related("vendor"),
            lambda checklist: offboarding_step_mark(vendor=checklist.vendor, step=step, actor=request.user),
            label,
        )

    run.__name__ = f"offboarding_{step}"
    run.short_description = label
    return run


@admin.action(description=_("Terminate the vendor (checklist complete)"))
def terminate(modeladmin, request, queryset):
    run_each(
        modeladmin,
        request,
        queryset.select_related("vendor"),
        lambda checklist: vendor_terminate(vendor=checklist.vendor, actor=request.user),
        "Terminated",
    )


class OffboardingChecklistForm(forms.ModelForm):
    """Attaching the deletion certificate is a checklist step: the service checks its kind and vendor."""

    class Meta:
        model = OffboardingChecklist
        fields = ["reason", "deletion_certificate"]

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        if self.instance.pk:
            self.fields["deletion_certificate"].queryset = self.instance.vendor.documents.filter(
                kind="deletion_certificate"
            )

    def clean_deletion_certificate(self):
        certificate = self.cleaned_data["deletion_certificate"]
        if certificate is not None and certificate.pk != self.instance.deletion_certificate_id:
            try:
                offboarding_step_mark(
                    vendor=self.instance.vendor,
                    step="deletion_certificate",
                    actor=self.actor,
                    deletion_certificate=certificate,
                )
            except REFUSALS as error:
                raise ValidationError(refusal_text(error)) from error
        return certificate


@admin.register(OffboardingChecklist)
class OffboardingChecklistAdmin(AuditedAdmin):
    form = OffboardingChecklistForm
    """Opened by the "start offboarding" action on vendor tiers and statuses; each step is an action here."""

    list_display = [
        "vendor",
        "removed_from_production_at",
        "access_revoked_at",
        "data_returned_at",
        "deletion_certificate",
        "completed_at",
    ]
    list_select_related = ["vendor", "deletion_certificate"]
    search_fields = ["vendor__display_name", "vendor__slug"]
    readonly_fields = ["vendor", "removed_from_production_at", "access_revoked_at", "data_returned_at", "completed_at"]
    fields = ["reason", "deletion_certificate", *readonly_fields]
    actions = [
        _checklist_step("removed_from_production", _("Mark removed from production")),
        _checklist_step("access_revoked", _("Mark access revoked")),
        _checklist_step("data_returned", _("Mark data returned")),
        terminate,
    ]

    def has_add_permission(self, request):
        return False

    def get_form(self, request, obj=None, **kwargs):
        form_class = super().get_form(request, obj, **kwargs)

        class ActorForm(form_class):
            def __init__(self, *args, **inner):
                super().__init__(*args, actor=request.user, **inner)

        return ActorForm
