"""Admin of the risk desk: catalogue, baselines, requirement statuses, tiers with their history, tightenings.

Every write goes through apps.risk services (ServiceAdmin): the admin only validates the form.
"""

from django import forms
from django.contrib import admin
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from apps.core.admin import ChangelistRowsMixin, ServiceAdmin, refusal_errors
from apps.datamap.choices import Mechanism
from apps.datamap.models import DataCategory, System
from apps.reviews.admin import run_each
from apps.reviews.services import offboarding_start
from apps.vendors.choices import Tier, VendorCategory, VendorStatus
from apps.vendors.workflow import vendor_status_change

from .models import Baseline, SecurityRequirement, TierChange, Tightening, VendorRequirement, VendorRisk
from .selectors import tightening_preview
from .services import (
    baseline_publish,
    baseline_tighten,
    baseline_update,
    requirement_create,
    requirement_update,
    vendor_requirement_record,
    vendor_tier_override,
    vendor_tier_override_clear,
    vendor_tier_recompute,
)

REQUIREMENT_FIELDS = ("title", "description", "evidence_kinds", "control_mappings", "is_active")


@admin.register(SecurityRequirement)
class SecurityRequirementAdmin(ServiceAdmin):
    """The code is the requirement's name in baselines, fixtures and exports: fixed once it exists."""

    list_display = ["code", "title", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["code", "title", "description"]
    fields = ["code", *REQUIREMENT_FIELDS]
    prepopulated_fields = {"code": ["title"]}

    def get_readonly_fields(self, request, obj=None):
        return ["code"] if obj else []

    def create(self, request, obj, form):
        data = form.cleaned_data
        return requirement_create(
            code=data["code"], actor=request.user, **{name: data[name] for name in REQUIREMENT_FIELDS}
        )

    def update(self, request, obj, form):
        changed = {name: form.cleaned_data[name] for name in REQUIREMENT_FIELDS if name in form.changed_data}
        return requirement_update(requirement=obj, actor=request.user, **changed)


@admin.register(Baseline)
class BaselineAdmin(ServiceAdmin):
    """Adding publishes the tier's next version (baseline_publish); a published one keeps what it requires."""

    list_display = ["__str__", "tier", "version", "is_current", "review_cadence_months", "published_at"]
    list_filter = ["tier", "is_current"]
    filter_horizontal = ["requirements"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["tier", "name", "description", "review_cadence_months", "requirements"]
        return ["tier", "version", "name", "description", "review_cadence_months", "requirements", "is_current"]

    def get_readonly_fields(self, request, obj=None):
        return ["tier", "version", "requirements", "is_current", "published_at"] if obj else []

    def create(self, request, obj, form):
        data = form.cleaned_data
        return baseline_publish(
            tier=data["tier"],
            name=data["name"],
            description=data.get("description", ""),
            review_cadence_months=data["review_cadence_months"],
            requirements=data.get("requirements") or [],
            actor=request.user,
        )

    def update(self, request, obj, form):
        fields = ("name", "description", "review_cadence_months")
        changed = {name: form.cleaned_data[name] for name in fields if name in form.changed_data}
        return baseline_update(baseline=obj, actor=request.user, **changed)


class VendorRequirementForm(forms.ModelForm):
    """The evidence picker offers only the documents of this status's vendor."""

    class Meta:
        model = VendorRequirement
        fields = ["status", "evidence", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "evidence" in self.fields and self.instance.vendor_id:
            self.fields["evidence"].queryset = self.instance.vendor.documents.order_by("-issued_on", "pk")


@admin.register(VendorRequirement)
class VendorRequirementAdmin(ServiceAdmin):
    """Statuses come from baselines and tightenings; a reviewer records where the vendor stands."""

    form = VendorRequirementForm
    list_display = ["vendor", "requirement", "status", "evidence", "verified_by", "verified_on", "due_on"]
    list_filter = ["status", "requirement"]
    list_select_related = ["vendor", "requirement", "evidence", "verified_by"]
    search_fields = ["vendor__display_name", "vendor__slug", "requirement__code"]
    readonly_fields = ["vendor", "requirement", "verified_by", "verified_on", "due_on", "tightening"]

    def update(self, request, obj, form):
        data = form.cleaned_data
        return vendor_requirement_record(
            vendor_requirement=obj,
            status=data["status"],
            evidence=data.get("evidence"),
            note=data.get("note", ""),
            actor=request.user,
        )


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
class VendorRiskAdmin(ServiceAdmin):
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

    def history_view(self, request, object_id, extra_context=None):
        # The proxy keeps no history of its own: the vendor's is the one (tier and status changes included).
        return redirect("admin:vendors_vendor_history", object_id)

    @admin.display(description=_("history"))
    def history_link(self, obj):
        return format_html('<a href="{}">{}</a>', reverse("admin:vendors_vendor_history", args=[obj.pk]), _("History"))

    def update(self, request, obj, form):
        if not form.has_changed():
            return obj
        data = form.cleaned_data
        if data.get("tier_override") is None:
            return vendor_tier_override_clear(vendor=obj, actor=request.user)
        return vendor_tier_override(
            vendor=obj, tier=data["tier_override"], reason=data.get("tier_override_reason", ""), actor=request.user
        )


@admin.register(TierChange)
class TierChangeAdmin(ChangelistRowsMixin, admin.ModelAdmin):
    """Append-only, written by the tier services: nothing here writes, so it needs no ServiceAdmin (which would
    also offer an audit-history page that TierChange, itself the history of tiers, does not keep)."""

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


def _optional_choices(choices):
    return [("", "---------"), *choices]


class TighteningForm(forms.ModelForm):
    """The scope of a tightening: a tier (new baseline version) and/or peers on one flow (system, mechanism, data)."""

    tier = forms.TypedChoiceField(
        choices=_optional_choices(Tier.choices),
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("Publish a new baseline version for this tier."),
    )
    category = forms.ChoiceField(
        choices=_optional_choices(VendorCategory.choices), required=False, help_text=_("Vendor category of the peers.")
    )
    system = forms.ModelChoiceField(
        queryset=System.objects.order_by("name"),
        to_field_name="slug",
        required=False,
        help_text=_("One of our systems the peers' flow reaches, e.g. the CRM."),
    )
    mechanism = forms.ChoiceField(
        choices=_optional_choices(Mechanism.choices), required=False, help_text=_("Mechanism of that flow.")
    )
    data_categories = forms.ModelMultipleChoiceField(
        queryset=DataCategory.objects.order_by("path"),
        to_field_name="code",
        required=False,
        help_text=_("Shared on that flow; a category covers its subcategories."),
    )
    due_on = forms.DateField(required=False, help_text=_("Default: 90 days from today."))

    class Meta:
        model = Tightening
        fields = ["requirement", "reason", "due_on", "incident"]

    def scope(self):
        data = self.cleaned_data
        return {
            "category": data.get("category"),
            "system": data["system"].slug if data.get("system") else None,
            "mechanism": data.get("mechanism"),
            "data_categories": [category.code for category in data.get("data_categories") or []],
        }


@admin.register(Tightening)
class TighteningAdmin(ServiceAdmin):
    """Adding a tightening runs baseline_tighten; the fan-out task fills in the counts after commit.

    "Preview" on the add form lists the vendors the scope reaches and writes nothing.
    """

    form = TighteningForm
    change_form_template = "admin/risk/tightening/change_form.html"
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
    add_fields = ["requirement", "tier", "category", "system", "mechanism", "data_categories"]
    add_fields += ["reason", "due_on", "incident"]
    record_fields = ["requirement", "baseline", "scope", "reason", "due_on", "incident", "created_by"]
    record_fields += ["vendors_in_scope", "statuses_created", "fanned_out_at"]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.record_fields

    def get_fields(self, request, obj=None):
        return self.add_fields if obj is None else self.record_fields

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def history_view(self, request, object_id, extra_context=None):
        # A tightening is append-only and keeps no simple-history rows: the admin's own log is its history.
        return admin.ModelAdmin.history_view(self, request, object_id, extra_context)

    def create(self, request, obj, form):
        data = form.cleaned_data
        return baseline_tighten(
            requirement=data["requirement"],
            actor=request.user,
            tier=data.get("tier"),
            scope=form.scope(),
            reason=data.get("reason", ""),
            due_on=data.get("due_on"),
            incident=data.get("incident"),
        )

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST" and object_id is None and "_preview" in request.POST:
            return self._preview_view(request, form_url)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def _preview_view(self, request, form_url):
        """The add form again, with the vendors in scope listed above it. Reads only."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = self.get_form(request, None, change=False)(request.POST)
        preview = None
        if form.is_valid():
            try:
                preview = tightening_preview(scope=form.scope(), tier=form.cleaned_data.get("tier"))
            except ValidationError as refusal:
                for field, reasons in refusal_errors(refusal):
                    form.add_error(field if field in form.fields else None, reasons)
        admin_form = helpers.AdminForm(
            form,
            list(self.get_fieldsets(request, None)),
            self.get_prepopulated_fields(request, None),
            self.get_readonly_fields(request, None),
            model_admin=self,
        )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Add tightening"),
            "subtitle": None,
            "adminform": admin_form,
            "object_id": None,
            "original": None,
            "is_popup": False,
            "to_field": None,
            "media": self.media + admin_form.media,
            "inline_admin_formsets": [],
            "errors": helpers.AdminErrorList(form, []),
            "preserved_filters": self.get_preserved_filters(request),
            "preview": preview,
        }
        return self.render_change_form(request, context, add=True, change=False, form_url=form_url)
