"""FilterSets of incidents."""

import django_filters

from apps.api.filtersets import SearchFilterSet, vendor_pair

from .choices import IncidentStatus, Severity
from .models import Incident


class IncidentFilterSet(SearchFilterSet):
    search_fields = ("slug", "title", "summary", "vendor__display_name")

    vendor_id, vendor = vendor_pair()
    severity = django_filters.MultipleChoiceFilter(choices=Severity.choices)
    status = django_filters.MultipleChoiceFilter(choices=IncidentStatus.choices)
    open = django_filters.BooleanFilter(method="filter_open", label="Not closed")
    detected_after = django_filters.DateTimeFilter(field_name="vendor_detected_at", lookup_expr="gte")
    detected_before = django_filters.DateTimeFilter(field_name="vendor_detected_at", lookup_expr="lt")
    data_category = django_filters.CharFilter(
        field_name="exposures__category__code", distinct=True, label="Exposure recorded for this category (code)"
    )

    class Meta:
        model = Incident
        fields = ("slug",)

    def filter_open(self, queryset, name, value):
        closed = {"status": IncidentStatus.CLOSED}
        return queryset.exclude(**closed) if value else queryset.filter(**closed)
