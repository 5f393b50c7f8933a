"""Monitoring in the admin: signals to triage, thresholds, what passes down subprocessor links, residual risk."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from apps.core.admin import REFUSALS, ServiceAdmin, refusal_text

from . import services
from .models import (
    ConcentrationFinding,
    ConcentrationThreshold,
    FeedState,
    ResidualRisk,
    Signal,
    SubprocessorCategory,
)


def _values(form, names):
    return {name: form.cleaned_data[name] for name in names if name in form.fields}


@admin.register(Signal)
class SignalAdmin(ServiceAdmin):
    """Read-only: a signal is confirmed or dismissed (with its reason) by the actions or the API, never edited."""

    list_display = ["title", "vendor", "feed", "match_kind", "match_score", "status", "created_at"]
    list_filter = ["status", "feed", "match_kind"]
    search_fields = ["title", "vendor__display_name", "entry_id", "matched_on"]
    list_select_related = ["vendor"]
    actions = ["confirm_selected"]

    @admin.action(description=_("Confirm: open an incident (medium severity) for each selected open signal"))
    def confirm_selected(self, request, queryset):
        confirmed = 0
        for signal in queryset.filter(status="open"):
            try:
                services.signal_confirm(signal=signal, actor=request.user)
                confirmed += 1
            except REFUSALS as error:
                self.message_user(request, f"{signal}: {refusal_text(error)}", messages.ERROR)
        self.message_user(request, f"{confirmed} signal(s) confirmed.")


@admin.register(SubprocessorCategory)
class SubprocessorCategoryAdmin(ServiceAdmin):
    list_display = ["link", "category", "sharing", "source", "reference"]
    list_filter = ["sharing", "source"]
    list_select_related = ["link__vendor", "link__subprocessor", "category"]
    autocomplete_fields = ["category"]
    fields = ["link", "category", "sharing", "source", "reference", "note"]

    def create(self, request, obj, form):
        names = ("link", "category", "sharing", "source", "reference", "note")
        return services.subprocessor_category_set(actor=request.user, **_values(form, names))

    def update(self, request, obj, form):
        values = _values(form, ("sharing", "source", "reference", "note"))
        return services.subprocessor_category_set(link=obj.link, category=obj.category, actor=request.user, **values)

    def remove(self, request, obj):
        services.subprocessor_category_remove(row=obj, actor=request.user)

    def get_readonly_fields(self, request, obj=None):
        return ["link", "category"] if obj else []


@admin.register(ConcentrationThreshold)
class ConcentrationThresholdAdmin(ServiceAdmin):
    list_display = ["dimension", "up_to_tier", "max_percent", "is_active"]
    fields = list(services.THRESHOLD_FIELDS)

    def create(self, request, obj, form):
        return services.threshold_create(actor=request.user, **_values(form, services.THRESHOLD_FIELDS))

    def update(self, request, obj, form):
        return services.threshold_update(threshold=obj, actor=request.user, **_values(form, services.THRESHOLD_FIELDS))


@admin.register(ConcentrationFinding)
class ConcentrationFindingAdmin(ServiceAdmin):
    list_display = ["subject", "threshold", "share_percent", "count", "total", "status", "created_at"]
    list_filter = ["status"]


@admin.register(ResidualRisk)
class ResidualRiskAdmin(ServiceAdmin):
    list_display = ["vendor", "rating", "score", "computed_at"]
    list_filter = ["rating"]
    list_select_related = ["vendor"]


@admin.register(FeedState)
class FeedStateAdmin(ServiceAdmin):
    list_display = ["key", "last_success_at", "last_attempt_at", "consecutive_failures", "last_error", "retry_after"]
