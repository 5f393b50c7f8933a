"""Admin of the vendor register: what a security reviewer keeps up to date every day."""

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from apps.core.admin import RowsChangeList, ServiceAdmin, ServiceInline
from apps.datamap.admin_filters import VendorMechanismFilter, VendorReceivesCategoryFilter
from apps.register.handlers import EventHandler

from . import services
from .models import Contact, Contract, Document, Subprocessor, Vendor, VendorService
from .selectors import vendor_register_columns, vendor_register_list


def form_values(form, allowed):
    """The form's cleaned values of the model fields a service accepts (the fields this page shows)."""
    values = {name: value for name, value in form.cleaned_data.items() if name in allowed and name in form.fields}
    if values.get("file") is False:  # the "clear" box of a file field
        values["file"] = ""
    return values


def document_values(form):
    values = form_values(form, services.DOCUMENT_FIELDS)
    if "file" not in form.changed_data:
        values.pop("file", None)  # unchanged: keep the stored file as it is
    return values


class RowInline(ServiceInline):
    """An inline of rows that belong to a vendor: `create_service`/`update_service` write them."""

    allowed_fields: frozenset = frozenset()

    def values(self, form):
        return form_values(form, self.allowed_fields)

    def write(self, request, parent, form):
        if form.instance.pk:
            return self.update_row(request, form.instance, form)
        return self.create_row(request, parent, form)


class VendorServiceInline(RowInline, admin.TabularInline):
    model = VendorService
    fields = ["slug", "name", "business_criticality", "production_access", "handles_secrets", "description"]
    prepopulated_fields = {"slug": ["name"]}
    allowed_fields = services.SERVICE_FIELDS
    extra = 0
    show_change_link = True

    def create_row(self, request, parent, form):
        return services.vendor_service_create(vendor=parent, actor=request.user, **self.values(form))

    def update_row(self, request, obj, form):
        return services.vendor_service_update(service=obj, actor=request.user, **self.values(form))


class ContractInline(RowInline, admin.StackedInline):
    model = Contract
    allowed_fields = services.CONTRACT_FIELDS
    extra = 0
    show_change_link = True
    fields = [
        ("reference", "starts_on", "ends_on", "dpa_signed_on"),
        ("breach_notification_hours", "subprocessor_change_notice_days", "termination_notice_days"),
        ("audit_rights", "annual_value"),
        "description",
    ]

    def create_row(self, request, parent, form):
        return services.contract_create(vendor=parent, actor=request.user, **self.values(form))

    def update_row(self, request, obj, form):
        return services.contract_update(contract=obj, actor=request.user, **self.values(form))


@admin.display(description=_("download"))
def evidence_link(document):
    # The file's own URL is deliberately not served: evidence goes out only through the reviewer-only view.
    if not (document.pk and document.file):
        return "—"
    return format_html('<a href="{}">{}</a>', reverse("evidence-download", args=[document.pk]), _("download"))


class DocumentInline(RowInline, admin.TabularInline):
    model = Document
    fields = ["kind", "title", "issued_on", "expires_on", "file", evidence_link, "verified_by", "verified_on"]
    # Verification is recorded by the "verify" action of the document page (document_verify), never typed.
    readonly_fields = [evidence_link, "verified_by", "verified_on"]
    extra = 0
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("verified_by")

    def create_row(self, request, parent, form):
        return services.document_create(vendor=parent, actor=request.user, **document_values(form))

    def update_row(self, request, obj, form):
        return services.document_update(document=obj, actor=request.user, **document_values(form))


class ContactInline(RowInline, admin.TabularInline):
    model = Contact
    fields = ["name", "role", "email", "phone", "is_security_contact"]
    allowed_fields = services.CONTACT_FIELDS
    extra = 0

    def create_row(self, request, parent, form):
        return services.contact_create(vendor=parent, actor=request.user, **self.values(form))

    def update_row(self, request, obj, form):
        return services.contact_update(contact=obj, actor=request.user, **self.values(form))

    def remove(self, request, obj):
        services.contact_remove(contact=obj, actor=request.user)


