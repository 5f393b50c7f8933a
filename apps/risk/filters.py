"""FilterSets of requirements, baselines and each vendor's standing."""

import django_filters

from apps.api.filtersets import SearchFilterSet, vendor_pair
from apps.vendors.choices import Tier

from .choices import RequirementStatus
from .models import Baseline, SecurityRequirement, VendorRequirement


class SecurityRequirementFilterSet(SearchFilterSet):
    search_fields = ("code", "title", "description")

    baseline_tier = django_filters.TypedChoiceFilter(
        choices=Tier.choices, coerce=int, method="filter_baseline_tier", label="In the current baseline of tier"
    )

    class Meta:
        model = SecurityRequirement
        fields = ("code", "is_active")

    def filter_baseline_tier(self, queryset, name, value: int):
        return queryset.filter(baselines__tier=value, baselines__is_current=True).distinct()


class BaselineFilterSet(SearchFilterSet):
    search_fields = ("name", "description")

    tier = django_filters.TypedMultipleChoiceFilter(choices=Tier.choices, coerce=int)

    class Meta:
        model = Baseline
        fields = ("is_current", "version")


class VendorRequirementFilterSet(SearchFilterSet):
    search_fields = ("requirement__code", "requirement__title", "vendor__display_name", "note")

    vendor_id, vendor = vendor_pair()
    requirement = django_filters.CharFilter(field_name="requirement__code", label="Requirement (code)")
    requirement_id = django_filters.NumberFilter(field_name="requirement_id")
    status = django_filters.MultipleChoiceFilter(choices=RequirementStatus.choices)
    tier = django_filters.TypedMultipleChoiceFilter(field_name="vendor__tier", choices=Tier.choices, coerce=int)
    due_before = django_filters.DateFilter(field_name="due_on", lookup_expr="lt")

    class Meta:
        model = VendorRequirement
        fields = ()
