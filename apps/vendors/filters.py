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
    """`?data_category=email-address&mechanism=client_side_sdk`: vendors with an active flow carrying both.

    Flow-level filters match within one active (not ended) flow, through EXISTS: no duplicate rows.
    """

    search_fields = ("slug", "display_name", "legal_name", "description")

    tier = django_filters.TypedMultipleChoiceFilter(choices=Tier.choices, coerce=int)
    status = django_filters.MultipleChoiceFilter(choices=VendorStatus.choices)
    category = django_filters.MultipleChoiceFilter(choices=VendorCategory.choices)
    country = django_filters.CharFilter(method="filter_country", label="HQ, processing or storage country")

    class Meta:
        model = Vendor
        fields = ("slug",)

    def filter_country(self, queryset, name, value):
        flows_there = DataFlow.objects.filter(active_flow_q(), country_condition(value), vendor=OuterRef("pk"))
        return queryset.filter(Q(hq_country__iexact=value) | Exists(flows_there))

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if not self.asks_blast_radius():
            return queryset
        condition, categories = self.flow_conditions()
        flows = DataFlow.objects.filter(active_flow_q(), condition, vendor=OuterRef("pk"))
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
