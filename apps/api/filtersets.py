"""What every FilterSet of the register shares: a free-text `q` over the fields a model names."""

import django_filters
from django.db.models import Q


class SearchFilterSet(django_filters.FilterSet):
    """`q` matches any of `search_fields` (case-insensitive substring), NetBox style."""

    search_fields: tuple[str, ...] = ()

    q = django_filters.CharFilter(method="search", label="Search")

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        condition = Q()
        for field in self.search_fields:
            condition |= Q(**{f"{field}__icontains": value})
        return queryset.filter(condition)


def vendor_pair(field_name="vendor"):
    """The NetBox pair for a related vendor: `vendor_id` by id, `vendor` by slug."""
    return (
        django_filters.NumberFilter(field_name=f"{field_name}_id", label="Vendor (id)"),
        django_filters.CharFilter(field_name=f"{field_name}__slug", label="Vendor (slug)"),
    )
