"""Incident endpoints: headlines in the list, the full record in the detail, the timeline with cursors."""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action

from apps.api.negotiation import IgnoreFormatParameterNegotiation
from apps.api.pagination import AppendOnlyCursorPagination
from apps.api.viewsets import RegisterReadOnlyViewSet
from apps.incidents.filters import IncidentFilterSet
from apps.incidents.models import Incident, IncidentClaim, IncidentExposure, TimelineEvent
from apps.reports.builders import build_incident_report
from apps.reports.notices import render_notice
from apps.reports.openapi import NOTICE_SCHEMA, REPORT_SCHEMA
from apps.reports.responses import notice_language, notice_response, report_format, report_response

from .serializers import IncidentDetailSerializer, IncidentSerializer, TimelineEventSerializer


class IncidentViewSet(RegisterReadOnlyViewSet):
    """Incidents are recorded through apps.incidents services (admin, commands); the API reads them."""

    queryset = Incident.objects.all()
    serializer_class = IncidentSerializer
    detail_serializer_class = IncidentDetailSerializer
    filterset_class = IncidentFilterSet
    select_related = ("vendor",)
    detail_prefetch_related = (
        "affected_systems",
        "affected_flows",
        "sources",
        Prefetch("exposures", queryset=IncidentExposure.objects.select_related("category", "source")),
        Prefetch("claims", queryset=IncidentClaim.objects.select_related("source", "category")),
        Prefetch("timeline", queryset=TimelineEvent.objects.select_related("source", "recorded_by")),
        "actions__owner",
        "recommendations__source",
        "amendments__recorded_by",
    )

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "retrieve":
            queryset = queryset.select_related("recorded_by")
        return queryset

    @extend_schema(**REPORT_SCHEMA)
    @action(detail=True, methods=["get"], content_negotiation_class=IgnoreFormatParameterNegotiation)
    def report(self, request, pk=None):
        """The incident report: exposure, delays against the contract and GDPR, conflicting claims, actions."""
        fmt = report_format(request.query_params.get("format"))
        incident = self.get_object()
        return report_response(build_incident_report(incident=incident), fmt, filename=f"incident-{incident.slug}")

    @extend_schema(**NOTICE_SCHEMA)
    @action(detail=True, methods=["get"], content_negotiation_class=IgnoreFormatParameterNegotiation)
    def notice(self, request, pk=None):
        """The draft notice to affected users, in English, French or Spanish, built from the incident record."""
        lang = notice_language(request.query_params.get("lang"))
        return notice_response(render_notice(incident=self.get_object(), lang=lang), lang)

    @extend_schema(responses=TimelineEventSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=AppendOnlyCursorPagination)
    def timeline(self, request, pk=None):
        """The timeline as recorded, newest entry first (cursor pagination: it is append-only)."""
        incident = self.get_object()
        events = incident.timeline.select_related("source", "recorded_by").order_by("-id")
        page = self.paginate_queryset(events)
        return self.get_paginated_response(TimelineEventSerializer(page, many=True).data)
