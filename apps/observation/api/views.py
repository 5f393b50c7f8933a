"""/api/v1/observation/: per-system crawl settings, on-demand crawls, observed requests and drift findings.

Security reviewers write (through apps.observation.services); dashboards read.
"""

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.api.fields import RefusalSerializer
from apps.api.viewsets import RegisterReadOnlyViewSet, ServiceViewSet
from apps.observation import services
from apps.observation.choices import FindingKind, FindingStatus, Source
from apps.observation.models import Crawl, DriftFinding, ObservationTarget, ObservedRequest
from apps.observation.tasks import enqueue_observation

from .serializers import (
    CrawlSerializer,
    DriftFindingAcceptSerializer,
    DriftFindingDismissSerializer,
    DriftFindingSerializer,
    ObservedRequestSerializer,
    TargetSerializer,
)


class TargetViewSet(ServiceViewSet, mixins.CreateModelMixin, mixins.UpdateModelMixin):
    queryset = ObservationTarget.objects.order_by("pk")
    serializer_class = TargetSerializer
    select_related = ("system",)

    def create_object(self, validated_data):
        return services.target_create(actor=self.request.user, **validated_data)

    def update_object(self, instance, validated_data):
        validated_data.pop("system", None)
        return services.target_update(target=instance, actor=self.request.user, **validated_data)

    @extend_schema(request=None, responses={202: None})
    @action(detail=True, methods=["post"])
    def observe(self, request, pk=None):
        """Crawl this system's pages now, in the background; results appear under crawls/ and findings/."""
        enqueue_observation(self.get_object())
        return Response({"queued": True}, status=status.HTTP_202_ACCEPTED)


class DriftFindingFilterSet(django_filters.FilterSet):
    system = django_filters.CharFilter(field_name="system__slug")
    vendor = django_filters.CharFilter(field_name="vendor__slug")
    kind = django_filters.ChoiceFilter(choices=FindingKind.choices)
    status = django_filters.ChoiceFilter(choices=FindingStatus.choices)

    class Meta:
        model = DriftFinding
        fields = ("system", "vendor", "kind", "status")


class DriftFindingViewSet(RegisterReadOnlyViewSet):
    queryset = DriftFinding.objects.all()
    serializer_class = DriftFindingSerializer
    filterset_class = DriftFindingFilterSet
    select_related = ("system", "vendor", "flow", "category", "evidence__system", "evidence__vendor")

    @extend_schema(
        request=DriftFindingAcceptSerializer, responses={200: DriftFindingSerializer, 409: RefusalSerializer}
    )
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """Make the register say what the pages do (a flow, a category, a vendor domain, or the flow's end)."""
        serializer = DriftFindingAcceptSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        finding = services.finding_accept(finding=self.get_object(), actor=request.user, **serializer.validated_data)
        return Response(DriftFindingSerializer(finding).data)

    @extend_schema(
        request=DriftFindingDismissSerializer, responses={200: DriftFindingSerializer, 409: RefusalSerializer}
    )
    @action(detail=True, methods=["post"])
    def dismiss(self, request, pk=None):
        serializer = DriftFindingDismissSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        finding = services.finding_dismiss(finding=self.get_object(), actor=request.user, **serializer.validated_data)
        return Response(DriftFindingSerializer(finding).data)


class ObservedRequestFilterSet(django_filters.FilterSet):
    system = django_filters.CharFilter(field_name="system__slug")
    vendor = django_filters.CharFilter(field_name="vendor__slug")
    source = django_filters.ChoiceFilter(choices=Source.choices)
    unknown = django_filters.BooleanFilter(field_name="vendor", lookup_expr="isnull", label="matches no vendor")

    class Meta:
        model = ObservedRequest
        fields = ("system", "vendor", "source", "origin")


class ObservedRequestViewSet(RegisterReadOnlyViewSet):
    queryset = ObservedRequest.objects.all()
    serializer_class = ObservedRequestSerializer
    filterset_class = ObservedRequestFilterSet
    select_related = ("system", "vendor")


class CrawlViewSet(RegisterReadOnlyViewSet):
    queryset = Crawl.objects.all()
    serializer_class = CrawlSerializer
    select_related = ("target__system",)
