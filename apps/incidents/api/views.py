"""Incident endpoints: headlines in the list, the full record in the detail, the timeline with cursors."""

from django.db.models import Prefetch
from django.http import HttpResponse
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action

from apps.api.negotiation import IgnoreFormatParameterNegotiation
from apps.api.pagination import AppendOnlyCursorPagination
from apps.api.reports import NOTICE_SCHEMA, REPORT_SCHEMA, report_response, requested_format, requested_language
from apps.api.viewsets import RegisterReadOnlyViewSet
from apps.incidents.filters import IncidentFilterSet
from apps.incidents.models import Incident, IncidentClaim, IncidentExposure, TimelineEvent
from apps.reports.builders import build_incident_report
from apps.reports.notices import render_notice

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
        fmt = requested_format(request)
        return report_response(build_incident_report(incident=self.get_object()), fmt)

    @extend_schema(**NOTICE_SCHEMA)
    @action(detail=True, methods=["get"], content_negotiation_class=IgnoreFormatParameterNegotiation)
    def notice(self, request, pk=None):
        """The draft notice to affected users, in English, French or Spanish, built from the incident record."""
        lang = requested_language(request)
        text = render_notice(incident=self.get_object(), lang=lang)
        return HttpResponse(text, content_type="text/plain; charset=utf-8", headers={"Content-Language": lang})

    @extend_schema(responses=TimelineEventSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=AppendOnlyCursorPagination)
    def timeline(self, request, pk=None):
        """The timeline as recorded, newest entry first (cursor pagination: it is append-only)."""
        incident = self.get_object()
        events = incident.timeline.select_related("source", "recorded_by").order_by("-id")
        page = self.paginate_queryset(events)
        return self.get_paginated_response(TimelineEventSerializer(page, many=True).data)
