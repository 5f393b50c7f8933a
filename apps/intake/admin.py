"""Intake requests in the admin: security reviewers read them; the buyer's answers change only through /intake/."""

from django.contrib import admin

from apps.core.admin import ServiceAdmin

from .models import IntakeRequest


@admin.register(IntakeRequest)
class IntakeRequestAdmin(ServiceAdmin):
    # No create/update/remove: a ServiceAdmin without them is read-only (view permission only).
    list_display = ("__str__", "requester", "status", "tier", "vendor", "review", "submitted_at", "updated_at")
    list_filter = ("status", "tier", "mechanism", "vendor_category", "no_data")
    list_select_related = ("requester", "vendor", "review__vendor", "existing_vendor")
    search_fields = ("vendor_name", "existing_vendor__display_name", "service_name", "requester__username")
    date_hierarchy = "created_at"
    ordering = ("-updated_at",)
    fieldsets = (
        ("Workflow", {"fields": ("requester", "status", "submitted_at", "created_at")}),
        ("Result", {"fields": ("vendor", "service", "review", "tier")}),
        (
            "Vendor",
            {"fields": ("vendor_choice", "existing_vendor", "vendor_name", "vendor_website", "vendor_country")},
        ),
        (
            "Service",
            {"fields": ("service_name", "service_description", "business_owner", "business_criticality", "mechanism")},
        ),
        (
            "Data",
            {
                "fields": (
                    "systems_list",
                    "categories_list",
                    "no_data",
                    "data_subjects",
                    "estimated_records",
                    "production_access",
                    "handles_secrets",
                )
            },
        ),
        ("Contract", {"fields": ("contract_value", "contract_starts_on", "replaces_vendor")}),
    )

    def get_readonly_fields(self, request, obj=None):
        # Read-mostly: the request is the buyer's statement; reviewers act on the vendor and review it created.
        return [field for fieldset in self.fieldsets for field in fieldset[1]["fields"]]

    @admin.display(description="systems")
    def systems_list(self, obj):
        return ", ".join(system.name for system in obj.systems.all()) or "—"

    @admin.display(description="data categories")
    def categories_list(self, obj):
        return ", ".join(category.name for category in obj.categories.all()) or "—"
