"""The base every register viewset derives from: querysets with their joins declared once, role-aware."""

from django.db import transaction
from rest_framework import viewsets
from rest_framework.response import Response

from .lean import lean_plan


class RegisterViewSetMixin:
    """Declare `select_related` and `prefetch_related` once on the viewset; every action's queryset gets them.

    Lists then run a constant number of queries whatever the page size (tests/api/test_query_counts.py).
    `detail_serializer_class` and `detail_prefetch_related` serve `retrieve` only (nested timelines, claims…).
    """

    select_related: tuple[str, ...] = ()
    prefetch_related: tuple = ()
    detail_prefetch_related: tuple = ()
    detail_serializer_class = None

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.select_related:
            queryset = queryset.select_related(*self.select_related)
        prefetches = self.prefetch_related
        if self.action == "retrieve":
            prefetches = (*prefetches, *self.detail_prefetch_related)
        if prefetches:
            queryset = queryset.prefetch_related(*prefetches)
        return queryset

    def get_serializer_class(self):
        if self.detail_serializer_class is not None and self.action == "retrieve":
            return self.detail_serializer_class
        return super().get_serializer_class()

    # A hot list sets `lean_list = True`: its page is read with values() and written by the serializer's own
    # fields (apps.api.lean), the same JSON without a model instance per row. Plans are derived once per
    # serializer class, as the joins are declared once above.
    lean_list = False
    _lean_plans: dict = {}

    def list(self, request, *args, **kwargs):
        plan = self._lean_plan() if self.lean_list else None
        if plan is None:
            return super().list(request, *args, **kwargs)
        queryset = self.filter_queryset(self.get_queryset()).select_related(None).prefetch_related(None)
        keyset_paths = getattr(self.paginator, "keyset_paths", lambda view: [])(self)
        rows = queryset.values(*dict.fromkeys([*plan.paths, *keyset_paths]))
        # Counted without the values' joins: the plan never follows a to-many relation, so the filtered queryset
        # has the same rows, and its COUNT(*) skips a join per foreign key read (the incident list's count joined
        # every vendor for an incident's vendor slug: 8 ms for 196 incidents, 0.1 ms without; issue 22).
        rows.counted_as = queryset
        page = self.paginate_queryset(rows)
        if page is None:
            return Response(plan.render(rows))
        return self.get_paginated_response(plan.render(page))

    # Query parameters that only choose the page: a hot list asked for nothing else skips building its FilterSet
    # (a deep copy of every filter, a form, its validation: ~2 ms a request), since no filter would apply.
    PAGE_PARAMETERS = frozenset({"page", "page_size", "pagination", "cursor", "format"})

    def filter_queryset(self, queryset):
        if self.lean_list and self.action == "list" and set(self.request.query_params) <= self.PAGE_PARAMETERS:
            return queryset
        return super().filter_queryset(queryset)

    def _lean_plan(self):
        serializer_class = self.get_serializer_class()
        key = (type(self), serializer_class)
        if key not in RegisterViewSetMixin._lean_plans:
            serializer = serializer_class(context={"request": None, "view": self})
            RegisterViewSetMixin._lean_plans[key] = lean_plan(
                serializer, self.queryset.model, (*self.prefetch_related,)
            )
        return RegisterViewSetMixin._lean_plans[key]


class RegisterReadOnlyViewSet(RegisterViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Read the register; resources written elsewhere (or not at all) through the API."""


class ServiceWriteMixin:
    """API writes go through the register's services: the same services the admin and the commands call.

    A viewset adds the DRF mixins of the writes it offers (CreateModelMixin, UpdateModelMixin,
    DestroyModelMixin) and implements the matching hook: `create_object(validated_data)`,
    `update_object(instance, validated_data)`, `destroy_object(instance)`; each calls a service and returns
    the saved object. Every write is one transaction; a service's ValidationError becomes a 400 naming the
    field, TransitionRefused a 409 (apps.api.exceptions). The serializer validates input; it never saves.
    tests/api/test_write_paths.py fails on a viewset that writes without a hook.
    """

    def create_object(self, validated_data):
        raise NotImplementedError(f"{type(self).__name__} must write through a service")

    def update_object(self, instance, validated_data):
        raise NotImplementedError(f"{type(self).__name__} must write through a service")

    def destroy_object(self, instance):
        raise NotImplementedError(f"{type(self).__name__} must write through a service")

    def perform_create(self, serializer):
        with transaction.atomic():
            serializer.instance = self.create_object(serializer.validated_data)

    def perform_update(self, serializer):
        with transaction.atomic():
            serializer.instance = self.update_object(serializer.instance, serializer.validated_data)

    def perform_destroy(self, instance):
        with transaction.atomic():
            self.destroy_object(instance)

    def get_success_headers(self, data):
        # DRF copies the body's `url` into Location; here `url` may be data (a system's own address, any text,
        # newlines included: a 500 on the header), not the API link. Location names the new row instead.
        lookup = self.lookup_field
        value = data.get("id" if lookup == "pk" else lookup)
        if value is None:
            return {}
        return {"Location": self.reverse_action("detail", kwargs={self.lookup_url_kwarg or lookup: value})}


class ServiceViewSet(RegisterViewSetMixin, ServiceWriteMixin, viewsets.ReadOnlyModelViewSet):
    """Read the register; add the write mixins this resource offers, each backed by its service hook."""