class SubprocessorInline(RowInline, admin.TabularInline):
    """The vendor's own vendors; subprocessor_add/update check that the services supported are the vendor's."""

    model = Subprocessor
    fk_name = "vendor"
    fields = ["subprocessor", "services", "purpose", "country"]
    allowed_fields = services.SUBPROCESSOR_FIELDS
    autocomplete_fields = ["subprocessor", "services"]
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("subprocessor").prefetch_related("services")

    def create_row(self, request, parent, form):
        data = form.cleaned_data
        return services.subprocessor_add(
            vendor=parent,
            subprocessor=data["subprocessor"],
            services=data["services"],
            actor=request.user,
            **self.values(form),
        )

    def update_row(self, request, obj, form):
        data = form.cleaned_data
        if "subprocessor" in form.changed_data:
            # Another subprocessor is another link: the old one goes, the new one is recorded.
            old = Subprocessor.objects.get(pk=obj.pk)
            services.subprocessor_remove(link=old, actor=request.user)
            return services.subprocessor_add(
                vendor=old.vendor,
                subprocessor=data["subprocessor"],
                services=data["services"],
                actor=request.user,
                **self.values(form),
            )
        return services.subprocessor_update(
            link=obj, services=data["services"], actor=request.user, **self.values(form)
        )

    def remove(self, request, obj):
        services.subprocessor_remove(link=obj, actor=request.user)


class VendorChangeList(RowsChangeList):
    """The register's page: its vendors get their systems and shared categories in two queries over the page."""

    def get_results(self, request):
        super().get_results(request)
        self.result_list = vendor_register_columns(list(self.result_list))


@admin.register(Vendor)
class VendorAdmin(ServiceAdmin):
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
        "questionnaire",
        "residual_rating",
        "fourth_parties",
        "created_at",
        "updated_at",
    ]
    fieldsets = [
        (None, {"fields": ["display_name", "legal_name", "slug", "category", "status", "owner", "description"]}),
        (_("Where it lives"), {"fields": ["website", "domains", "hq_country"]}),
        (_("Risk tier"), {"fields": ["computed_tier", "tier_override", "tier_override_reason", "tier"]}),
        (_("Data map"), {"fields": ["data_flows", "fourth_parties"]}),
        (_("Residual risk"), {"fields": ["residual_rating"]}),
        (_("Security questionnaire"), {"fields": ["questionnaire"]}),
        (_("Record"), {"fields": ["created_at", "updated_at"]}),
    ]
    inlines = [VendorServiceInline, ContractInline, DocumentInline, ContactInline, SubprocessorInline]
    # A website typed without a scheme is a vendor's https site, not a plain-http one.
    formfield_overrides = {models.URLField: {"form_class": forms.URLField, "assume_scheme": "https"}}

    def get_changelist(self, request, **kwargs):
        return VendorChangeList

    def get_object(self, request, object_id, from_field=None):
        # The change page lists every flow with its categories: one vendor's, loaded for that page only.
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            return None
        return vendor_register_list(queryset=self.get_queryset(request).filter(pk=obj.pk)).get()

    @admin.display(description=_("latest questionnaire"))
    def questionnaire(self, obj):
        # Read-only, and imported here: questionnaires sit above vendors (the workspace's vendor page, issue 24,
        # takes the same selector).
        from apps.questionnaires.selectors import questionnaire_summary_for_vendor

        summary = questionnaire_summary_for_vendor(vendor=obj) if obj.pk else None
        if summary is None:
            return "—"
        score = "—" if summary["overall"] is None else f"{summary['overall']:g} %"
        url = reverse("admin:questionnaires_questionnaire_change", args=[summary["questionnaire"].pk])
        return format_html(
            '<a href="{}">{}</a>: {}, due {}, {} of {} answered, score {}',
            url,
            summary["questionnaire"],
            summary["state"],
            summary["due_on"],
            summary["answered"],
            summary["total"],
            score,
        )

    def create(self, request, obj, form):
        return services.vendor_create(actor=request.user, **form_values(form, services.VENDOR_FIELDS))

    def update(self, request, obj, form):
        return services.vendor_update(vendor=obj, actor=request.user, **form_values(form, services.VENDOR_FIELDS))

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # A service's criticality, production access or secrets move the tier: recompute once when one changed.
        if any(fs.model is VendorService and (fs.new_objects or fs.changed_objects) for fs in formsets):
            EventHandler(request.user).data_map_changed(vendor_ids=[form.instance.pk])

    @admin.display(description=_("systems"))
    def systems(self, obj):
        return ", ".join(obj.listed_systems) or "—"

    @admin.display(description=_("shared data categories"))
    def shared_categories(self, obj):
        return ", ".join(obj.listed_categories) or "—"

    @admin.display(description=_("residual risk"))
    def residual_rating(self, obj):
        # apps.monitoring sits above vendors; this page only reads it (the change page, one vendor).
        from apps.monitoring.models import ResidualRisk

        row = ResidualRisk.objects.filter(vendor_id=obj.pk).first() if obj.pk else None
        if row is None:
            return "—"
        rating = row.get_rating_display() if row.rating else "—"
        return format_html_join(
            "\n", "<p>{}</p>", [(f"{rating} (gap score {row.score})",), *((r,) for r in row.reasons)]
        )

    @admin.display(description=_("fourth parties (subprocessor chain)"))
    def fourth_parties(self, obj):
        from apps.monitoring.chain import fourth_party_graph

        if not obj.pk:
            return "—"
        graph = fourth_party_graph(vendor=obj)
        rows = [
            (
                "— " * edge["level"],
                edge["vendor"],
                edge["subprocessor"],
                edge["country"] or "?",
                ", ".join(f"{c['category']} ({c['sharing']})" for c in edge["categories"]) or _("nothing declared"),
            )
            for edge in graph["edges"]
        ]
        return format_html_join("\n", "<p>{}{} → {} [{}]: {}</p>", rows) or "—"

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
class VendorServiceAdmin(ServiceAdmin):
    list_display = ["name", "vendor", "business_criticality", "production_access", "handles_secrets"]
    list_filter = ["business_criticality", "production_access", "handles_secrets"]
    list_select_related = ["vendor"]
    search_fields = ["name", "slug", "vendor__display_name", "vendor__slug"]
    autocomplete_fields = ["vendor"]
    prepopulated_fields = {"slug": ["name"]}

    def get_readonly_fields(self, request, obj=None):
        # Flows and subprocessors hang off a service: it stays with its vendor.
        return ["vendor"] if obj else []

    def create(self, request, obj, form):
        service = services.vendor_service_create(
            vendor=form.cleaned_data["vendor"], actor=request.user, **form_values(form, services.SERVICE_FIELDS)
        )
        EventHandler(request.user).data_map_changed(vendor_ids=[service.vendor_id])
        return service

    def update(self, request, obj, form):
        service = services.vendor_service_update(
            service=obj, actor=request.user, **form_values(form, services.SERVICE_FIELDS)
        )
        EventHandler(request.user).data_map_changed(vendor_ids=[service.vendor_id])
        return service


