"""Admin of the risk desk: catalogue, baselines, requirement statuses, tiers with their history, tightenings."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from apps.core.admin import AuditedAdmin
from apps.reviews.admin import refusal_text, run_each
from apps.reviews.services import offboarding_start
from apps.vendors.choices import VendorStatus
from apps.vendors.workflow import vendor_status_change

from .models import Baseline, SecurityRequirement, TierChange, Tightening, VendorRequirement, VendorRisk
from .services import (
    baseline_tighten,
    vendor_requirement_record,
    vendor_tier_override,
    vendor_tier_override_clear,
    vendor_tier_recompute,
)


@admin.register(SecurityRequirement)
class SecurityRequirementAdmin(AuditedAdmin):
    list_display = ["code", "title", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["code", "title", "description"]


@admin.register(Baseline)
class BaselineAdmin(AuditedAdmin):
    """Published baselines are records: a tightening publishes the next version instead of editing one."""

    list_display = ["__str__", "tier", "version", "is_current", "review_cadence_months", "published_at"]
    list_filter = ["tier", "is_current"]
    filter_horizontal = ["requirements"]

    def get_readonly_fields(self, request, obj=None):
        return ["tier", "version", "requirements", "is_current", "published_at"] if obj else []


class VendorRequirementForm(forms.ModelForm):
    class Meta:
        model = VendorRequirement
        fields = ["status", "evidence", "note"]


@admin.register(VendorRequirement)
class VendorRequirementAdmin(AuditedAdmin):
    form = VendorRequirementForm
    list_display = ["vendor", "requirement", "status", "evidence", "verified_by", "verified_on", "due_on"]
    list_filter = ["status", "requirement"]
    list_select_related = ["vendor", "requirement", "evidence", "verified_by"]
    search_fields = ["vendor__display_name", "vendor__slug", "requirement__code"]
    readonly_fields = ["vendor", "requirement", "verified_by", "verified_on", "due_on", "tightening"]

    def has_add_permission(self, request):
        return False  # statuses come from baselines and tightenings

    def get_form(self, request, obj=None, **kwargs):
        form_class = super().get_form(request, obj, **kwargs)

        class RecordForm(form_class):
            def clean(self):
                cleaned = super().clean()
                if not self.errors:
                    try:
                        vendor_requirement_record(
                            vendor_requirement=self.instance,
                            status=cleaned["status"],
                            evidence=cleaned.get("evidence"),
                            note=cleaned.get("note", ""),
                            actor=request.user,
                        )
                    except (PermissionDenied, ValidationError) as error:
                        raise ValidationError(refusal_text(error)) from error
                return cleaned

        return RecordForm

    def save_model(self, request, obj, form, change):
        pass  # written by vendor_requirement_record during validation, in this request's transaction


class TierChangeInline(admin.TabularInline):
    model = TierChange
    fk_name = "vendor"
    fields = ["changed_at", "from_tier", "to_tier", "cause", "reason", "changed_by", "inputs"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("changed_by")


class VendorTierForm(forms.ModelForm):
    class Meta:
        model = VendorRisk
        fields = ["tier_override", "tier_override_reason"]


def _status_action(to_status, label):
    def run(modeladmin, request, queryset):
        run_each(
            modeladmin,
            request,
            queryset,
            lambda vendor: vendor_status_change(vendor=vendor, to_status=to_status, actor=request.user),
            label,
        )

    run.__name__ = f"vendor_to_{to_status}"
    run.short_description = label
    return run


@admin.action(description=_("Recompute tier"))
def recompute_tier(modeladmin, request, queryset):
    run_each(modeladmin, request, queryset, lambda v: vendor_tier_recompute(vendor=v, actor=request.user), "Recomputed")


@admin.action(description=_("Start offboarding"))
def start_offboarding(modeladmin, request, queryset):
    run_each(modeladmin, request, queryset, lambda v: offboarding_start(vendor=v, actor=request.user), "Offboarding")


@admin.register(VendorRisk)
class VendorRiskAdmin(admin.ModelAdmin):
    """Tier override (with its reason), recompute, and the vendor status moves, each through its service."""

    form = VendorTierForm
    list_display = ["display_name", "status", "tier", "computed_tier", "tier_override", "category"]
    list_filter = ["status", "tier", "category"]
    search_fields = ["display_name", "slug"]
    readonly_fields = ["display_name", "status", "computed_tier", "tier", "history_link"]
    fields = [
        "display_name",
        "status",
        "computed_tier",
        "tier_override",
        "tier_override_reason",
        "tier",
        "history_link",
    ]
    inlines = [TierChangeInline]
    actions = [
        recompute_tier,
        _status_action(VendorStatus.ONBOARDING, _("Start onboarding")),
        _status_action(VendorStatus.ACTIVE, _("Activate (needs a current approval)")),
        _status_action(VendorStatus.UNDER_REVIEW, _("Put under review")),
        start_offboarding,
    ]

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("history"))
    def history_link(self, obj):
        return format_html('<a href="{}">{}</a>', reverse("admin:vendors_vendor_history", args=[obj.pk]), _("History"))

    def get_form(self, request, obj=None, **kwargs):
        form_class = super().get_form(request, obj, **kwargs)

        class OverrideForm(form_class):
            def clean(self):
                cleaned = super().clean()
                if self.errors or not self.has_changed():
                    return cleaned
                try:
                    if cleaned.get("tier_override") is None:
                        vendor_tier_override_clear(vendor=self.instance, actor=request.user)
                    else:
                        vendor_tier_override(
                            vendor=self.instance,
                            tier=cleaned["tier_override"],
                            reason=cleaned.get("tier_override_reason", ""),
                            actor=request.user,
                        )
                except (PermissionDenied, ValidationError) as error:
                    raise ValidationError(refusal_text(error)) from error
                return cleaned

        return OverrideForm

    def save_model(self, request, obj, form, change):
        pass  # written by the tier services during validation, in this request's transaction


@admin.register(TierChange)
class TierChangeAdmin(admin.ModelAdmin):
    list_display = ["vendor", "from_tier", "to_tier", "cause", "changed_by", "changed_at"]
    list_filter = ["cause", "to_tier"]
    list_select_related = ["vendor", "changed_by"]
    search_fields = ["vendor__display_name", "vendor__slug"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class TighteningForm(forms.ModelForm):
    category = forms.CharField(required=False, help_text=_("Vendor category of the peers, e.g. analytics."))
    mechanism = forms.CharField(required=False, help_text=_("Mechanism of their flow, e.g. client_side_sdk."))
    data_categories = forms.CharField(required=False, help_text=_("Data-category codes, comma-separated."))
    tier = forms.IntegerField(required=False, help_text=_("Publish a new baseline version for this tier."))
    due_on = forms.DateField(required=False, help_text=_("Default: 90 days from today."))

    class Meta:
        model = Tightening
        fields = ["requirement", "reason", "due_on", "incident"]


@admin.register(Tightening)
class TighteningAdmin(admin.ModelAdmin):
    """Adding a tightening runs baseline_tighten; the fan-out task fills in the counts after commit."""

    form = TighteningForm
    list_display = [
        "requirement",
        "scope",
        "baseline",
        "vendors_in_scope",
        "statuses_created",
        "created_by",
        "created_at",
    ]
    list_select_related = ["requirement", "baseline", "created_by"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return [
            "requirement",
            "baseline",
            "scope",
            "reason",
            "due_on",
            "incident",
            "created_by",
            "vendors_in_scope",
            "statuses_created",
            "fanned_out_at",
        ]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["requirement", "tier", "category", "mechanism", "data_categories", "reason", "due_on", "incident"]
        return self.get_readonly_fields(request, obj)

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def get_form(self, request, obj=None, **kwargs):
        form_class = super().get_form(request, obj, **kwargs)

        class TightenForm(form_class):
            def clean(self):
                cleaned = super().clean()
                if self.errors:
                    return cleaned
                codes = [c.strip() for c in (cleaned.get("data_categories") or "").split(",") if c.strip()]
                scope = {
                    "category": cleaned.get("category"),
                    "mechanism": cleaned.get("mechanism"),
                    "data_categories": codes,
                }
                try:
                    self.instance = baseline_tighten(
                        requirement=cleaned["requirement"],
                        actor=request.user,
                        tier=cleaned.get("tier"),
                        scope=scope,
                        reason=cleaned.get("reason", ""),
                        due_on=cleaned.get("due_on"),
                        incident=cleaned.get("incident"),
                    )
                except (PermissionDenied, ValidationError) as error:
                    raise ValidationError(refusal_text(error)) from error
                return cleaned

        return TightenForm

    def save_model(self, request, obj, form, change):
        pass  # written by baseline_tighten during validation, in this request's transaction
