"""Admin of the data map: the category catalogue, our systems and the flows to vendors."""

from django.contrib import admin, messages
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from apps.core.admin import REFUSALS, ServiceAdmin, ServiceInline, refusal_text
from apps.register import flows
from apps.register.handlers import EventHandler

from . import services
from .admin_filters import FlowCategoryFilter, FlowSharingFilter, FlowVendorFilter, row_count
from .choices import Sharing
from .models import DataCategory, DataFlow, DataFlowCategory, System


def form_values(form, allowed):
    """The form's cleaned values of the model fields a service accepts (the fields this admin shows)."""
    return {name: value for name, value in form.cleaned_data.items() if name in allowed and name in form.fields}


@admin.register(DataCategory)
class DataCategoryAdmin(ServiceAdmin):
    list_display = ["indented_name", "code", "sensitivity", "is_personal_data", "is_special_category", "is_secret"]
    list_filter = ["sensitivity", "is_special_category", "is_secret", "is_personal_data"]
    search_fields = ["code", "name", "description", "dpv_term"]
    autocomplete_fields = ["parent"]
    prepopulated_fields = {"code": ["name"]}
    readonly_fields = ["path", "created_at", "updated_at"]
    ordering = ["path"]

    @admin.display(description=_("name"), ordering="path")
    def indented_name(self, obj):
        return f"{'— ' * (obj.path.count('/') - 1)}{obj.name}"

    def create(self, request, obj, form):
        return services.category_create(actor=request.user, **form_values(form, services.CATEGORY_FIELDS))

    def update(self, request, obj, form):
        # The service moves the subtree's paths when the code or the parent changes.
        return flows.category_update(category=obj, actor=request.user, **form_values(form, services.CATEGORY_FIELDS))


@admin.register(System)
class SystemAdmin(ServiceAdmin):
    list_display = ["name", "slug", "url", "owner", "flow_count"]
    search_fields = ["slug", "name", "url", "description"]
    autocomplete_fields = ["owner"]
    prepopulated_fields = {"slug": ["name"]}
    list_select_related = ["owner"]
    readonly_fields = ["created_at", "updated_at"]

    def get_queryset(self, request):
        # A subquery per listed system, not a GROUP BY over every flow (100,000 at 10,000 vendors).
        return super().get_queryset(request).annotate(flow_count=row_count(DataFlow, "system"))

    @admin.display(description=_("flows"), ordering="flow_count")
    def flow_count(self, obj):
        return obj.flow_count

    def create(self, request, obj, form):
        return services.system_create(actor=request.user, **form_values(form, services.SYSTEM_FIELDS))

    def update(self, request, obj, form):
        return services.system_update(system=obj, actor=request.user, **form_values(form, services.SYSTEM_FIELDS))


class DataFlowCategoryInline(ServiceInline, admin.TabularInline):
    """Each row goes through flow_category_set, which refuses a contradiction with the flow's other rows.

    Rows are written one after the other in one transaction, so a row that contradicts an earlier row of the
    same page is refused too; the tier is recomputed once, by DataFlowAdmin, after every row is written.
    """

    model = DataFlowCategory
    autocomplete_fields = ["category"]
    fields = ["category", "sharing", "note"]
    extra = 1

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("category", "flow")

    def write(self, request, parent, form):
        data = form.cleaned_data
        if form.instance.pk and "category" in form.changed_data:
            # A row moved to another category: the old answer goes, the new one is set.
            services.flow_category_remove(row=DataFlowCategory.objects.get(pk=form.instance.pk), actor=request.user)
        return services.flow_category_set(
            flow=parent, category=data["category"], sharing=data["sharing"], note=data["note"], actor=request.user
        )

    def remove(self, request, obj):
        services.flow_category_remove(row=obj, actor=request.user)


@admin.register(DataFlow)
class DataFlowAdmin(ServiceAdmin):
    list_display = ["code", "system", "vendor", "service", "mechanism", "shared_count", "not_shared_count", "ends_on"]
    list_filter = ["mechanism", "system", FlowVendorFilter, FlowCategoryFilter, FlowSharingFilter, "ends_on"]
    list_select_related = ["system", "vendor", "service", "service__vendor"]
    search_fields = ["code", "purpose", "system__name", "vendor__display_name", "vendor__slug", "service__name"]
    autocomplete_fields = ["system", "service"]
    # A flow ends through the "end" action (flow_end), never by typing a date over the record.
    readonly_fields = ["vendor", "ends_on", "created_at", "updated_at"]
    inlines = [DataFlowCategoryInline]
    actions = ["end_today"]
    fieldsets = [
        (None, {"fields": ["code", "system", "service", "vendor", "mechanism", "purpose"]}),
        (_("Scope"), {"fields": ["data_subjects", "processing_countries", "storage_countries", "estimated_records"]}),
        (_("Dates"), {"fields": ["starts_on", "ends_on", "created_at", "updated_at"]}),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            # Counted per listed flow by a subquery: a JOIN and GROUP BY grouped all ~1,000,000 category rows
            # (and the page's COUNT(*) did it again) before keeping 100 flows.
            .annotate(
                shared_count=row_count(DataFlowCategory, "flow", sharing=Sharing.SHARED),
                not_shared_count=row_count(DataFlowCategory, "flow", sharing=Sharing.NOT_SHARED),
            )
        )

    @admin.display(description=_("shared"), ordering="shared_count")
    def shared_count(self, obj):
        return obj.shared_count

    @admin.display(description=_("not shared"), ordering="not_shared_count")
    def not_shared_count(self, obj):
        return obj.not_shared_count

    # --- writes: the flow, then its rows (the inline), then one tier recompute for the vendors touched ---------
    def create(self, request, obj, form):
        flow = services.flow_create(actor=request.user, **form_values(form, services.FLOW_FIELDS))
        request._data_map_vendor_ids = {flow.vendor_id}
        return flow

    def update(self, request, obj, form):
        previous = DataFlow.objects.filter(pk=obj.pk).values_list("vendor_id", flat=True).get()
        flow = services.flow_update(flow=obj, actor=request.user, **form_values(form, services.FLOW_FIELDS))
        request._data_map_vendor_ids = {previous, flow.vendor_id}
        return flow

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        EventHandler(request.user).data_map_changed(vendor_ids=getattr(request, "_data_map_vendor_ids", ()))

    @admin.action(description=_("End the selected flows today (kept, with their history)"))
    def end_today(self, request, queryset):
        ended = 0
        for flow in queryset:
            try:
                with transaction.atomic():
                    flows.flow_end(flow=flow, actor=request.user)
                ended += 1
            except REFUSALS as refusal:
                self.message_user(request, f"{flow.code}: {refusal_text(refusal)}", messages.ERROR)
        if ended:
            self.message_user(request, _("Ended %(count)d flow(s).") % {"count": ended}, messages.SUCCESS)
