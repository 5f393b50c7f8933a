"""Review endpoints. Opening a review and every state change go through apps.reviews.services."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action

from apps.api.pagination import AppendOnlyCursorPagination
from apps.api.viewsets import RegisterReadOnlyViewSet, RegisterViewSetMixin
from apps.reviews.filters import FindingFilterSet, ReviewFilterSet, RiskExceptionFilterSet
from apps.reviews.models import Finding, Review, RiskException

from .serializers import (
    FindingSerializer,
    ReviewSerializer,
    ReviewTransitionSerializer,
    RiskExceptionSerializer,
)


class ReviewViewSet(RegisterViewSetMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Reviews. PUT/PATCH edit the summary and due date only: state, requester and decider are read-only."""

    queryset = Review.objects.all()
    serializer_class = ReviewSerializer
    filterset_class = ReviewFilterSet
    select_related = ("vendor", "incident", "requested_by", "decided_by")

    @extend_schema(responses=ReviewTransitionSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=AppendOnlyCursorPagination)
    def transitions(self, request, pk=None):
        """The review's state history, newest first (cursor pagination: the history only grows)."""
        review = self.get_object()
        page = self.paginate_queryset(review.transitions.select_related("actor").order_by("-id"))
        return self.get_paginated_response(ReviewTransitionSerializer(page, many=True).data)


class FindingViewSet(RegisterReadOnlyViewSet):
    queryset = Finding.objects.all()
    serializer_class = FindingSerializer
    filterset_class = FindingFilterSet
    select_related = ("review__vendor", "owner")


class RiskExceptionViewSet(RegisterReadOnlyViewSet):
    queryset = RiskException.objects.all()
    serializer_class = RiskExceptionSerializer
    filterset_class = RiskExceptionFilterSet
    select_related = ("vendor_requirement__vendor", "vendor_requirement__requirement", "approved_by")
