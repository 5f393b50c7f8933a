"""FilterSets of the data map, and the blast-radius conditions vendors share with flows."""

import django_filters
from django.db.models import Exists, OuterRef, Q

from apps.api.filtersets import SearchFilterSet, vendor_pair

from .choices import Mechanism, Sensitivity, Sharing
from .models import DataCategory, DataFlow, DataFlowCategory, System
from .selectors import active_flow_q, category_subtree_ids


def shared_category_condition(*, category: DataCategory | None = None, min_sensitivity: int | None = None):
    """An EXISTS over the flow's categories that are shared (not the negative assurances).

    `category` includes its descendants, resolved to their ids first (one small query; see category_subtree_ids).
    """
    rows = DataFlowCategory.objects.filter(flow=OuterRef("pk"), sharing=Sharing.SHARED)
    if category is not None:
        rows = rows.filter(category_id__in=category_subtree_ids(category=category))
    if min_sensitivity is not None:
        rows = rows.filter(category__sensitivity__gte=min_sensitivity)
    return Exists(rows)


def country_condition(country: str, prefix: str = "") -> Q:
    # JSON "contains" is PostgreSQL-only; matching the quoted code in the JSON text works on every database.
    quoted = f'"{country.upper()}"'
    return Q(**{f"{prefix}processing_countries__icontains": quoted}) | Q(
        **{f"{prefix}storage_countries__icontains": quoted}
    )


class BlastRadiusMixin(django_filters.FilterSet):
    """Filters on what a flow carries and how. Combined, they must hold for the SAME flow and category.

    Applied in `blast_radius_queryset`, once, instead of one filter at a time: separate EXISTS clauses
    would match a vendor that gets e-mail addresses by API and something else by SDK.
    """

    data_category = django_filters.ModelChoiceFilter(
        queryset=DataCategory.objects.all(),
        to_field_name="code",
        method="defer_to_blast_radius",
        label="Data category code (descendants included)",
    )
    mechanism = django_filters.ChoiceFilter(choices=Mechanism.choices, method="defer_to_blast_radius")
    system = django_filters.CharFilter(method="defer_to_blast_radius", label="System (slug)")
    system_id = django_filters.NumberFilter(method="defer_number_to_blast_radius", label="System (id)")
    min_sensitivity = django_filters.TypedChoiceFilter(
        choices=Sensitivity.choices,
        coerce=int,
        method="defer_number_to_blast_radius",
        label="Minimum sensitivity (1-4)",
    )

    BLAST_RADIUS_FIELDS = ("data_category", "mechanism", "system", "system_id", "min_sensitivity")

    # No-ops: the flow-level filters are applied together in filter_queryset. The hints type the OpenAPI schema.
    def defer_to_blast_radius(self, queryset, name, value: str):
        return queryset

    def defer_number_to_blast_radius(self, queryset, name, value: int):
        return queryset

    def flow_conditions(self):
        """The flow-level conditions the caller asked for, as (Q on DataFlow, EXISTS on its categories)."""
        data = self.form.cleaned_data
        condition = Q()
        if data.get("mechanism"):
            condition &= Q(mechanism=data["mechanism"])
        if data.get("system"):
            condition &= Q(system__slug=data["system"])
        if data.get("system_id") is not None:
            condition &= Q(system_id=data["system_id"])
        category, min_sensitivity = data.get("data_category"), data.get("min_sensitivity")
        categories = None
        if category is not None or min_sensitivity not in (None, ""):
            categories = shared_category_condition(
                category=category, min_sensitivity=min_sensitivity if min_sensitivity != "" else None
            )
        return condition, categories

    def asks_blast_radius(self):
        return any(self.form.cleaned_data.get(name) not in (None, "") for name in self.BLAST_RADIUS_FIELDS)


class DataCategoryFilterSet(SearchFilterSet):
    search_fields = ("code", "name", "description", "dpv_term")

    parent = django_filters.CharFilter(field_name="parent__code", label="Parent (code)")
    within = django_filters.ModelChoiceFilter(
        queryset=DataCategory.objects.all(),
        to_field_name="code",
        method="filter_within",
        label="Within the subtree of (code, itself included)",
    )
    min_sensitivity = django_filters.NumberFilter(field_name="sensitivity", lookup_expr="gte")

    class Meta:
        model = DataCategory
        fields = ("is_personal_data", "is_special_category", "is_secret", "sensitivity")

    def filter_within(self, queryset, name, value: str):
        return queryset.filter(path__startswith=value.path)


class SystemFilterSet(SearchFilterSet):
    search_fields = ("slug", "name", "description", "url")

    class Meta:
        model = System
        fields = ("slug",)


class DataFlowFilterSet(BlastRadiusMixin, SearchFilterSet):
    search_fields = ("code", "purpose", "system__name", "vendor__display_name", "service__name")

    vendor_id, vendor = vendor_pair()
    service = django_filters.CharFilter(field_name="service__slug", label="Service (slug)")
    country = django_filters.CharFilter(method="filter_country", label="Processing or storage country")
    active = django_filters.BooleanFilter(method="filter_active", label="Running today (not ended)")
    tier = django_filters.NumberFilter(field_name="vendor__tier")
    status = django_filters.CharFilter(field_name="vendor__status", label="Vendor status")

    class Meta:
        model = DataFlow
        fields = ()

    def filter_country(self, queryset, name, value):
        return queryset.filter(country_condition(value))

    def filter_active(self, queryset, name, value):
        condition = active_flow_q()
        return queryset.filter(condition) if value else queryset.exclude(condition)

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if not self.asks_blast_radius():
            return queryset
        condition, categories = self.flow_conditions()
        queryset = queryset.filter(condition)
        return queryset.filter(categories) if categories is not None else queryset
