"""What every FilterSet of the register shares: a free-text `q` over the fields a model names, and numbers
bounded to what the database can compare."""

import django_filters
from django.db.models import Q

BIGGEST_DATABASE_INTEGER = 2**63 - 1  # bigint on PostgreSQL, INTEGER on SQLite


class SearchFilterSet(django_filters.FilterSet):
    """`q` matches any of `search_fields` (case-insensitive substring), NetBox style."""

    search_fields: tuple[str, ...] = ()

    q = django_filters.CharFilter(method="search", label="Search")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A number beyond 64 bits cannot be bound as a query parameter (SQLite raises OverflowError, a 500):
        # it is bad input, answered 400 naming the filter. self.filters is this instance's own deep copy.
        for number_filter in self.filters.values():
            if isinstance(number_filter, django_filters.NumberFilter):
                number_filter.extra.setdefault("min_value", -BIGGEST_DATABASE_INTEGER)
                number_filter.extra.setdefault("max_value", BIGGEST_DATABASE_INTEGER)

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
