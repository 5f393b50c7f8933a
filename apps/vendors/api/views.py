"""Vendor endpoints: the register's main list, blast-radius filters, the data-flow report and tier history."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.decorators import action

from apps.api.negotiation import IgnoreFormatParameterNegotiation
from apps.api.pagination import AppendOnlyCursorPagination, CappedCountPagination
from apps.api.roles import sees_only_procurement_view
from apps.api.viewsets import RegisterViewSet
from apps.reports.builders import build_dataflow_report
from apps.reports.openapi import REPORT_SCHEMA
from apps.reports.responses import report_format, report_response
from apps.vendors.filters import ContractFilterSet, DocumentFilterSet, MinimalVendorFilterSet, VendorFilterSet
from apps.vendors.models import Contract, Document, Vendor

from .schema import vendor_for_role
from .serializers import (
    ContractSerializer,
    DocumentSerializer,
    TierChangeSerializer,
    VendorMinimalSerializer,
    VendorSerializer,
)


@extend_schema_view(
    list=extend_schema(responses=vendor_for_role()), retrieve=extend_schema(responses=vendor_for_role())
)
class VendorViewSet(RegisterViewSet):
    """Vendors, by slug. Procurement reads names and statuses only; status and tier change through the workflow."""

    queryset = Vendor.objects.all()
    serializer_class = VendorSerializer
    lookup_field = "slug"
    select_related = ("owner",)
    pagination_class = CappedCountPagination  # no exact COUNT(*) over thousands of blast-radius matches

    @property
    def procurement_access(self):
        return "read" if self.action in ("list", "retrieve") else None

    @property
    def filterset_class(self):
        request = getattr(self, "request", None)
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

    @extend_schema(**REPORT_SCHEMA)
    @action(detail=True, methods=["get"], content_negotiation_class=IgnoreFormatParameterNegotiation)
    def report(self, request, slug=None):
        """The vendor's data-flow report, the same as `manage.py dataflow_report <slug>`."""
        fmt = report_format(request.query_params.get("format"))
        vendor = self.get_object()
        return report_response(build_dataflow_report(vendor=vendor), fmt, filename=f"dataflow-{vendor.slug}")

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


class ContractViewSet(RegisterViewSet):
    queryset = Contract.objects.all()
    serializer_class = ContractSerializer
    filterset_class = ContractFilterSet
    select_related = ("vendor",)


class DocumentViewSet(RegisterViewSet):
    queryset = Document.objects.all()
    serializer_class = DocumentSerializer
    filterset_class = DocumentFilterSet
    select_related = ("vendor", "verified_by")
