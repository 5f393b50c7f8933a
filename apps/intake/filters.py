"""FilterSet of intake requests (the API narrows them to the caller's own for procurement first)."""

import django_filters

from apps.api.filtersets import SearchFilterSet

from .choices import IntakeStatus
from .models import IntakeRequest


class IntakeRequestFilterSet(SearchFilterSet):
    search_fields = ("vendor_name", "service_name", "service_description", "business_owner")

    status = django_filters.ChoiceFilter(choices=IntakeStatus.choices)
    vendor = django_filters.CharFilter(field_name="vendor__slug", label="Vendor in the register (slug)")
    vendor_id = django_filters.NumberFilter(field_name="vendor_id")
    requester = django_filters.CharFilter(field_name="requester__username")

    class Meta:
        model = IntakeRequest
        fields = ()