@admin.register(Contract)
class ContractAdmin(ServiceAdmin):
    list_display = ["reference", "vendor", "starts_on", "ends_on", "dpa_signed_on", "breach_notification_hours"]
    list_filter = ["audit_rights", "starts_on", "ends_on"]
    list_select_related = ["vendor"]
    search_fields = ["reference", "description", "vendor__display_name", "vendor__slug"]
    autocomplete_fields = ["vendor"]
    date_hierarchy = "starts_on"

    def get_readonly_fields(self, request, obj=None):
        return ["vendor"] if obj else []

    def create(self, request, obj, form):
        return services.contract_create(
            vendor=form.cleaned_data["vendor"], actor=request.user, **form_values(form, services.CONTRACT_FIELDS)
        )

    def update(self, request, obj, form):
        return services.contract_update(contract=obj, actor=request.user, **form_values(form, services.CONTRACT_FIELDS))


@admin.register(Document)
class DocumentAdmin(ServiceAdmin):
    list_display = ["title", "vendor", "kind", "issued_on", "expires_on", "verified_by", evidence_link]
    list_filter = ["kind", "expires_on"]
    list_select_related = ["vendor", "verified_by"]
    search_fields = ["title", "vendor__display_name", "vendor__slug"]
    autocomplete_fields = ["vendor"]
    actions = ["verify"]

    def get_readonly_fields(self, request, obj=None):
        # Who verified and when are recorded by the "verify" action (document_verify), never typed in.
        fixed = [evidence_link, "verified_by", "verified_on"]
        return ["vendor", *fixed] if obj else fixed

    def create(self, request, obj, form):
        return services.document_create(vendor=form.cleaned_data["vendor"], actor=request.user, **document_values(form))

    def update(self, request, obj, form):
        return services.document_update(document=obj, actor=request.user, **document_values(form))

    @admin.action(description=_("Verify the selected documents (recorded as verified by you, today)"))
    def verify(self, request, queryset):
        documents = list(queryset)
        for document in documents:
            services.document_verify(document=document, actor=request.user)
        self.message_user(request, _("Verified %(count)d document(s).") % {"count": len(documents)}, messages.SUCCESS)
