"""Vendor endpoints: the register's main list, blast-radius filters, the data-flow report and tier history.

Every write goes through apps.vendors.services (the same services as the admin). Writes are for security
reviewers only (RolePermission): dashboards and procurement get 403.
"""

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from apps.api.negotiation import IgnoreFormatParameterNegotiation
from apps.api.pagination import AppendOnlyCursorPagination, CappedCountPagination
from apps.api.roles import sees_only_procurement_view
from apps.api.viewsets import ServiceViewSet
from apps.register.handlers import EventHandler
from apps.reports.builders import build_dataflow_report
from apps.reports.openapi import DATAFLOW_REPORT_SCHEMA
from apps.reports.responses import report_format, report_language, report_response
from apps.vendors import services
from apps.vendors.filters import ContractFilterSet, DocumentFilterSet, MinimalVendorFilterSet, VendorFilterSet
from apps.vendors.models import Contract, Document, Subprocessor, Vendor

from .schema import vendor_for_role
from .serializers import (
    ContractSerializer,
    DocumentSerializer,
    SubprocessorSerializer,
    TierChangeSerializer,
    VendorMinimalSerializer,
    VendorSerializer,
    VendorServiceSerializer,
)

SERVICE_ID = OpenApiParameter("service_id", int, OpenApiParameter.PATH, description="The service's id.")


