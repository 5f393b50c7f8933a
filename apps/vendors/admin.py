"""Admin of the vendor register: what a security reviewer keeps up to date every day."""

from django import forms
from django.contrib import admin
from django.db import models
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from apps.core.admin import AuditedAdmin
from apps.datamap.admin_filters import VendorMechanismFilter, VendorReceivesCategoryFilter

from .models import Contact, Contract, Document, Subprocessor, Vendor, VendorService
from .selectors import vendor_register_list, vendor_shared_categories, vendor_systems


class VendorServiceInline(admin.TabularInline):
    model = VendorService
    fields = ["slug", "name", "business_criticality", "production_access", "handles_secrets", "description"]
    extra = 0
    show_change_link = True


class ContractInline(admin.StackedInline):
    model = Contract
    extra = 0
    show_change_link = True
    fields = [
        ("reference", "starts_on", "ends_on", "dpa_signed_on"),
        ("breach_notification_hours", "subprocessor_change_notice_days", "termination_notice_days"),
        ("audit_rights", "annual_value"),
        "description",
    ]


@admin.display(description=_("download"))
def evidence_link(document):
    # The file's own URL is deliberately not served: evidence goes out only through the reviewer-only view.
    if not (document.pk and document.file):
        return "—"
    return format_html('<a href="{}">{}</a>', reverse("evidence-download", args=[document.pk]), _("download"))


class DocumentInline(admin.TabularInline):
    model = Document
    fields = ["kind", "title", "issued_on", "expires_on", "file", evidence_link, "verified_by", "verified_on"]
    readonly_fields = [evidence_link]
    autocomplete_fields = ["verified_by"]
    extra = 0
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("verified_by")


class ContactInline(admin.TabularInline):
    model = Contact
    fields = ["name", "role", "email", "phone", "is_security_contact"]
    extra = 0


class SubprocessorForm(forms.ModelForm):
    class Meta:
        model = Subprocessor
        fields = ["subprocessor", "services", "purpose", "country"]

    def clean_services(self):
        # A many-to-many cannot be checked in Model.clean(): the rows do not exist yet when it runs.
        services = self.cleaned_data["services"]
        foreign = [service for service in services if service.vendor_id != self.instance.vendor_id]
        if foreign:
            raise forms.ValidationError(
                _("Only this vendor's own services can be supported by its subprocessor, not %(services)s.")
                % {"services": ", ".join(str(service) for service in foreign)}
            )
        return services


class SubprocessorInline(admin.TabularInline):
    model = Subprocessor
    form = SubprocessorForm
    fk_name = "vendor"
    fields = ["subprocessor", "services", "purpose", "country"]
    autocomplete_fields = ["subprocessor", "services"]
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("subprocessor").prefetch_related("services")


@admin.register(Vendor)
class VendorAdmin(AuditedAdmin):
    list_display = ["display_name", "category", "status", "tier", "systems", "shared_categories"]
    list_filter = [
        "status",
        "category",
        "tier",
        "hq_country",
        VendorMechanismFilter,
        VendorReceivesCategoryFilter,
    ]
    search_fields = ["display_name", "legal_name", "slug", "domains", "website"]
    autocomplete_fields = ["owner"]
    prepopulated_fields = {"slug": ["display_name"]}
    # The workflow moves status and tiers with their history rows (Admin › Vendor tiers and statuses does it
    # through apps.risk.services); this form must not bypass it, so none of them is editable here.
    readonly_fields = [
        "status",
        "computed_tier",
        "tier_override",
        "tier_override_reason",
        "tier",
        "data_flows",
        "created_at",
        "updated_at",
    ]
    fieldsets = [
        (None, {"fields": ["display_name", "legal_name", "slug", "category", "status", "owner", "description"]}),
        (_("Where it lives"), {"fields": ["website", "domains", "hq_country"]}),
        (_("Risk tier"), {"fields": ["computed_tier", "tier_override", "tier_override_reason", "tier"]}),
        (_("Data map"), {"fields": ["data_flows"]}),
        (_("Record"), {"fields": ["created_at", "updated_at"]}),
    ]
    inlines = [VendorServiceInline, ContractInline, DocumentInline, ContactInline, SubprocessorInline]
    # A website typed without a scheme is a vendor's https site, not a plain-http one.
    formfield_overrides = {models.URLField: {"form_class": forms.URLField, "assume_scheme": "https"}}

    def get_queryset(self, request):
        return vendor_register_list(queryset=super().get_queryset(request))

    @admin.display(description=_("systems"))
    def systems(self, obj):
        return ", ".join(vendor_systems(obj)) or "—"

    @admin.display(description=_("shared data categories"))
    def shared_categories(self, obj):
        return ", ".join(vendor_shared_categories(obj)) or "—"

    @admin.display(description=_("data flows"))
    def data_flows(self, obj):
        # A vendor being added has no flows yet (and was not loaded through vendor_register_list()).
        flows = getattr(obj, "listed_flows", [])
        rows = [
            (
                flow.system.name,
                flow.get_mechanism_display(),
                ", ".join(sorted(row.category.name for row in flow.shared_rows)),
            )
            for flow in flows
        ]
        return format_html_join("\n", "<p>{} — {}: {}</p>", rows) or "—"


@admin.register(VendorService)
class VendorServiceAdmin(AuditedAdmin):
    list_display = ["name", "vendor", "business_criticality", "production_access", "handles_secrets"]
    list_filter = ["business_criticality", "production_access", "handles_secrets"]
    list_select_related = ["vendor"]
    search_fields = ["name", "slug", "vendor__display_name", "vendor__slug"]
    autocomplete_fields = ["vendor"]


@admin.register(Contract)
class ContractAdmin(AuditedAdmin):
    list_display = ["reference", "vendor", "starts_on", "ends_on", "dpa_signed_on", "breach_notification_hours"]
    list_filter = ["audit_rights", "starts_on", "ends_on"]
    list_select_related = ["vendor"]
    search_fields = ["reference", "description", "vendor__display_name", "vendor__slug"]
    autocomplete_fields = ["vendor"]
    date_hierarchy = "starts_on"


@admin.register(Document)
class DocumentAdmin(AuditedAdmin):
    list_display = ["title", "vendor", "kind", "issued_on", "expires_on", "verified_by", evidence_link]
    list_filter = ["kind", "expires_on"]
    list_select_related = ["vendor", "verified_by"]
    search_fields = ["title", "vendor__display_name", "vendor__slug"]
    autocomplete_fields = ["vendor", "verified_by"]
    readonly_fields = [evidence_link]
