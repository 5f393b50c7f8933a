"""FilterSets of reviews, their findings and risk exceptions."""

import django_filters

from apps.api.filtersets import SearchFilterSet, vendor_pair

from .choices import FindingSeverity, FindingStatus, ReviewKind, ReviewState
from .models import Finding, Review, RiskException


class ReviewFilterSet(SearchFilterSet):
    search_fields = ("summary", "conditions", "vendor__display_name")

    vendor_id, vendor = vendor_pair()
    kind = django_filters.MultipleChoiceFilter(choices=ReviewKind.choices)
    state = django_filters.MultipleChoiceFilter(choices=ReviewState.choices)
    incident = django_filters.CharFilter(field_name="incident__slug", label="Triggering incident (slug)")
    incident_id = django_filters.NumberFilter(field_name="incident_id")
    due_before = django_filters.DateFilter(field_name="due_on", lookup_expr="lt")

    class Meta:
        model = Review
        fields = ()


class FindingFilterSet(SearchFilterSet):
    search_fields = ("code", "title", "description")

    vendor_id, vendor = vendor_pair("review__vendor")
    review_id = django_filters.NumberFilter(field_name="review_id")
    severity = django_filters.MultipleChoiceFilter(choices=FindingSeverity.choices)
    status = django_filters.MultipleChoiceFilter(choices=FindingStatus.choices)
    due_before = django_filters.DateFilter(field_name="due_on", lookup_expr="lt")

    class Meta:
        model = Finding
        fields = ("code",)


class RiskExceptionFilterSet(SearchFilterSet):
    search_fields = ("justification", "vendor_requirement__requirement__code")

    vendor_id, vendor = vendor_pair("vendor_requirement__vendor")
    review_id = django_filters.NumberFilter(field_name="review_id")
    requirement = django_filters.CharFilter(field_name="vendor_requirement__requirement__code")
    expires_before = django_filters.DateFilter(field_name="expires_on", lookup_expr="lt")

    class Meta:
        model = RiskException
        fields = ()
