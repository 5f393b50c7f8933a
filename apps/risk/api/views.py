"""Requirement catalogue, baselines and vendor standings: read here, changed through apps.risk services."""

from apps.api.viewsets import RegisterReadOnlyViewSet
from apps.risk.filters import BaselineFilterSet, SecurityRequirementFilterSet, VendorRequirementFilterSet
from apps.risk.models import Baseline, SecurityRequirement, VendorRequirement

from .serializers import BaselineSerializer, SecurityRequirementSerializer, VendorRequirementSerializer


class SecurityRequirementViewSet(RegisterReadOnlyViewSet):
    queryset = SecurityRequirement.objects.all()
    serializer_class = SecurityRequirementSerializer
    filterset_class = SecurityRequirementFilterSet


class BaselineViewSet(RegisterReadOnlyViewSet):
    queryset = Baseline.objects.all()
    serializer_class = BaselineSerializer
    filterset_class = BaselineFilterSet
    prefetch_related = ("requirements",)


class VendorRequirementViewSet(RegisterReadOnlyViewSet):
    queryset = VendorRequirement.objects.all()
    serializer_class = VendorRequirementSerializer
    filterset_class = VendorRequirementFilterSet
    select_related = ("vendor", "requirement", "verified_by")
