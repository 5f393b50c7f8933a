"""Review endpoints. Opening a review and every state change go through apps.reviews.services."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.api.fields import RefusalSerializer
from apps.api.inputs import InputSerializerMixin
from apps.api.pagination import AppendOnlyCursorPagination
from apps.api.viewsets import ServiceViewSet
from apps.reviews import services
from apps.reviews.filters import FindingFilterSet, ReviewFilterSet, RiskExceptionFilterSet
from apps.reviews.models import Finding, Review, RiskException

from .serializers import (
    ApproveWithConditionsSerializer,
    ExceptionGrantSerializer,
    FindingRaiseSerializer,
    FindingSerializer,
    FindingStatusSerializer,
    ReviewOpenSerializer,
    ReviewSerializer,
    ReviewTransitionSerializer,
    RiskExceptionSerializer,
    TransitionSerializer,
)

TRANSITION_RESPONSES = {200: ReviewSerializer, 409: RefusalSerializer}


@extend_schema_view(
    create=extend_schema(
        request=ReviewOpenSerializer,
        responses={201: ReviewSerializer},
        description="Open a review of a vendor (draft), requested by the caller (review_open).",
    ),
    update=extend_schema(responses={200: ReviewSerializer, 409: RefusalSerializer}),
    partial_update=extend_schema(responses={200: ReviewSerializer, 409: RefusalSerializer}),
)
class ReviewViewSet(InputSerializerMixin, ServiceViewSet, mixins.CreateModelMixin, mixins.UpdateModelMixin):
    """Reviews. PUT/PATCH edit the summary and due date only (review_update): state, requester, decider and
    conditions are read-only, moved by the transition actions."""

    queryset = Review.objects.all()
    serializer_class = ReviewSerializer
    filterset_class = ReviewFilterSet
    select_related = ("vendor", "incident", "requested_by", "decided_by")
    input_serializer_classes = {"create": ReviewOpenSerializer}

    def create(self, request, *args, **kwargs):
        return self.create_from_input(request)

    def create_object(self, validated_data):
        return services.review_open(requested_by=self.request.user, **validated_data)

    def update_object(self, instance, validated_data):
        edits = {name: validated_data[name] for name in ("summary", "due_on") if name in validated_data}
        return services.review_update(review=instance, actor=self.request.user, **edits)

    def _transition(self, request, service, serializer_class=TransitionSerializer):
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        review = service(review=self.get_object(), actor=request.user, **serializer.validated_data)
        return Response(ReviewSerializer(review).data)

    @extend_schema(request=TransitionSerializer, responses=TRANSITION_RESPONSES)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._transition(request, services.review_submit)

    @extend_schema(request=TransitionSerializer, responses=TRANSITION_RESPONSES)
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        return self._transition(request, services.review_start)

    @extend_schema(request=TransitionSerializer, responses=TRANSITION_RESPONSES)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._transition(request, services.review_approve)

    @extend_schema(request=ApproveWithConditionsSerializer, responses=TRANSITION_RESPONSES)
    @action(detail=True, methods=["post"], url_path="approve-with-conditions")
    def approve_with_conditions(self, request, pk=None):
        return self._transition(request, services.review_approve_with_conditions, ApproveWithConditionsSerializer)

    @extend_schema(request=TransitionSerializer, responses=TRANSITION_RESPONSES)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self._transition(request, services.review_reject)

    @extend_schema(responses=ReviewTransitionSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=AppendOnlyCursorPagination)
    def transitions(self, request, pk=None):
        """The review's state history, newest first (cursor pagination: the history only grows)."""
        review = self.get_object()
        page = self.paginate_queryset(review.transitions.select_related("actor").order_by("-id"))
        return self.get_paginated_response(ReviewTransitionSerializer(page, many=True).data)


@extend_schema_view(
    create=extend_schema(
        request=FindingRaiseSerializer,
        responses={201: FindingSerializer},
        description="Raise a finding on a review; the due date follows the severity when none is given.",
    )
)
class FindingViewSet(InputSerializerMixin, ServiceViewSet, mixins.CreateModelMixin):
    """Findings; raised and moved through apps.reviews.services (security reviewers only)."""

    queryset = Finding.objects.all()
    serializer_class = FindingSerializer
    filterset_class = FindingFilterSet
    select_related = ("review__vendor", "owner")
    input_serializer_classes = {"create": FindingRaiseSerializer}

    def create(self, request, *args, **kwargs):
        return self.create_from_input(request)

    def create_object(self, validated_data):
        return services.finding_raise(actor=self.request.user, **validated_data)

    @extend_schema(request=FindingStatusSerializer, responses={200: FindingSerializer})
    @action(detail=True, methods=["post"], url_path="set-status")
    def set_status(self, request, pk=None):
        """Move a finding: open, in progress, resolved or risk accepted."""
        serializer = FindingStatusSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        finding = services.finding_set_status(
            finding=self.get_object(), actor=request.user, **serializer.validated_data
        )
        return Response(FindingSerializer(finding).data)


@extend_schema_view(
    create=extend_schema(
        request=ExceptionGrantSerializer,
        responses={201: RiskExceptionSerializer},
        description="Accept until a date that the vendor does not meet one requirement; its status becomes exception.",
    )
)
class RiskExceptionViewSet(InputSerializerMixin, ServiceViewSet, mixins.CreateModelMixin):
    """Risk exceptions; granted through apps.reviews.services.exception_grant, the grantor is the caller."""

    queryset = RiskException.objects.all()
    serializer_class = RiskExceptionSerializer
    filterset_class = RiskExceptionFilterSet
    select_related = ("vendor_requirement__vendor", "vendor_requirement__requirement", "approved_by")
    input_serializer_classes = {"create": ExceptionGrantSerializer}

    def create(self, request, *args, **kwargs):
        return self.create_from_input(request)

    def create_object(self, validated_data):
        return services.exception_grant(actor=self.request.user, **validated_data)