@extend_schema_view(
    list=extend_schema(responses=vendor_for_role()), retrieve=extend_schema(responses=vendor_for_role())
)
class VendorViewSet(ServiceViewSet, mixins.CreateModelMixin, mixins.UpdateModelMixin):
    """Vendors, by slug. Procurement reads names and statuses only; status and tier change through the workflow."""

    queryset = Vendor.objects.all()
    serializer_class = VendorSerializer
    lookup_field = "slug"
    select_related = ("owner",)
    pagination_class = CappedCountPagination  # no exact COUNT(*) over thousands of blast-radius matches
    lean_list = True  # a hot list: serialised from values() (apps.api.lean)
    keyset_ordering = ("display_name", "id")  # ?pagination=cursor: the list's own order

    @property
    def procurement_access(self):
        return "read" if self.action in ("list", "retrieve") else None

    @property
    def filterset_class(self):
        request = getattr(self, "request", None)
        if self.action in ("services", "service_detail", "report"):
            # The vendor is named by the URL; list filters do not apply (building the filter set was a few ms of
            # the report's time, and the report's own parameters are format and lang).
            return None
        if request is not None and sees_only_procurement_view(request.user):
            return MinimalVendorFilterSet
        return VendorFilterSet

    def get_serializer_class(self):
        if sees_only_procurement_view(self.request.user):
            return VendorMinimalSerializer
        return super().get_serializer_class()

    def get_queryset(self):
        if sees_only_procurement_view(self.request.user):
            return Vendor.objects.only("slug", "display_name", "status")
        return super().get_queryset()

    def create_object(self, validated_data):
        return services.vendor_create(actor=self.request.user, **validated_data)

    def update_object(self, instance, validated_data):
        return services.vendor_update(vendor=instance, actor=self.request.user, **validated_data)

    @extend_schema(**DATAFLOW_REPORT_SCHEMA)
    @action(detail=True, methods=["get"], content_negotiation_class=IgnoreFormatParameterNegotiation)
    def report(self, request, slug=None):
        """The vendor's data-flow report, the same as `manage.py dataflow_report <slug>`."""
        fmt = report_format(request.query_params.get("format"))
        vendor = self.get_object()
        lang = report_language(request.query_params.get("lang"))
        report = build_dataflow_report(vendor=vendor, lang=lang, generated_by=request.user.get_username(), stream=True)
        return report_response(report, fmt, filename=f"dataflow-{vendor.slug}")

    @extend_schema(responses=TierChangeSerializer(many=True))
    @action(
        detail=True,
        methods=["get"],
        url_path="tier-changes",
        pagination_class=AppendOnlyCursorPagination,
    )
    def tier_changes(self, request, slug=None):
        """Every tier change with its cause, newest first (cursor pagination: the history only grows)."""
        vendor = self.get_object()
        page = self.paginate_queryset(vendor.tier_changes.select_related("changed_by").order_by("-id"))
        return self.get_paginated_response(TierChangeSerializer(page, many=True).data)

    # --- what the vendor does for us ----------------------------------------------------------------------------
    @extend_schema(methods=["get"], responses=VendorServiceSerializer(many=True))
    @extend_schema(methods=["post"], request=VendorServiceSerializer, responses={201: VendorServiceSerializer})
    @action(detail=True, methods=["get", "post"], serializer_class=VendorServiceSerializer, pagination_class=None)
    def services(self, request, slug=None):
        """The vendor's services (GET), or a new one (POST). A service's criticality and access move the tier."""
        vendor = self.get_object()
        if request.method == "GET":
            return Response(VendorServiceSerializer(vendor.services.order_by("name"), many=True).data)
        serializer = VendorServiceSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        service = services.vendor_service_create(vendor=vendor, actor=request.user, **serializer.validated_data)
        EventHandler(request.user).data_map_changed(vendor_ids=[vendor.pk])
        return Response(VendorServiceSerializer(service).data, status=status.HTTP_201_CREATED)

    @extend_schema(methods=["get"], parameters=[SERVICE_ID], responses=VendorServiceSerializer)
    @extend_schema(
        methods=["patch"], parameters=[SERVICE_ID], request=VendorServiceSerializer, responses=VendorServiceSerializer
    )
    @action(
        detail=True,
        methods=["get", "patch"],
        url_path=r"services/(?P<service_id>[0-9]+)",
        serializer_class=VendorServiceSerializer,
    )
    def service_detail(self, request, slug=None, service_id=None):
        """One of the vendor's services (GET), or a change to it (PATCH)."""
        vendor = self.get_object()
        service = get_object_or_404(vendor.services.all(), pk=service_id)
        if request.method == "GET":
            return Response(VendorServiceSerializer(service).data)
        serializer = VendorServiceSerializer(service, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        service = services.vendor_service_update(service=service, actor=request.user, **serializer.validated_data)
        EventHandler(request.user).data_map_changed(vendor_ids=[vendor.pk])
        return Response(VendorServiceSerializer(service).data)


class ContractViewSet(ServiceViewSet, mixins.CreateModelMixin, mixins.UpdateModelMixin):
    queryset = Contract.objects.all()
    serializer_class = ContractSerializer
    filterset_class = ContractFilterSet
    select_related = ("vendor",)

    def create_object(self, validated_data):
        return services.contract_create(actor=self.request.user, **validated_data)

    def update_object(self, instance, validated_data):
        return services.contract_update(contract=instance, actor=self.request.user, **validated_data)


class DocumentViewSet(ServiceViewSet, mixins.CreateModelMixin, mixins.UpdateModelMixin):
    """Evidence metadata. Changing its kind or dates clears the verification; verifying is its own action."""

    queryset = Document.objects.all()
    serializer_class = DocumentSerializer
    filterset_class = DocumentFilterSet
    select_related = ("vendor", "verified_by")

    def create_object(self, validated_data):
        return services.document_create(actor=self.request.user, **validated_data)

    def update_object(self, instance, validated_data):
        return services.document_update(document=instance, actor=self.request.user, **validated_data)

    @extend_schema(request=None, responses=DocumentSerializer)
    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None):
        """Record that the caller, a security reviewer, verified this evidence today."""
        document = services.document_verify(document=self.get_object(), actor=request.user)
        return Response(DocumentSerializer(document).data)


class SubprocessorViewSet(ServiceViewSet, mixins.CreateModelMixin, mixins.UpdateModelMixin, mixins.DestroyModelMixin):
    """A vendor's own vendors handling our data (vendor → subprocessor), with the vendor's services they support."""

    queryset = Subprocessor.objects.all()
    serializer_class = SubprocessorSerializer
    select_related = ("vendor", "subprocessor")
    prefetch_related = ("services",)

    def create_object(self, validated_data):
        return services.subprocessor_add(actor=self.request.user, **validated_data)

    def update_object(self, instance, validated_data):
        return services.subprocessor_update(link=instance, actor=self.request.user, **validated_data)

    def destroy_object(self, instance):
        services.subprocessor_remove(link=instance, actor=self.request.user)
