"""Incident endpoints: headlines in the list, the full record in the detail, the timeline with cursors, and every
write a reviewer can make in the admin, through the same services."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.api.negotiation import IgnoreFormatParameterNegotiation
from apps.api.pagination import AppendOnlyCursorPagination, KeysetStandardPagination
from apps.api.viewsets import ServiceViewSet
from apps.incidents import services
from apps.incidents.filters import IncidentFilterSet
from apps.incidents.models import Incident, IncidentClaim, IncidentExposure, TimelineEvent
from apps.incidents.selectors import scope_versions
from apps.register.incidents import incident_create, incident_update
from apps.reports.builders import build_incident_report
from apps.reports.notices import render_notice
from apps.reports.openapi import INCIDENT_REPORT_SCHEMA, NOTICE_SCHEMA
from apps.reports.responses import (
    final_flag,
    notice_language,
    notice_response,
    report_format,
    report_language,
    report_response,
)
from apps.reports.services import notice_approve

from .serializers import (
    ActionAddSerializer,
    ActionCompleteSerializer,
    ClaimWriteSerializer,
    ExposureWriteSerializer,
    IncidentClaimSerializer,
    IncidentCreateSerializer,
    IncidentDetailSerializer,
    IncidentExposureSerializer,
    IncidentSerializer,
    IncidentSourceSerializer,
    IncidentUpdateSerializer,
    NoticeApprovalSerializer,
    NoticeApproveSerializer,
    RecommendationSerializer,
    RecommendationWriteSerializer,
    ResponseActionSerializer,
    ScopeAmendmentWriteSerializer,
    ScopeVersionSerializer,
    SourceWriteSerializer,
    TimelineAppendSerializer,
    TimelineEventSerializer,
)

# An incident's rows are a short list of one incident: unfiltered, unpaginated (the timeline has cursors).
ROWS = {"filter_backends": [], "pagination_class": None}


class IncidentViewSet(ServiceViewSet, mixins.CreateModelMixin, mixins.UpdateModelMixin):
    """Incidents and everything hanging off them. Every write goes through a service: the incident's own
    record through apps.register.incidents (a raised severity opens the response), its rows through
    apps.incidents.services. Nothing is deleted: the timeline only grows, a scope change is a new version.
    """

    queryset = Incident.objects.all()
    serializer_class = IncidentSerializer
    detail_serializer_class = IncidentDetailSerializer
    filterset_class = IncidentFilterSet
    lean_list = True  # a hot list: serialised from values() (apps.api.lean)
    # ?pagination=cursor: newest recorded first (the page-number order starts from a nullable moment)
    keyset_ordering = ("-created_at", "-id")
    pagination_class = KeysetStandardPagination
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

    # PATCH edits; PUT would make every omitted field a change. No DELETE anywhere.
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "retrieve":
            queryset = queryset.select_related("recorded_by")
        return queryset

    def get_serializer_class(self):
        if self.action == "create":
            return IncidentCreateSerializer
        if self.action in ("update", "partial_update"):
            return IncidentUpdateSerializer
        return super().get_serializer_class()

    @extend_schema(request=IncidentCreateSerializer, responses={201: IncidentDetailSerializer})
    def create(self, request, *args, **kwargs):
        """Record an incident; a high or critical one puts its vendor under review and opens a review."""
        return super().create(request, *args, **kwargs)

    @extend_schema(request=IncidentUpdateSerializer, responses=IncidentDetailSerializer)
    def partial_update(self, request, *args, **kwargs):
        """Edit an incident; raising it into high or critical opens the incident response (once)."""
        return super().partial_update(request, *args, **kwargs)

    def create_object(self, validated_data):
        return incident_create(recorded_by=self.request.user, **validated_data)

    def update_object(self, instance, validated_data):
        return incident_update(incident=instance, actor=self.request.user, **validated_data)

    # --- rows of one incident ------------------------------------------------------------------------------
    def _input(self, serializer_class, incident, *, partial=False, instance=None):
        """The request body validated against this incident (row references resolve within it)."""
        context = {**self.get_serializer_context(), "incident": incident}
        serializer = serializer_class(instance, data=self.request.data, partial=partial, context=context)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def _rows(self, serializer_class, rows, *, created=None):
        if created is not None:
            return Response(serializer_class(created).data, status=status.HTTP_201_CREATED)
        return Response(serializer_class(rows, many=True).data)

    @extend_schema(methods=["GET"], responses=IncidentSourceSerializer(many=True))
    @extend_schema(methods=["POST"], request=SourceWriteSerializer, responses={201: IncidentSourceSerializer})
    @action(detail=True, methods=["get", "post"], **ROWS)
    def sources(self, request, pk=None):
        """The incident's sources; POST adds one."""
        incident = self.get_object()
        if request.method == "GET":
            return self._rows(IncidentSourceSerializer, incident.sources.all())
        data = self._input(SourceWriteSerializer, incident)
        return self._rows(IncidentSourceSerializer, None, created=services.source_add(incident=incident, **data))

    @extend_schema(request=SourceWriteSerializer, responses=IncidentSourceSerializer)
    @action(detail=True, methods=["patch"], filter_backends=[], url_path=r"sources/(?P<source_key>[-\w]+)")
    def source_update(self, request, pk=None, source_key=None):
        """Correct a source (by key); its key stays, since claims and exposures cite it."""
        incident = self.get_object()
        source = get_object_or_404(incident.sources, key=source_key)
        data = self._input(SourceWriteSerializer, incident, partial=True, instance=source)
        return Response(IncidentSourceSerializer(services.source_update(source=source, **data)).data)

    @extend_schema(methods=["GET"], responses=IncidentExposureSerializer(many=True))
    @extend_schema(methods=["POST"], request=ExposureWriteSerializer, responses={201: IncidentExposureSerializer})
    @action(detail=True, methods=["get", "post"], **ROWS)
    def exposures(self, request, pk=None):
        """What the incident did to each data category; POST sets one category, citing a source."""
        incident = self.get_object()
        if request.method == "GET":
            return self._rows(IncidentExposureSerializer, incident.exposures.select_related("category", "source"))
        data = self._input(ExposureWriteSerializer, incident)
        exposure = services.exposure_set(incident=incident, **data)
        return self._rows(IncidentExposureSerializer, None, created=exposure)

    @extend_schema(methods=["GET"], responses=IncidentClaimSerializer(many=True))
    @extend_schema(methods=["POST"], request=ClaimWriteSerializer, responses={201: IncidentClaimSerializer})
    @action(detail=True, methods=["get", "post"], **ROWS)
    def claims(self, request, pk=None):
        """What each source claims; POST attributes a new claim to one of the incident's sources."""
        incident = self.get_object()
        if request.method == "GET":
            return self._rows(IncidentClaimSerializer, incident.claims.select_related("source", "category"))
        data = self._input(ClaimWriteSerializer, incident)
        return self._rows(IncidentClaimSerializer, None, created=services.claim_add(incident=incident, **data))

    @extend_schema(request=ClaimWriteSerializer, responses=IncidentClaimSerializer)
    @action(detail=True, methods=["patch"], filter_backends=[], url_path=r"claims/(?P<claim_key>[-\w]+)")
    def claim_update(self, request, pk=None, claim_key=None):
        """Correct a claim (by key)."""
        incident = self.get_object()
        claim = get_object_or_404(incident.claims, key=claim_key)
        data = self._input(ClaimWriteSerializer, incident, partial=True, instance=claim)
        return Response(IncidentClaimSerializer(services.claim_update(claim=claim, **data)).data)

    @extend_schema(
        methods=["GET"],
        responses=TimelineEventSerializer(many=True),
        description="The timeline as recorded, newest entry first (cursor pagination: it is append-only).",
    )
    @extend_schema(
        methods=["POST"],
        request=TimelineAppendSerializer,
        responses={201: TimelineEventSerializer},
        description="Append an event; to fix one, append an event that `corrects` it.",
    )
    @action(detail=True, methods=["get", "post"], filter_backends=[], pagination_class=AppendOnlyCursorPagination)
    def timeline(self, request, pk=None):
        """The timeline: GET lists it newest first (cursors), POST appends. Events are never edited."""
        incident = self.get_object()
        if request.method == "POST":
            data = self._input(TimelineAppendSerializer, incident)
            event = services.timeline_append(
                incident=incident,
                kind=data["kind"],
                description=data["description"],
                occurred_at=data["occurred_at"],
                precision=data["occurred_on_precision"],
                source=data["source"],
                corrects=data["corrects"],
                key=data["key"],
                recorded_by=request.user,
            )
            return self._rows(TimelineEventSerializer, None, created=event)
        events = incident.timeline.select_related("source", "recorded_by").order_by("-id")
        page = self.paginate_queryset(events)
        return self.get_paginated_response(TimelineEventSerializer(page, many=True).data)

    @extend_schema(methods=["GET"], responses=ResponseActionSerializer(many=True))
    @extend_schema(methods=["POST"], request=ActionAddSerializer, responses={201: ResponseActionSerializer})
    @action(detail=True, methods=["get", "post"], **ROWS)
    def actions(self, request, pk=None):
        """What we do about the incident; POST adds an action (complete it with actions/{id}/complete/)."""
        incident = self.get_object()
        if request.method == "GET":
            return self._rows(ResponseActionSerializer, incident.actions.select_related("owner"))
        data = self._input(ActionAddSerializer, incident)
        return self._rows(ResponseActionSerializer, None, created=services.action_add(incident=incident, **data))

    @extend_schema(request=ActionCompleteSerializer, responses=ResponseActionSerializer)
    @action(detail=True, methods=["post"], filter_backends=[], url_path=r"actions/(?P<action_id>\d+)/complete")
    def action_complete(self, request, pk=None, action_id=None):
        """Mark an action done (now, or at `done_at`); an action already done is refused."""
        incident = self.get_object()
        response_action = get_object_or_404(incident.actions, pk=action_id)
        data = self._input(ActionCompleteSerializer, incident)
        done = services.action_complete(action=response_action, done_at=data["done_at"])
        return Response(ResponseActionSerializer(done).data)

    @extend_schema(methods=["GET"], responses=RecommendationSerializer(many=True))
    @extend_schema(methods=["POST"], request=RecommendationWriteSerializer, responses={201: RecommendationSerializer})
    @action(detail=True, methods=["get", "post"], **ROWS)
    def recommendations(self, request, pk=None):
        """What affected people should do; POST adds a recommendation (last unless a position is given)."""
        incident = self.get_object()
        if request.method == "GET":
            return self._rows(RecommendationSerializer, incident.recommendations.select_related("source"))
        data = self._input(RecommendationWriteSerializer, incident)
        created = services.recommendation_add(incident=incident, **data)
        return self._rows(RecommendationSerializer, None, created=created)

    @extend_schema(request=RecommendationWriteSerializer, responses=RecommendationSerializer)
    @action(
        detail=True, methods=["patch"], filter_backends=[], url_path=r"recommendations/(?P<recommendation_key>[-\w]+)"
    )
    def recommendation_update(self, request, pk=None, recommendation_key=None):
        """Reword or reorder a recommendation (by key)."""
        incident = self.get_object()
        recommendation = get_object_or_404(incident.recommendations, key=recommendation_key)
        data = self._input(RecommendationWriteSerializer, incident, partial=True, instance=recommendation)
        updated = services.recommendation_update(recommendation=recommendation, **data)
        return Response(RecommendationSerializer(updated).data)

    @extend_schema(methods=["GET"], responses=ScopeVersionSerializer(many=True))
    @extend_schema(methods=["POST"], request=ScopeAmendmentWriteSerializer, responses={201: ScopeVersionSerializer})
    @action(detail=True, methods=["get", "post"], **ROWS)
    def amendments(self, request, pk=None):
        """Every version of the scope, oldest first (0: as first recorded). POST amends the scope and answers
        with the new version, n+1; every earlier version is kept."""
        incident = self.get_object()
        if request.method == "POST":
            data = self._input(ScopeAmendmentWriteSerializer, incident)
            services.scope_amend(incident=incident, changes=data["changes"], reason=data["reason"], actor=request.user)
            latest = scope_versions(incident=incident)[-1]
            return Response(ScopeVersionSerializer(latest).data, status=status.HTTP_201_CREATED)
        return Response(ScopeVersionSerializer(scope_versions(incident=incident), many=True).data)

    @extend_schema(**INCIDENT_REPORT_SCHEMA)
    @action(detail=True, methods=["get"], content_negotiation_class=IgnoreFormatParameterNegotiation)
    def report(self, request, pk=None):
        """The incident report: exposure, delays against the contract and GDPR, conflicting claims, actions."""
        fmt = report_format(request.query_params.get("format"))
        incident = self.get_object()
        lang = report_language(request.query_params.get("lang"))
        report = build_incident_report(incident=incident, lang=lang, generated_by=request.user.get_username())
        return report_response(report, fmt, filename=f"incident-{incident.slug}")

    @extend_schema(**NOTICE_SCHEMA)
    @action(detail=True, methods=["get"], content_negotiation_class=IgnoreFormatParameterNegotiation)
    def notice(self, request, pk=None):
        """The draft notice to affected users, in English, French or Spanish, built from the incident record."""
        lang = notice_language(request.query_params.get("lang"))
        final = final_flag(request.query_params.get("final"))
        return notice_response(render_notice(incident=self.get_object(), lang=lang, final=final), lang)

    @extend_schema(request=NoticeApproveSerializer, responses=NoticeApprovalSerializer)
    @action(detail=True, methods=["post"], url_path="notice/approve")
    def approve_notice(self, request, pk=None):
        """Approve the notice in one language as it reads now; exporting it as final (`?final=true`) needs this."""
        incident = self.get_object()
        data = self._input(NoticeApproveSerializer, incident)
        approval = notice_approve(incident=incident, lang=data["lang"], approver=request.user)
        return Response(NoticeApprovalSerializer(approval).data, status=status.HTTP_201_CREATED)
