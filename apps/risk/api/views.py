"""Requirement catalogue, baselines, vendor standings and tightenings. Every write calls an apps.risk service."""

from django.db import transaction
from django.db.models import Count
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.api.fields import RefusalSerializer
from apps.api.inputs import InputSerializerMixin
from apps.api.viewsets import RegisterReadOnlyViewSet, ServiceViewSet
from apps.risk import services
from apps.risk.filters import BaselineFilterSet, SecurityRequirementFilterSet, VendorRequirementFilterSet
from apps.risk.models import Baseline, SecurityRequirement, VendorRequirement
from apps.risk.selectors import tightening_preview, tightenings_with_progress

from .serializers import (
    BaselineSerializer,
    SecurityRequirementSerializer,
    TighteningCreateSerializer,
    TighteningPreviewResultSerializer,
    TighteningPreviewSerializer,
    TighteningSerializer,
    VendorRequirementRecordSerializer,
    VendorRequirementSerializer,
)

REQUIREMENT_FIELDS = ("title", "description", "evidence_kinds", "control_mappings", "is_active")


class SecurityRequirementViewSet(ServiceViewSet, mixins.CreateModelMixin, mixins.UpdateModelMixin):
    queryset = SecurityRequirement.objects.all()
    serializer_class = SecurityRequirementSerializer
    filterset_class = SecurityRequirementFilterSet

    def create_object(self, validated_data):
        return services.requirement_create(actor=self.request.user, **validated_data)

    def update_object(self, instance, validated_data):
        changed = {name: validated_data[name] for name in REQUIREMENT_FIELDS if name in validated_data}
        return services.requirement_update(requirement=instance, actor=self.request.user, **changed)


class BaselineViewSet(RegisterReadOnlyViewSet):
    """Read-only here: baselines are published by tightening (POST /tightenings/ with a tier) or in the admin."""

    queryset = Baseline.objects.all()
    serializer_class = BaselineSerializer
    filterset_class = BaselineFilterSet
    prefetch_related = ("requirements",)


@extend_schema_view(
    update=extend_schema(request=VendorRequirementRecordSerializer, responses={200: VendorRequirementSerializer}),
    partial_update=extend_schema(
        request=VendorRequirementRecordSerializer, responses={200: VendorRequirementSerializer}
    ),
)
class VendorRequirementViewSet(InputSerializerMixin, ServiceViewSet, mixins.UpdateModelMixin):
    """PATCH records where the vendor stands: status (met needs evidence of the same vendor), evidence, note."""

    queryset = VendorRequirement.objects.all()
    serializer_class = VendorRequirementSerializer
    filterset_class = VendorRequirementFilterSet
    select_related = ("vendor", "requirement", "verified_by")
    input_serializer_classes = {
        "update": VendorRequirementRecordSerializer,
        "partial_update": VendorRequirementRecordSerializer,
    }

    def update(self, request, *args, **kwargs):
        return self.update_from_input(request, partial=kwargs.get("partial", False))

    def update_object(self, instance, validated_data):
        return services.vendor_requirement_record(
            vendor_requirement=instance,
            status=validated_data.get("status", instance.status),
            evidence=validated_data.get("evidence", instance.evidence),
            note=validated_data.get("note", instance.note),
            actor=self.request.user,
        )


@extend_schema_view(create=extend_schema(request=TighteningCreateSerializer, responses={201: TighteningSerializer}))
class TighteningViewSet(InputSerializerMixin, ServiceViewSet, mixins.CreateModelMixin):
    """Tightenings with their fan-out progress. POST tightens (baseline_tighten) and fans out after commit."""

    queryset = tightenings_with_progress()
    serializer_class = TighteningSerializer
    input_serializer_classes = {"create": TighteningCreateSerializer}

    def get_queryset(self):
        # Explicit order: an aggregate drops the model's default ordering, and pages need a stable one.
        return super().get_queryset().annotate(statuses_so_far=Count("statuses")).order_by("-created_at", "-id")

    def create(self, request, *args, **kwargs):
        return self.create_from_input(request)

    def create_object(self, validated_data):
        return services.baseline_tighten(
            requirement=validated_data["requirement"],
            actor=self.request.user,
            tier=validated_data.get("tier"),
            scope=dict(validated_data.get("scope") or {}),
            reason=validated_data.get("reason", ""),
            due_on=validated_data.get("due_on"),
            incident=validated_data.get("incident"),
        )

    def perform_create(self, serializer):
        super().perform_create(serializer)
        # Committed (and, without a broker, fanned out): answer with the progress as it stands now.
        serializer.instance = self.get_queryset().get(pk=serializer.instance.pk)

    @extend_schema(request=TighteningPreviewSerializer, responses={200: TighteningPreviewResultSerializer})
    @action(detail=False, methods=["post"])
    def preview(self, request):
        """The vendors a tightening with this tier and scope would reach today. Writes nothing."""
        serializer = TighteningPreviewSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = tightening_preview(
            scope=dict(serializer.validated_data.get("scope") or {}), tier=serializer.validated_data.get("tier")
        )
        return Response(TighteningPreviewResultSerializer(result).data)

    @extend_schema(request=None, responses={202: TighteningSerializer, 409: RefusalSerializer})
    @action(detail=True, methods=["post"], url_path="fan-out")
    def fan_out(self, request, pk=None):
        """Run the fan-out again: vendors that entered the scope since get the requirement; nothing is doubled."""
        tightening = self.get_object()
        with transaction.atomic():
            services.tightening_fan_out_request(tightening=tightening, actor=request.user)
        data = TighteningSerializer(self.get_queryset().get(pk=tightening.pk)).data
        return Response(data, status=status.HTTP_202_ACCEPTED)
