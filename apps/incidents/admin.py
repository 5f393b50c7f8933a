"""The incident page: exposures, sources, claims, timeline (add only), actions, and a panel with the delays and
the conflicts. Writes that carry rules go through apps.incidents.services."""

from django.contrib import admin
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from apps.core.admin import AuditedAdmin

from .choices import ExposureStatus
from .delays import notification_delays
from .models import (
    Incident,
    IncidentClaim,
    IncidentExposure,
    IncidentSource,
    Recommendation,
    ResponseAction,
    ScopeAmendment,
    TimelineEvent,
)
from .selectors import TIMELINE_ORDER, claim_conflicts, exposure_datamap_overrides, incident_list, unsupported_claims
from .services import incident_save_new, timeline_append

SOURCE_FIELDS = ("source", "corrects")


class IncidentChildInline(admin.TabularInline):
    """Offers only this incident's sources (and events) in the pickers: a claim cannot cite another incident.

    The choices of every picker are read once per inline, not once per row, so the page stays a few dozen
    queries however many claims and exposures the incident has.
    """

    extra = 0
    # What each row's title (its __str__) reads.
    related = ()

    def get_queryset(self, request):
        return super().get_queryset(request).select_related(*self.related)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is None:
            return None
        if db_field.name in SOURCE_FIELDS:
            incident_id = request.resolver_match.kwargs.get("object_id") if request.resolver_match else None
            field.queryset = field.queryset.filter(incident_id=incident_id) if incident_id else field.queryset.none()
        field.choices = list(field.choices)
        return field


class SourceInline(IncidentChildInline):
    model = IncidentSource
    fields = ("key", "kind", "title", "publisher", "url", "language", "published_on", "reliability", "excerpt")


class ExposureInline(IncidentChildInline):
    model = IncidentExposure
    related = ("category",)
    fields = ("category", "status", "source", "override_reason", "note")


class ClaimInline(IncidentChildInline):
    model = IncidentClaim
    related = ("source",)
    fields = ("key", "source", "kind", "category", "exposure_status", "subject", "value", "statement")


class TimelineInline(admin.TabularInline):
    """The timeline as recorded: read-only, since an event is never edited nor deleted."""

    model = TimelineEvent
    fields = ("occurred_at", "occurred_on_precision", "kind", "description", "source", "corrects", "recorded_by")
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = _("timeline (append-only)")

    def get_queryset(self, request):
        return (
            super().get_queryset(request).select_related("source", "corrects", "recorded_by").order_by(*TIMELINE_ORDER)
        )

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class TimelineAddInline(IncidentChildInline):
    """Blank rows to append events; a correction names the event it `corrects`."""

    model = TimelineEvent
    fields = ("key", "occurred_at", "occurred_on_precision", "kind", "description", "source", "corrects")
    extra = 1
    can_delete = False
    verbose_name = _("new timeline event")
    verbose_name_plural = _("append to the timeline")

    def get_queryset(self, request):
        return super().get_queryset(request).none()

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form.base_fields["key"].required = False
        formset.form.base_fields["key"].help_text = _("Leave empty to generate one.")
        return formset

    def has_change_permission(self, request, obj=None):
        return False


class ActionInline(IncidentChildInline):
    model = ResponseAction
    fields = ("key", "kind", "description", "owner", "due_on", "done_at")


class RecommendationInline(IncidentChildInline):
    model = Recommendation
    fields = ("position", "key", "text", "source")


class AmendmentInline(admin.StackedInline):
    model = ScopeAmendment
    fields = ("version", "amended_at", "reason", "changes", "scope_snapshot", "recorded_by")
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = _("scope amendments (every version kept)")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


def _hours(value):
    return "unknown" if value is None else f"{value:g} h"


def _display_value(value):
    """Exposure statuses read as words ("not exposed"), other claim values as the source put them."""
    return ExposureStatus(value).label if value in ExposureStatus.values else value


def _when(moment, missing="unknown"):
    return f"{moment:%Y-%m-%d %H:%M} UTC" if moment else missing


def _verdict(breached):
    if breached is None:
        return _("unknown")
    return _("BREACHED") if breached else _("on time")


