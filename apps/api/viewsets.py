"""The base every register viewset derives from: querysets with their joins declared once, role-aware."""

from django.db import transaction
from rest_framework import mixins, viewsets


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


class RegisterReadOnlyViewSet(RegisterViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Read the register. Writes to these resources go through the admin and the domain services."""


class RegisterViewSet(
    RegisterViewSetMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.ReadOnlyModelViewSet,
):
    """Read and write plain register records (no workflow state); deleting stays in the admin, where history shows.

    One transaction per write: the row and its audit-history row are saved together or not at all.
    """

    @transaction.atomic
    def perform_create(self, serializer):
        serializer.save()

    def get_success_headers(self, data):
        # DRF copies the body's `url` into Location; here `url` is data (a system's own address, any text,
        # newlines included: a 500 on the header), not the API link. Location names the new row instead.
        lookup = self.lookup_field
        value = data.get("id" if lookup == "pk" else lookup)
        if value is None:
            return {}
        return {"Location": self.reverse_action("detail", kwargs={self.lookup_url_kwarg or lookup: value})}

    @transaction.atomic
    def perform_update(self, serializer):
        serializer.save()
