"""Admin of reviews: every workflow move is an action that calls its service; a refusal shows its reason.

Every write goes through apps.reviews services (ServiceAdmin, ServiceInline): the admin only validates the form.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from apps.core.admin import REFUSALS, ServiceAdmin, ServiceInline, refusal_text

from .choices import FindingStatus
from .models import Finding, OffboardingChecklist, Review, ReviewTransition, RiskException
from .services import (
    DECIDED_STATES,
    SERVICES_BY_ACTION,
    exception_grant,
    finding_raise,
    finding_set_status,
    finding_update,
    offboarding_reason_update,
    offboarding_step_mark,
    review_open,
    review_update,
    vendor_terminate,
)
from .workflow import TRANSITIONS

FINDING_EDITABLE = ("title", "description", "severity", "owner", "due_on")


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


def _changed(form, names):
    return {name: form.cleaned_data[name] for name in names if name in form.changed_data}


class FindingInline(ServiceInline, admin.TabularInline):
    """New rows are raised with finding_raise, changed ones go through finding_update; the status moves by the
    findings page's actions, and the code is the register's own."""

    model = Finding
    fields = ["code", "title", "severity", "status", "owner", "due_on"]
    readonly_fields = ["code", "status"]
    autocomplete_fields = ["owner"]
    extra = 0
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("owner")

    def write(self, request, parent, form):
        data = form.cleaned_data
        if form.instance._state.adding:
            return finding_raise(
                review=parent,
                title=data["title"],
                severity=data["severity"],
                owner=data.get("owner"),
                due_on=data.get("due_on"),
                actor=request.user,
            )
        return finding_update(finding=form.instance, actor=request.user, **_changed(form, FINDING_EDITABLE))


class RiskExceptionInline(admin.TabularInline):
    """Read-only here: an exception is granted through its own page, which checks who grants it and until when."""

    model = RiskException
    fields = ["vendor_requirement", "justification", "approved_by", "expires_on"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
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
class ReviewAdmin(ServiceAdmin):
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
        # Vendor and kind are fixed once the review exists; the tier and baseline are pinned by the services;
        # the conditions of a decided review are part of its decision.
        if obj is None:
            return self.readonly_fields
        fixed = ["vendor", "kind", *(["conditions"] if obj.state in DECIDED_STATES else [])]
        return [*self.readonly_fields, *fixed]

    def create(self, request, obj, form):
        data = form.cleaned_data
        opened = review_open(vendor=data["vendor"], kind=data["kind"], requested_by=request.user)
        given = {name: data[name] for name in ("summary", "conditions", "due_on") if data.get(name)}
        return review_update(review=opened, actor=request.user, **given) if given else opened

    def update(self, request, obj, form):
        return review_update(review=obj, actor=request.user, **_changed(form, ("summary", "conditions", "due_on")))


def _finding_status_action(status, label):
    def run(modeladmin, request, queryset):
        run_each(
            modeladmin,
            request,
            queryset,
            lambda finding: finding_set_status(finding=finding, status=status, actor=request.user),
            label,
        )

    run.__name__ = f"finding_{status}"
    run.short_description = label
    return run


@admin.register(Finding)
class FindingAdmin(ServiceAdmin):
    """Raised with finding_raise, edited with finding_update; the status moves by the actions (finding_set_status)."""

    list_display = ["title", "review", "severity", "status", "owner", "due_on"]
    list_filter = ["severity", "status", "code"]
    list_select_related = ["review__vendor", "owner"]
    search_fields = ["title", "code", "review__vendor__display_name"]
    autocomplete_fields = ["review", "owner"]
    fields = ["review", "code", "title", "description", "severity", "status", "owner", "due_on"]
    actions = [_finding_status_action(status, _("Mark %s") % label.lower()) for status, label in FindingStatus.choices]

    def get_readonly_fields(self, request, obj=None):
        return ["review", "code", "status"] if obj else ["code", "status"]

    def create(self, request, obj, form):
        data = form.cleaned_data
        return finding_raise(
            review=data["review"],
            title=data["title"],
            severity=data["severity"],
            description=data.get("description", ""),
            owner=data.get("owner"),
            due_on=data.get("due_on"),
            actor=request.user,
        )

    def update(self, request, obj, form):
        return finding_update(finding=obj, actor=request.user, **_changed(form, FINDING_EDITABLE))


class RiskExceptionForm(forms.ModelForm):
    class Meta:
        model = RiskException
        fields = ["review", "vendor_requirement", "justification", "expires_on"]


@admin.register(RiskException)
class RiskExceptionAdmin(ServiceAdmin):
    """Granted through exception_grant, which checks who grants it and until when; a granted one is a record."""

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

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def create(self, request, obj, form):
        data = form.cleaned_data
        return exception_grant(
            review=data["review"],
            vendor_requirement=data["vendor_requirement"],
            justification=data["justification"],
            expires_on=data["expires_on"],
            actor=request.user,
        )


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
    """The certificate picker offers this vendor's deletion certificates; the service checks kind and vendor."""

    class Meta:
        model = OffboardingChecklist
        fields = ["reason", "deletion_certificate"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["deletion_certificate"].queryset = self.instance.vendor.documents.filter(
                kind="deletion_certificate"
            )


@admin.register(OffboardingChecklist)
class OffboardingChecklistAdmin(ServiceAdmin):
    """Opened by the "start offboarding" action on vendor tiers and statuses; each step is an action here."""

    form = OffboardingChecklistForm
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

    def update(self, request, obj, form):
        data = form.cleaned_data
        if "deletion_certificate" in form.changed_data:
            if data["deletion_certificate"] is None:
                raise ValidationError({"deletion_certificate": "An attached deletion certificate stays on record."})
            offboarding_step_mark(
                vendor=obj.vendor,
                step="deletion_certificate",
                deletion_certificate=data["deletion_certificate"],
                actor=request.user,
            )
        if "reason" in form.changed_data:
            offboarding_reason_update(checklist=obj, reason=data["reason"], actor=request.user)
        return OffboardingChecklist.objects.get(pk=obj.pk)
