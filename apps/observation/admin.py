"""Admin of the observed data map: what to check per system, what was seen, and the findings to decide.

A finding is decided on its own page ("Decision"): accept makes the register say what the pages do, through the
register's services (apps.observation.services.finding_accept); dismiss keeps it closed with a reason. The open
findings also show on each system's and vendor's page (read-only inlines added below).
"""

from django import forms
from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from apps.core.admin import ServiceAdmin
from apps.datamap.models import System
from apps.vendors.models import Vendor, VendorService

from . import services
from .choices import FindingStatus
from .models import Crawl, DriftFinding, ObservationTarget, ObservedRequest, SdkHost
from .tasks import enqueue_observation


@admin.register(ObservationTarget)
class ObservationTargetAdmin(ServiceAdmin):
    list_display = ["system", "enabled", "csp_reports_enabled", "last_crawled_at"]
    list_select_related = ["system"]
    autocomplete_fields = ["system"]
    readonly_fields = ["csp_report_path", "last_crawled_at", "created_at", "updated_at"]
    actions = ["check_now"]

    @admin.display(description=_("CSP report-uri"))
    def csp_report_path(self, obj):
        from django.urls import reverse

        return reverse("observation:csp-report", args=[obj.report_key]) if obj.pk else "—"

    def _values(self, form):
        return {k: v for k, v in form.cleaned_data.items() if k in services.TARGET_FIELDS and k in form.fields}

    def create(self, request, obj, form):
        return services.target_create(system=form.cleaned_data["system"], actor=request.user, **self._values(form))

    def update(self, request, obj, form):
        return services.target_update(target=obj, actor=request.user, **self._values(form))

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "system"] if obj else self.readonly_fields

    @admin.action(description=_("Check these systems' pages now"))
    def check_now(self, request, queryset):
        for target in queryset:
            enqueue_observation(target)
        self.message_user(request, _("%(n)d crawls queued.") % {"n": queryset.count()}, messages.SUCCESS)


class DecisionForm(forms.ModelForm):
    decision = forms.ChoiceField(
        label=_("Decision"),
        required=False,
        choices=[("", "—"), ("accept", _("Accept: change the register to match")), ("dismiss", _("Dismiss"))],
    )
    accept_vendor = forms.ModelChoiceField(
        label=_("vendor"),
        queryset=Vendor.objects.order_by("display_name"),
        required=False,
        help_text=_("Undeclared vendor: whose origin it is."),
    )
    accept_service = forms.ModelChoiceField(
        label=_("service"),
        queryset=VendorService.objects.select_related("vendor").order_by("vendor__display_name", "name"),
        required=False,
        help_text=_("Undeclared flow: which of the vendor's services (its only one by default)."),
    )
    note = forms.CharField(label=_("Note or reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    class Meta:
        model = DriftFinding
        fields = []


@admin.register(DriftFinding)
class DriftFindingAdmin(ServiceAdmin):
    form = DecisionForm
    list_display = ["summary", "kind", "severity", "status", "system", "vendor", "last_seen", "times_seen"]
    list_filter = ["status", "kind", "severity", "system"]
    list_select_related = ["system", "vendor"]
    search_fields = ["summary", "origin", "dedupe_key"]
    readonly_fields = [
        "kind",
        "status",
        "severity",
        "summary",
        "system",
        "vendor",
        "flow",
        "category",
        "origin",
        "observed_categories",
        "evidence_link",
        "first_seen",
        "last_seen",
        "times_seen",
        "resolution_note",
    ]
    fieldsets = [
        (None, {"fields": readonly_fields}),
        (_("Decision"), {"fields": ["decision", "accept_vendor", "accept_service", "note"]}),
    ]

    def get_fieldsets(self, request, obj=None):
        if obj is not None and obj.status != FindingStatus.OPEN:
            return self.fieldsets[:1]
        return self.fieldsets

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields

    @admin.display(description=_("evidence"))
    def evidence_link(self, obj):
        if obj.evidence_id is None:
            return "—"
        evidence = obj.evidence
        return format_html(
            '<a href="../../../observedrequest/{}/change/">{} {}{}</a> from {} (script {})',
            evidence.pk,
            evidence.method,
            evidence.origin,
            evidence.path,
            evidence.page_url or "—",
            evidence.initiator or "—",
        )

    def update(self, request, obj, form):
        data = form.cleaned_data
        if data.get("decision") == "accept":
            kwargs = {k: data[f"accept_{k}"] for k in ("vendor", "service") if data.get(f"accept_{k}")}
            return services.finding_accept(finding=obj, actor=request.user, note=data.get("note") or "", **kwargs)
        if data.get("decision") == "dismiss":
            return services.finding_dismiss(finding=obj, actor=request.user, reason=data.get("note") or "")
        return obj


@admin.register(ObservedRequest)
class ObservedRequestAdmin(ServiceAdmin):
    """What our pages sent: keys, cookie names, categories and salted hashes; never a value."""

    list_display = ["__str__", "source", "system", "vendor", "resource_type", "categories", "last_seen", "times_seen"]
    list_filter = ["source", "system", "resource_type"]
    list_select_related = ["system", "vendor"]
    search_fields = ["origin", "path", "initiator", "page_url"]


@admin.register(Crawl)
class CrawlAdmin(ServiceAdmin):
    list_display = ["target", "started_at", "status", "pages_visited", "requests_seen", "third_party_requests"]
    list_filter = ["status"]
    list_select_related = ["target__system"]


@admin.register(SdkHost)
class SdkHostAdmin(ServiceAdmin):
    """Hosts of SDKs beyond the shipped table (apps.observation.matching.WELL_KNOWN_SDK_HOSTS); these win."""

    list_display = ["host", "vendor"]
    list_select_related = ["vendor"]
    autocomplete_fields = ["vendor"]
    search_fields = ["host"]

    def create(self, request, obj, form):
        return services.sdk_host_create(actor=request.user, **form.cleaned_data)

    def update(self, request, obj, form):
        return services.sdk_host_update(row=obj, actor=request.user, **form.cleaned_data)

    def remove(self, request, obj):
        services.sdk_host_remove(row=obj, actor=request.user)


class OpenDriftFindingsInline(admin.TabularInline):
    """Read-only: the open drift findings of a system or vendor, each linking to its own page to decide it."""

    model = DriftFinding
    fields = ["finding", "kind", "severity", "origin", "last_seen"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = _("open drift findings (what our pages really send)")

    def get_queryset(self, request):
        return super().get_queryset(request).filter(status=FindingStatus.OPEN).select_related("system", "vendor")

    @admin.display(description=_("finding"))
    def finding(self, obj):
        return format_html('<a href="/admin/observation/driftfinding/{}/change/">{}</a>', obj.pk, obj.summary)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        # Shown, never submitted: on a POST the page's formsets leave it out, so the system's and vendor's own
        # forms (and the tools that post them) need no management form for it.
        return request.method in ("GET", "HEAD") and super().has_view_permission(request, obj)


class SystemDriftInline(OpenDriftFindingsInline):
    fk_name = "system"


class VendorDriftInline(OpenDriftFindingsInline):
    fk_name = "vendor"


# The system and vendor pages show their findings without the data map or vendors apps knowing this app.
for model, inline in ((System, SystemDriftInline), (Vendor, VendorDriftInline)):
    model_admin = admin.site._registry.get(model)
    if model_admin is not None and inline not in model_admin.inlines:
        model_admin.inlines = [*model_admin.inlines, inline]
