"""Admin of the data map: the category catalogue, our systems and the flows to vendors."""

from django import forms
from django.contrib import admin
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from apps.core.admin import AuditedAdmin

from .admin_filters import FlowCategoryFilter, FlowSharingFilter
from .choices import Sharing
from .models import DataCategory, DataFlow, DataFlowCategory, System
from .services import category_paths_rebuild


@admin.register(DataCategory)
class DataCategoryAdmin(AuditedAdmin):
    list_display = ["indented_name", "code", "sensitivity", "is_personal_data", "is_special_category", "is_secret"]
    list_filter = ["sensitivity", "is_special_category", "is_secret", "is_personal_data"]
    search_fields = ["code", "name", "description", "dpv_term"]
    autocomplete_fields = ["parent"]
    readonly_fields = ["path", "created_at", "updated_at"]
    ordering = ["path"]

    @admin.display(description=_("name"), ordering="path")
    def indented_name(self, obj):
        return f"{'— ' * (obj.path.count('/') - 1)}{obj.name}"

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # A new code or parent moves the whole subtree: the descendants' paths must follow.
        if change and {"code", "parent"} & set(form.changed_data):
            category_paths_rebuild()


@admin.register(System)
class SystemAdmin(AuditedAdmin):
    list_display = ["name", "slug", "url", "owner", "flow_count"]
    search_fields = ["slug", "name", "url", "description"]
    autocomplete_fields = ["owner"]
    list_select_related = ["owner"]
    readonly_fields = ["created_at", "updated_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(flow_count=Count("flows"))

    @admin.display(description=_("flows"), ordering="flow_count")
    def flow_count(self, obj):
        return obj.flow_count


class FlowCategoryFormSet(forms.BaseInlineFormSet):
    """Refuses, with one message per problem, a category listed twice or shared under a not-shared parent."""

    def clean(self):
        # Before the generic unique check of super().clean(), whose "duplicate data" message says less.
        self.refuse_contradictions()
        super().clean()

    def refuse_contradictions(self):
        answers = {}
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or not data.get("category"):
                continue
            category = data["category"]
            if category in answers:
                raise forms.ValidationError(
                    _("%(category)s is listed twice: a category is either shared or not shared on a flow, not both.")
                    % {"category": category}
                )
            answers[category] = data.get("sharing")
        denied_paths = {c.path: c for c, sharing in answers.items() if sharing == Sharing.NOT_SHARED}
        for category, sharing in answers.items():
            if sharing != Sharing.SHARED:
                continue
            for path, denied in denied_paths.items():
                if category.path.startswith(path):
                    raise forms.ValidationError(
                        _("%(category)s cannot be shared: this flow says %(other)s is not shared.")
                        % {"category": category, "other": denied}
                    )


class DataFlowCategoryInline(admin.TabularInline):
    model = DataFlowCategory
    formset = FlowCategoryFormSet
    autocomplete_fields = ["category"]
    fields = ["category", "sharing", "note"]
    extra = 1

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("category", "flow")


@admin.register(DataFlow)
class DataFlowAdmin(AuditedAdmin):
    list_display = ["code", "system", "vendor", "service", "mechanism", "shared_count", "not_shared_count", "ends_on"]
    list_filter = ["mechanism", "system", "vendor", FlowCategoryFilter, FlowSharingFilter, "ends_on"]
    list_select_related = ["system", "vendor", "service", "service__vendor"]
    search_fields = ["code", "purpose", "system__name", "vendor__display_name", "vendor__slug", "service__name"]
    autocomplete_fields = ["system", "service"]
    readonly_fields = ["vendor", "created_at", "updated_at"]
    inlines = [DataFlowCategoryInline]
    fieldsets = [
        (None, {"fields": ["code", "system", "service", "vendor", "mechanism", "purpose"]}),
        (_("Scope"), {"fields": ["data_subjects", "processing_countries", "storage_countries", "estimated_records"]}),
        (_("Dates"), {"fields": ["starts_on", "ends_on", "created_at", "updated_at"]}),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                shared_count=Count("flow_categories", filter=Q(flow_categories__sharing=Sharing.SHARED)),
                not_shared_count=Count("flow_categories", filter=Q(flow_categories__sharing=Sharing.NOT_SHARED)),
            )
        )

    @admin.display(description=_("shared"), ordering="shared_count")
    def shared_count(self, obj):
        return obj.shared_count

    @admin.display(description=_("not shared"), ordering="not_shared_count")
    def not_shared_count(self, obj):
        return obj.not_shared_count
