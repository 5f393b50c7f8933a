"""The incident page: exposures, sources, claims, timeline (add only), actions, and a panel with the delays and
the conflicts. Every write goes through a service: the incident's own record through apps.register.incidents
(so a raised severity opens the response), its rows through apps.incidents.services."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from apps.core.admin import REFUSALS, ServiceAdmin, ServiceInline, refusal_errors
from apps.register.incidents import incident_create, incident_update

from . import services
from .choices import ExposureStatus
from .delays import notification_delays
from .forms import ScopeAmendmentForm
from .models import (
    CLOCK_SOURCE_FIELDS,
    Incident,
    IncidentClaim,
    IncidentExposure,
    IncidentSource,
    Recommendation,
    ResponseAction,
    ScopeAmendment,
    TimelineEvent,
)
from .obligations import CLOCK_STATUS_LABELS, incident_clocks
from .selectors import TIMELINE_ORDER, claim_conflicts, exposure_datamap_overrides, incident_list, unsupported_claims

SOURCE_FIELDS = ("source", "corrects")


def _cleaned(form, names):
    """The cleaned values of `names`: what an add service is given."""
    return {name: form.cleaned_data[name] for name in names if name in form.cleaned_data}


def _changed(form, names):
    """The changed fields among `names`, with their cleaned values: what an update service is given."""
    return {name: form.cleaned_data[name] for name in names if name in form.changed_data}


class IncidentChildInline(ServiceInline, admin.TabularInline):
    """Offers only this incident's sources (and events) in the pickers: a claim cannot cite another incident.

    The choices of every picker are read once per inline, not once per row, so the page stays a few dozen
    queries however many claims and exposures the incident has. Rows are written by services, never deleted.
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
    prepopulated_fields = {"key": ["title"]}

    def write(self, request, parent, form):
        if form.instance._state.adding:
            return services.source_add(incident=parent, **_cleaned(form, self.fields))
        return services.source_update(source=form.instance, **_changed(form, services.SOURCE_FIELDS))


class ExposureInline(IncidentChildInline):
    model = IncidentExposure
    related = ("category",)
    fields = ("category", "status", "source", "override_reason", "note")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "source":
            # An exposure is a fact: it says where it comes from.
            field.required = True
        return field

    def write(self, request, parent, form):
        data = form.cleaned_data
        if not form.instance._state.adding and "category" in form.changed_data:
            raise ValidationError({"category": "Set the other category's exposure on its own row instead."})
        return services.exposure_set(
            incident=parent,
            category=data["category"],
            status=data["status"],
            source=data["source"],
            override_reason=data.get("override_reason", ""),
            note=data.get("note", ""),
        )


class ClaimInline(IncidentChildInline):
    model = IncidentClaim
    related = ("source",)
    fields = ("key", "source", "kind", "category", "exposure_status", "subject", "value", "statement")

    def write(self, request, parent, form):
        if form.instance._state.adding:
            return services.claim_add(incident=parent, **_cleaned(form, self.fields))
        return services.claim_update(claim=form.instance, **_changed(form, services.CLAIM_FIELDS))


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

    def write(self, request, parent, form):
        data = form.cleaned_data
        return services.timeline_append(
            incident=parent,
            kind=data["kind"],
            description=data["description"],
            occurred_at=data.get("occurred_at"),
            precision=data.get("occurred_on_precision") or "day",
            source=data.get("source"),
            corrects=data.get("corrects"),
            key=data.get("key") or "",
            recorded_by=request.user,
        )


class ActionInline(IncidentChildInline):
    model = ResponseAction
    fields = ("key", "kind", "description", "owner", "due_on", "done_at")

    def write(self, request, parent, form):
        data = form.cleaned_data
        if form.instance._state.adding:
            action = services.action_add(
                incident=parent,
                kind=data["kind"],
                description=data["description"],
                owner=data.get("owner"),
                due_on=data.get("due_on"),
                key=data.get("key") or "",
            )
        else:
            action = form.instance
            changes = _changed(form, services.ACTION_FIELDS)
            if changes:
                action = services.action_update(action=action, **changes)
        if "done_at" in form.changed_data:
            if data.get("done_at") is None:
                raise ValidationError({"done_at": "A done action stays done."})
            action = services.action_complete(action=action, done_at=data["done_at"])
        return action


