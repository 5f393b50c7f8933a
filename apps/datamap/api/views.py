"""Data-map endpoints: the category catalogue, our systems, and flows with blast-radius filters.

Writes go through the services: systems through apps.datamap.services, flows through apps.register.flows,
which recomputes the vendor's tier once per write. Security reviewers only.
"""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.api.fields import RefusalSerializer
from apps.api.pagination import CappedCountPagination
from apps.api.viewsets import RegisterReadOnlyViewSet, ServiceViewSet
from apps.datamap import services
from apps.datamap.filters import DataCategoryFilterSet, DataFlowFilterSet, SystemFilterSet
from apps.datamap.models import DataCategory, DataFlow, DataFlowCategory, System
from apps.register import flows

from .serializers import (
    DataCategorySerializer,
    DataFlowSerializer,
    DataFlowWriteSerializer,
    FlowEndSerializer,
    SystemSerializer,
)


class DataCategoryViewSet(RegisterReadOnlyViewSet):
    """The seeded catalogue; it changes through fixtures and the admin, not the API."""

    queryset = DataCategory.objects.all()
    serializer_class = DataCategorySerializer
    filterset_class = DataCategoryFilterSet
    select_related = ("parent",)


class SystemViewSet(ServiceViewSet, mixins.CreateModelMixin, mixins.UpdateModelMixin):
    queryset = System.objects.all()
    serializer_class = SystemSerializer
    filterset_class = SystemFilterSet
    select_related = ("owner",)

    def create_object(self, validated_data):
        return services.system_create(actor=self.request.user, **validated_data)

    def update_object(self, instance, validated_data):
        return services.system_update(system=instance, actor=self.request.user, **validated_data)


@extend_schema_view(
    create=extend_schema(request=DataFlowWriteSerializer, responses={201: DataFlowSerializer}),
    update=extend_schema(request=DataFlowWriteSerializer, responses=DataFlowSerializer),
    partial_update=extend_schema(request=DataFlowWriteSerializer, responses=DataFlowSerializer),
)
class DataFlowViewSet(ServiceViewSet, mixins.CreateModelMixin, mixins.UpdateModelMixin):
    """Flows with what they carry and what they explicitly do not. A flow is ended, never deleted."""

    queryset = DataFlow.objects.all()
    serializer_class = DataFlowSerializer
    filterset_class = DataFlowFilterSet
    pagination_class = CappedCountPagination  # a subtree filter matches tens of thousands of flows
    lean_list = True  # a hot list: serialised from values() (apps.api.lean)
    keyset_ordering = ("code", "id")  # ?pagination=cursor: the list's own order
    select_related = ("system", "vendor", "service")
    prefetch_related = (
        Prefetch(
            "flow_categories", queryset=DataFlowCategory.objects.select_related("category").order_by("category__path")
        ),
    )

    def get_serializer_class(self):
        if self.action in ("create", "update", "partial_update"):
            return DataFlowWriteSerializer
        return super().get_serializer_class()

    def _answer(self, flow, status_code=status.HTTP_200_OK, headers=None):
        # The answer is the flow as GET shows it, read again with its rows.
        flow = self.get_queryset().get(pk=flow.pk)
        data = DataFlowSerializer(flow, context=self.get_serializer_context()).data
        return Response(data, status=status_code, headers=headers)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.perform_create(serializer)
        headers = self.get_success_headers({"id": serializer.instance.pk})
        return self._answer(serializer.instance, status.HTTP_201_CREATED, headers)

    def update(self, request, *args, **kwargs):
        serializer = self.get_serializer(self.get_object(), data=request.data, partial=kwargs.pop("partial", False))
        serializer.is_valid(raise_exception=True)
        self.perform_update(serializer)
        return self._answer(serializer.instance)

    def create_object(self, validated_data):
        return flows.flow_create(actor=self.request.user, **validated_data)

    def update_object(self, instance, validated_data):
        return flows.flow_update(flow=instance, actor=self.request.user, **validated_data)

    @extend_schema(request=FlowEndSerializer, responses={200: DataFlowSerializer, 409: RefusalSerializer})
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        """End the flow on `ends_on` (default today). The flow and its history stay; 409 if it already ended."""
        serializer = FlowEndSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        flow = flows.flow_end(
            flow=self.get_object(), actor=request.user, ends_on=serializer.validated_data.get("ends_on")
        )
        return self._answer(flow)
