"""FilterSets of vendors and their paper. The vendor one answers blast-radius questions through the data map."""

import django_filters
from django.db.models import Exists, OuterRef, Q

from apps.api.filtersets import SearchFilterSet, vendor_pair
from apps.datamap.filters import BlastRadiusMixin, country_condition
from apps.datamap.models import DataFlow
from apps.datamap.selectors import active_flow_q

from .choices import DocumentKind, Tier, VendorCategory, VendorStatus
from .models import Contract, Document, Vendor


class VendorFilterSet(BlastRadiusMixin, SearchFilterSet):
    """`?data_category=email-address&mechanism=client_side_sdk`: vendors with a flow carrying both.

    Flow-level filters match within one flow, through EXISTS: no duplicate rows. Ended flows count, since a
    vendor keeps what it received (after an incident that is the question); `active=true` keeps only the
    flows running today.
    """

    search_fields = ("slug", "display_name", "legal_name", "description")

    tier = django_filters.TypedMultipleChoiceFilter(choices=Tier.choices, coerce=int)
    # The residual rating is kept by apps.monitoring (a one-to-one row per vendor); filtered here by name only.
    residual_rating = django_filters.TypedMultipleChoiceFilter(
        field_name="residual_risk__rating", choices=Tier.choices, coerce=int, label="Residual risk rating"
    )
    status = django_filters.MultipleChoiceFilter(choices=VendorStatus.choices)
    category = django_filters.MultipleChoiceFilter(choices=VendorCategory.choices)
    country = django_filters.CharFilter(method="filter_country", label="HQ, processing or storage country")
    active = django_filters.BooleanFilter(method="filter_active", label="Flow-level filters: running flows only")

    class Meta:
        model = Vendor
        fields = ("slug",)

    def filter_active(self, queryset, name, value):
        return queryset  # read by _flows()

    def _flows(self):
        flows = DataFlow.objects.filter(vendor=OuterRef("pk"))
        return flows.filter(active_flow_q()) if self.form.cleaned_data.get("active") else flows

    def filter_country(self, queryset, name, value):
        flows_there = self._flows().filter(country_condition(value))
        return queryset.filter(Q(hq_country__iexact=value) | Exists(flows_there))

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if not self.asks_blast_radius():
            return queryset
        condition, categories = self.flow_conditions()
        flows = self._flows().filter(condition)
        if categories is not None:
            flows = flows.filter(categories)
        return queryset.filter(Exists(flows))


class MinimalVendorFilterSet(SearchFilterSet):
    """What procurement may filter on: names and statuses only, no data-map questions."""

    search_fields = ("slug", "display_name", "legal_name")

    status = django_filters.MultipleChoiceFilter(choices=VendorStatus.choices)

    class Meta:
        model = Vendor
        fields = ("slug",)


class ContractFilterSet(SearchFilterSet):
    search_fields = ("reference", "description", "vendor__display_name")

    vendor_id, vendor = vendor_pair()
    dpa_signed = django_filters.BooleanFilter(field_name="dpa_signed_on", lookup_expr="isnull", exclude=True)
    max_breach_notification_hours = django_filters.NumberFilter(
        field_name="breach_notification_hours", lookup_expr="lte"
    )

    class Meta:
        model = Contract
        fields = ("reference", "audit_rights")


class DocumentFilterSet(SearchFilterSet):
    search_fields = ("title", "vendor__display_name")

    vendor_id, vendor = vendor_pair()
    kind = django_filters.MultipleChoiceFilter(choices=DocumentKind.choices)
    expires_before = django_filters.DateFilter(field_name="expires_on", lookup_expr="lt")

    class Meta:
        model = Document
        fields = ()