class RecommendationInline(IncidentChildInline):
    model = Recommendation
    fields = ("position", "key", "text", "source")

    def write(self, request, parent, form):
        data = form.cleaned_data
        if form.instance._state.adding:
            return services.recommendation_add(
                incident=parent,
                text=data["text"],
                source=data.get("source"),
                position=data.get("position"),
                key=data.get("key") or "",
            )
        return services.recommendation_update(
            recommendation=form.instance, **_changed(form, services.RECOMMENDATION_FIELDS)
        )


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
class IncidentAdmin(ServiceAdmin):
    list_display = ("title", "vendor", "severity", "status", "vendor_detected_at", "vendor_delay", "vendor_late")
    list_filter = ("severity", "status")
    search_fields = ("slug", "title", "vendor__display_name")
    actions = ("approve_notices",)
    readonly_fields = ("notification_panel", "conflicts_panel", "unsupported_panel", "datamap_panel", "recorded_by")
    prepopulated_fields = {"slug": ["title"]}
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
                    "vendor_detected_source",
                    "vendor_notified_source",
                    "dataset_received_source",
                    "we_became_aware_at",
                    "we_became_aware_source",
                    "public_disclosure_at",
                    "public_disclosure_source",
                )
            },
        ),
        (
            _("Regulatory notifications"),
            {
                "fields": (
                    "our_role",
                    "risk_to_individuals",
                    "our_systems_breached",
                    "sa_notified_at",
                    "supervisory_authority",
                    "sa_reference",
                    "sa_notified_source",
                    "subjects_notified_at",
                    "subjects_notified_source",
                    "dora_major_classified_at",
                    "dora_initial_notified_at",
                    "dora_intermediate_reported_at",
                    "dora_final_reported_at",
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
        )
        clocks = (
            (
                f"{clock.obligation.law} {clock.obligation.article}",
                clock.obligation.duty,
                CLOCK_STATUS_LABELS[clock.status],
                clock.reason,
            )
            for clock in incident_clocks(incident)
        )
        return format_html(
            '<table class="incident-delays"><tbody>{}</tbody></table>'
            '<table class="incident-clocks"><tbody>{}</tbody></table>',
            format_html_join("", "<tr><th>{}</th><td>{}</td></tr>", rows),
            format_html_join("", "<tr><th>{}</th><td>{}</td><td><strong>{}</strong></td><td>{}</td></tr>", clocks),
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

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and db_field.name in CLOCK_SOURCE_FIELDS.values():
            # A clock's moment cites one of this incident's sources; on the add page there is none yet.
            incident_id = request.resolver_match.kwargs.get("object_id") if request.resolver_match else None
            field.queryset = field.queryset.filter(incident_id=incident_id) if incident_id else field.queryset.none()
        return field

    # Choices with a model default: a form that leaves them out keeps the default (or the current value).
    DEFAULTED_CHOICES = ("our_role", "risk_to_individuals")

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        for name in self.DEFAULTED_CHOICES:
            if name in form.base_fields:
                form.base_fields[name].required = False
        return form

    def _without_blank_choices(self, fields):
        return {k: v for k, v in fields.items() if not (k in self.DEFAULTED_CHOICES and not v)}

    def get_readonly_fields(self, request, obj=None):
        # The vendor and the reference stay once recorded: sources, flows and reports hang off them.
        readonly = super().get_readonly_fields(request, obj)
        return (*readonly, "slug", "vendor") if obj else readonly

    # --- writes, through apps.register.incidents ---------------------------------------------------------
    def create(self, request, obj, form):
        data = form.cleaned_data
        fields = self._without_blank_choices({name: data[name] for name in RECORD_FIELDS if name in data})
        return incident_create(recorded_by=request.user, **fields)

    def update(self, request, obj, form):
        changes = self._without_blank_choices(_changed(form, services.INCIDENT_EDITABLE_FIELDS))
        for name in ("affected_systems", "affected_flows"):
            if name in form.changed_data:
                changes[name] = form.cleaned_data[name]
        return incident_update(incident=obj, actor=request.user, **changes)

    @admin.action(description=_("Approve the notices to affected users (en, fr, es) as they read now"))
    def approve_notices(self, request, queryset):
        from apps.reports.notices import NOTICE_LANGUAGES
        from apps.reports.services import notice_approve

        incidents = list(queryset)
        try:
            for incident in incidents:
                for lang in NOTICE_LANGUAGES:
                    notice_approve(incident=incident, lang=lang, approver=request.user)
        except REFUSALS as refusal:
            for _field, reasons in refusal_errors(refusal):
                self.message_user(request, " ".join(map(str, reasons)), messages.ERROR)
            return
        self.message_user(
            request, _("Notices approved for %(count)d incident(s).") % {"count": len(incidents)}, messages.SUCCESS
        )

    # --- the "Record scope amendment" page ---------------------------------------------------------------
    def get_urls(self):
        amend = path(
            "<path:object_id>/amend/",
            self.admin_site.admin_view(self.amend_view),
            name="incidents_incident_amend",
        )
        return [amend, *super().get_urls()]

    def amend_view(self, request, object_id):
        incident = get_object_or_404(Incident.objects.select_related("vendor"), pk=object_id)
        if not self.has_change_permission(request, incident):
            raise PermissionDenied
        form = ScopeAmendmentForm(request.POST or None, incident=incident)
        if request.method == "POST" and form.is_valid():
            try:
                amendment = services.scope_amend(
                    incident=incident, changes=form.changes(), reason=form.cleaned_data["reason"], actor=request.user
                )
            except REFUSALS as refusal:
                for field, reasons in refusal_errors(refusal):
                    form.add_error(field if field in form.fields else None, reasons)
            else:
                self.message_user(
                    request, _("Scope amended: version %d recorded.") % amendment.version, messages.SUCCESS
                )
                return redirect(reverse("admin:incidents_incident_change", args=[incident.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Record scope amendment"),
            "opts": self.model._meta,
            "original": incident,
            "form": form,
            "exposure_formset": form.exposures,
        }
        return TemplateResponse(request, "admin/incidents/incident/amend.html", context)


# What the add form passes to incident_record.
RECORD_FIELDS = (
    "slug",
    "vendor",
    "title",
    "summary",
    "severity",
    "status",
    "vendor_detected_at",
    "vendor_notified_at",
    "dataset_received_at",
    "we_became_aware_at",
    "public_disclosure_at",
    "data_subjects",
    "affected_systems",
    "affected_flows",
    "estimated_affected_records",
    "breach_location",
    *services.REGULATORY_FIELDS,
)
