"""Pagination for every list: page numbers for the register, cursors for tables that grow without bound."""

import hashlib
import json

from django.core import signing
from django.core.cache import cache
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db import connection
from django.db.models import Q
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination, PageNumberPagination
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param


def counted(object_list):
    """What counting `object_list` counts: a lean list's page of values() names its queryset without their joins."""
    return getattr(object_list, "counted_as", object_list)


class CountedPaginator(Paginator):
    """Django's paginator, counting `counted(object_list)` (the same rows, fewer joins)."""

    @cached_property
    def count(self):
        source = counted(self.object_list)
        return source.count() if source is not self.object_list else super().count


class StandardPagination(PageNumberPagination):
    django_paginator_class = CountedPaginator
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    # 500 million rows at the largest page size. Beyond it the row offset overflows the database's 64-bit
    # integers (a 500 on SQLite): refuse the number before any query.
    max_page_number = 1_000_000

    def get_page_number(self, request, paginator):
        number = super().get_page_number(request, paginator)
        digits = str(number).strip()
        if digits.isdigit() and (len(digits) > len(str(self.max_page_number)) or int(digits) > self.max_page_number):
            raise ValidationError({self.page_query_param: [f"A page number may be at most {self.max_page_number}."]})
        return number


class AppendOnlyCursorPagination(CursorPagination):
    """For history and timelines: stable under inserts, no COUNT(*) over a huge table."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    ordering = "-id"


class CappedCountPaginator(CountedPaginator):
    """A paginator that never runs an exact COUNT(*) over more than `count_cap` rows, and on a big list none.

    - On PostgreSQL the planner's row estimate of the list comes first (`EXPLAIN`: planning only, nothing is
      read). When it is far above the cap (`estimate_trust` times), counting up to the cap would walk the
      matches only to learn "more than 1,000": the estimate is reported instead, with `count_is_exact` false.
      The blast radius spent 45-90 ms in that walk for 2-5 ms of page (issue 22).
    - Otherwise `count` is exact up to the cap (a `COUNT(*)` over a subquery with `LIMIT cap + 1`, unordered,
      stops early). Above it the larger of the estimate and the cap plus one is reported, inexact.
    - The planner's estimate of a list is kept `estimate_seconds` in the cache, keyed by the list's SQL: paging
      through a list, or polling it, asked the planner the same question on every request, a round trip worth a
      quarter of the vendor page's time (issue 22). It stays an estimate, reported with `count_is_exact` false
      (the planner's own figure lags the table by its last ANALYZE anyway); under the cap's threshold it only
      decides that an exact count is run.
    `count_is_exact` is true only when the number was counted. Pages are not bounded by `count`: each page reads
    one row more than it shows to know whether a next page exists, so any page that has rows can be reached.
    """

    count_cap = 1_000
    estimate_trust = 3
    estimate_seconds = 30

    @cached_property
    def count(self):
        estimate = self._planner_estimate()
        if estimate is not None and estimate > self.count_cap * self.estimate_trust:
            self.count_is_exact = False
            return estimate
        capped = counted(self.object_list).order_by()[: self.count_cap + 1].count()
        self.count_is_exact = capped <= self.count_cap
        if self.count_is_exact:
            return capped
        return max(capped, estimate or 0)

    def _planner_estimate(self):
        """The planner's row estimate of the whole list on PostgreSQL (one EXPLAIN, no rows read); else None."""
        queryset = counted(self.object_list)
        if connection.vendor != "postgresql" or not hasattr(queryset, "explain"):
            return None
        queryset = queryset.order_by()
        sql, params = queryset.query.sql_with_params()
        question = repr((connection.settings_dict["NAME"], sql, params)).encode()
        key = f"api.planner-estimate:{hashlib.sha256(question).hexdigest()}"
        rows = cache.get(key)
        if rows is None:
            plan = json.loads(queryset.explain(format="json"))
            rows = int(plan[0]["Plan"]["Plan Rows"])
            cache.set(key, rows, self.estimate_seconds)
        return rows if rows > 0 else None

    def validate_number(self, number):
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(_("That page number is not an integer")) from None
        if number < 1:
            raise EmptyPage(_("That page number is less than 1"))
        return number

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        if not rows and number > 1:
            raise EmptyPage(_("That page contains no results"))
        return LookaheadPage(rows[: self.per_page], number, self, has_more=len(rows) > self.per_page)


class LookaheadPage(Page):
    def __init__(self, object_list, number, paginator, *, has_more):
        super().__init__(object_list, number, paginator)
        self.has_more = has_more

    def has_next(self):
        return self.has_more

    def next_page_number(self):
        return self.number + 1

    def end_index(self):
        return (self.number - 1) * self.paginator.per_page + len(self.object_list)


class KeysetMixin:
    """Opt-in keyset (cursor) pages on a big list: `?pagination=cursor` starts, each `next` link continues.

    A deep page costs what the first does: the cursor holds the last row's values of the view's `keyset_ordering`
    (non-null fields ending in a unique one, e.g. `("display_name", "id")`) and the next page is
    `WHERE (display_name, id) > (…) ORDER BY display_name, id LIMIT n`, never an OFFSET. Filters apply as on page
    numbers. The cursor is signed for this list: a tampered one, or one from another list, is a 400. Forward
    only; no `count` (counting would cost what the cursor saves). Page-number clients are unaffected.
    """

    pagination_query_param = "pagination"
    cursor_query_param = "cursor"
    keyset = None  # the ordering of the current keyset page; None on page numbers
    invalid_cursor_message = "This cursor is not valid: it was changed, or it belongs to another list or ordering."

    def paginate_queryset(self, queryset, request, view=None):
        self.keyset = None
        params = request.query_params
        if params.get(self.pagination_query_param) != "cursor" and self.cursor_query_param not in params:
            return super().paginate_queryset(queryset, request, view)
        self.keyset = tuple(view.keyset_ordering)
        self.request = request
        self.salt = f"api.cursor:{view.basename}:{','.join(self.keyset)}"
        size = self.get_page_size(request)
        token = params.get(self.cursor_query_param)
        queryset = queryset.order_by(*self.keyset)
        if token:
            queryset = queryset.filter(self._after(self._decode(token)))
        rows = list(queryset[: size + 1])
        self.next_values = self._values(rows[size - 1]) if len(rows) > size else None
        return rows[:size]

    def _decode(self, token):
        try:
            values = signing.loads(token, salt=self.salt)
        except signing.BadSignature:
            raise ValidationError({self.cursor_query_param: [self.invalid_cursor_message]}) from None
        if not isinstance(values, list) or len(values) != len(self.keyset):
            raise ValidationError({self.cursor_query_param: [self.invalid_cursor_message]})
        return values

    def _after(self, values):
        """Rows strictly after `values` in the keyset order: (a > x) or (a = x and b > y) or …"""
        condition = Q()
        for index, ordering in enumerate(self.keyset):
            name = ordering.lstrip("-")
            equal = {field.lstrip("-"): value for field, value in zip(self.keyset[:index], values, strict=False)}
            direction = "lt" if ordering.startswith("-") else "gt"
            condition |= Q(**equal, **{f"{name}__{direction}": values[index]})
        return condition

    def _values(self, row):
        values = []
        for ordering in self.keyset:
            name = ordering.lstrip("-")
            value = row[name] if isinstance(row, dict) else getattr(row, name)
            values.append(value.isoformat() if hasattr(value, "isoformat") else value)
        return values

    def keyset_paths(self, view):
        """The fields a values() page must read for its cursor."""
        return [ordering.lstrip("-") for ordering in getattr(view, "keyset_ordering", ())]

    def get_paginated_response(self, data):
        if self.keyset is None:
            return super().get_paginated_response(data)
        next_link = None
        if self.next_values is not None:
            url = self.request.build_absolute_uri()
            url = replace_query_param(url, self.cursor_query_param, signing.dumps(self.next_values, salt=self.salt))
            next_link = replace_query_param(url, self.pagination_query_param, "cursor")
        return Response({"next": next_link, "results": data})

    def get_paginated_response_schema(self, schema):
        schema = super().get_paginated_response_schema(schema)
        schema["required"] = ["results"]
        schema["description"] = (
            "Page-number pages carry `count` and `previous`; cursor pages (`?pagination=cursor`) carry only "
            "`next` and `results`."
        )
        return schema

    def get_schema_operation_parameters(self, view):
        return [
            *super().get_schema_operation_parameters(view),
            {
                "name": self.pagination_query_param,
                "required": False,
                "in": "query",
                "description": "`cursor` for keyset pages: each costs what the first does, however deep. Ordered by "
                f"{', '.join(getattr(view, 'keyset_ordering', ()))}; follow `next`. `page` is then ignored.",
                "schema": {"type": "string", "enum": ["cursor"]},
            },
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "The cursor from a cursor page's `next` link (signed; a changed one is a 400).",
                "schema": {"type": "string"},
            },
        ]


class KeysetStandardPagination(KeysetMixin, StandardPagination):
    """Page numbers with an exact count, and keyset pages on request (incidents)."""


class CappedCountPagination(KeysetMixin, StandardPagination):
    """For the big lists (vendors, data flows): `count` exact up to 1,000, then an estimate; see the paginator.

    The response adds `count_is_exact` next to `count`, so a client can show "1,000+" or "about 10,000".
    """

    django_paginator_class = CappedCountPaginator

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        if self.keyset is None:
            response.data["count_is_exact"] = self.page.paginator.count_is_exact
        return response

    def get_paginated_response_schema(self, schema):
        schema = super().get_paginated_response_schema(schema)
        schema["properties"]["count_is_exact"] = {
            "type": "boolean",
            "description": "Whether `count` is exact; above 1,000 rows it is a lower bound or the planner's estimate.",
        }
        return schema