@admin.register(Incident)
class IncidentAdmin(AuditedAdmin):
    list_display = ("title", "vendor", "severity", "status", "vendor_detected_at", "vendor_delay", "vendor_late")
    list_filter = ("severity", "status")
    search_fields = ("slug", "title", "vendor__display_name")
    readonly_fields = ("notification_panel", "conflicts_panel", "unsupported_panel", "datamap_panel", "recorded_by")
    filter_horizontal = ("affected_systems", "affected_flows")
    fieldsets = (
        (None, {"fields": ("slug", "vendor", "title", "summary", "severity", "status", "recorded_by")}),
        (
            _("When"),
            {
                "fields": (
                    "vendor_detected_at",
                    "vendor_notified_at",
                    "dataset_received_at",
                    "we_became_aware_at",
                    "public_disclosure_at",
                )
            },
        ),
        (
            _("Scope"),
            {
                "fields": (
                    "affected_systems",
                    "affected_flows",
                    "data_subjects",
                    "estimated_affected_records",
                    "breach_location",
                )
            },
        ),
        (
            _("Notification delays and conflicting claims"),
            {"fields": ("notification_panel", "conflicts_panel", "unsupported_panel", "datamap_panel")},
        ),
    )
    inlines = (
        ExposureInline,
        SourceInline,
        ClaimInline,
        TimelineInline,
        TimelineAddInline,
        ActionInline,
        RecommendationInline,
        AmendmentInline,
    )

    def get_queryset(self, request):
        return incident_list()

    def get_fieldsets(self, request, obj=None):
        # The panel reads the saved incident: nothing to show on the add page.
        return self.fieldsets if obj else self.fieldsets[:-1]

    @admin.display(description=_("vendor → us"))
    def vendor_delay(self, incident):
        return _hours(notification_delays(incident).delay_hours)

    @admin.display(description=_("contract clause"))
    def vendor_late(self, incident):
        return _verdict(notification_delays(incident).contract_breached)

    @admin.display(description=_("notification delays"))
    def notification_panel(self, incident):
        delays = notification_delays(incident)
        rows = (
            (_("Vendor detected"), _when(delays.vendor_detected_at)),
            (_("Vendor told us"), _when(delays.vendor_notified_at)),
            (_("Data set received"), _when(delays.dataset_received_at)),
            (_("We were told (earliest)"), _when(delays.told_at, "not yet")),
            (_("Vendor → us"), _hours(delays.delay_hours)),
            (
                _("Contract clause"),
                f"{_hours(delays.contract_clause_hours)} ({delays.contract_reference or 'no contract'})",
            ),
            (_("Vendor within its clause?"), _verdict(delays.contract_breached)),
            (_("Our awareness → public disclosure"), _hours(delays.disclosure_hours)),
            (_("GDPR Art. 33 (72 h)"), _verdict(delays.gdpr_breached)),
        )
        return format_html(
            '<table class="incident-delays"><tbody>{}</tbody></table>',
            format_html_join("", "<tr><th>{}</th><td>{}</td></tr>", rows),
        )

    @admin.display(description=_("conflicting claims"))
    def conflicts_panel(self, incident):
        conflicts = claim_conflicts(incident=incident)
        if not conflicts:
            return _("No claim contradicts a more reliable source.")
        rows = (
            (
                conflict["category"]["name"] if conflict["category"] else conflict["subject"],
                _display_value(conflict["value"]),
                _display_value(conflict["contradicted_by"]["value"]),
                conflict["claim"],
                conflict["source"]["key"],
                conflict["source"]["title"],
                conflict["source"]["reliability"],
                conflict["contradicted_by"]["source"]["key"],
                conflict["contradicted_by"]["source"]["title"],
                conflict["contradicted_by"]["source"]["reliability"],
                conflict["contradicted_by"]["statement"],
            )
            for conflict in conflicts
        )
        return format_html(
            '<table class="incident-conflicts"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>'
            "<tbody>{}</tbody></table>",
            _("About (claimed ≠ reference)"),
            _("Claim (source, reliability)"),
            _("Contradicted by"),
            _("Its statement"),
            format_html_join(
                "",
                "<tr><td><strong>{}</strong><br>{} ≠ {}</td><td>{}<br><em>{} · {} ({})</em></td>"
                "<td><em>{} · {} ({})</em></td><td>{}</td></tr>",
                rows,
            ),
        )

    @admin.display(description=_("unsupported claims"))
    def unsupported_panel(self, incident):
        claims = unsupported_claims(incident=incident)
        if not claims:
            return _("Every claim of a low-reliability source is confirmed or contradicted by another source.")
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                "<li>{} <em>({}, {}; no other source speaks to it)</em></li>",
                ((c["claim"], c["source"]["title"], c["source"]["reliability"]) for c in claims),
            ),
        )

    @admin.display(description=_("against the data map"))
    def datamap_panel(self, incident):
        overrides = exposure_datamap_overrides(incident=incident)
        if not overrides:
            return _("Every exposed or suspected category was sent to the vendor by some flow.")
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                "<li>{} — {} (override: {})</li>",
                ((o.category.name, o.get_status_display(), o.override_reason) for o in overrides),
            ),
        )

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
        else:
            incident_save_new(
                incident=obj,
                affected_systems=form.cleaned_data.get("affected_systems", ()),
                affected_flows=form.cleaned_data.get("affected_flows", ()),
                recorded_by=request.user,
            )

    def save_formset(self, request, form, formset, change):
        if formset.model is not TimelineEvent:
            return super().save_formset(request, form, formset, change)
        # The admin's change message reads these; events are only ever added.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for event_form in formset.forms:
            if not event_form.has_changed() or not event_form.instance._state.adding:
                continue
            data = event_form.cleaned_data
            event = timeline_append(
                incident=form.instance,
                kind=data["kind"],
                description=data["description"],
                occurred_at=data.get("occurred_at"),
                precision=data.get("occurred_on_precision") or "day",
                source=data.get("source"),
                corrects=data.get("corrects"),
                key=data.get("key") or "",
                recorded_by=request.user,
            )
            formset.new_objects.append(event)
        return None
