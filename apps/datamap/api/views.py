"""Data-map endpoints: the category catalogue, our systems, and flows with blast-radius filters."""

from django.db.models import Prefetch

from apps.api.pagination import CappedCountPagination
from apps.api.viewsets import RegisterReadOnlyViewSet, RegisterViewSet
from apps.datamap.filters import DataCategoryFilterSet, DataFlowFilterSet, SystemFilterSet
from apps.datamap.models import DataCategory, DataFlow, DataFlowCategory, System

from .serializers import DataCategorySerializer, DataFlowSerializer, SystemSerializer


class DataCategoryViewSet(RegisterReadOnlyViewSet):
    """The seeded catalogue; it changes through fixtures and the admin, not the API."""

    queryset = DataCategory.objects.all()
    serializer_class = DataCategorySerializer
    filterset_class = DataCategoryFilterSet
    select_related = ("parent",)


class SystemViewSet(RegisterViewSet):
    queryset = System.objects.all()
    serializer_class = SystemSerializer
    filterset_class = SystemFilterSet
    select_related = ("owner",)


class DataFlowViewSet(RegisterReadOnlyViewSet):
    """Flows with what they carry and what they explicitly do not. Written through the admin and intake."""

    queryset = DataFlow.objects.all()
    serializer_class = DataFlowSerializer
    filterset_class = DataFlowFilterSet
    pagination_class = CappedCountPagination  # a subtree filter matches tens of thousands of flows
    select_related = ("system", "vendor", "service")
    prefetch_related = (
        Prefetch(
            "flow_categories", queryset=DataFlowCategory.objects.select_related("category").order_by("category__path")
        ),
    )
