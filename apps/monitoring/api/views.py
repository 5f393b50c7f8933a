"""Monitoring in the API: fourth parties and blast radius through the chain, signals, concentration, residual risk."""

import hashlib
import hmac

import django_filters
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.api.viewsets import RegisterReadOnlyViewSet, ServiceViewSet
from apps.monitoring import chain, feeds, services
from apps.monitoring.choices import SignalStatus
from apps.monitoring.models import (
    ConcentrationFinding,
    ConcentrationThreshold,
    ResidualRisk,
    Signal,
    SubprocessorCategory,
)
from apps.monitoring.selectors import concentration
from apps.vendors.choices import Tier
from apps.vendors.models import Vendor

from .serializers import (
    ConcentrationFindingSerializer,
    ConcentrationThresholdSerializer,
    ResidualRiskSerializer,
    SignalConfirmSerializer,
    SignalDismissSerializer,
    SignalSerializer,
    SubprocessorCategorySerializer,
)

DEPTH = OpenApiParameter("depth", int, description="How many hops down the chain (1 … MONITORING_CHAIN_MAX_DEPTH).")


def _truthy(value):
    return str(value).lower() in ("1", "true", "yes")


class SubprocessorExposureView(APIView):
    """GET /api/v1/subprocessors/{slug}/exposure/: which of our data reaches this subprocessor, through which of
    our vendors, chains and flows (`?depth=`, `?active=true` for running flows only)."""

    @extend_schema(parameters=[DEPTH, OpenApiParameter("active", bool)], responses=dict)
    def get(self, request, slug):
        subprocessor = get_object_or_404(Vendor, slug=slug)
        answer = chain.subprocessor_exposure(
            subprocessor=subprocessor,
            depth=request.query_params.get("depth"),
            active_only=_truthy(request.query_params.get("active", "")),
        )
        return Response(answer)


class FourthPartiesView(APIView):
    """GET /api/v1/vendors/{slug}/fourth-parties/: the vendor's subprocessor chain as nodes and edges."""

    @extend_schema(parameters=[DEPTH], responses=dict)
    def get(self, request, slug):
        vendor = get_object_or_404(Vendor, slug=slug)
        return Response(chain.fourth_party_graph(vendor=vendor, depth=request.query_params.get("depth")))


class ConcentrationView(APIView):
    """GET /api/v1/concentration/: the providers and countries under most of our tier 1–N vendors (`?up_to_tier=`,
    default 2) and the share of critical flows on one provider."""

    @extend_schema(parameters=[OpenApiParameter("up_to_tier", int)], responses=dict)
    def get(self, request):
        raw = request.query_params.get("up_to_tier", str(int(Tier.HIGH)))
        if raw not in {str(value) for value in Tier.values}:
            raise ValidationError({"up_to_tier": "A tier from 1 to 4."})
        return Response(concentration(up_to_tier=int(raw)))


class SubprocessorCategoryFilterSet(django_filters.FilterSet):
    vendor = django_filters.CharFilter(field_name="link__vendor__slug")
    subprocessor = django_filters.CharFilter(field_name="link__subprocessor__slug")

    class Meta:
        model = SubprocessorCategory
        fields = ("link", "vendor", "subprocessor", "sharing", "source")


class SubprocessorCategoryViewSet(
    ServiceViewSet, mixins.CreateModelMixin, mixins.UpdateModelMixin, mixins.DestroyModelMixin
):
    """The data categories a vendor passes to a subprocessor (or explicitly not), with the declaration behind it."""

    queryset = SubprocessorCategory.objects.all()
    serializer_class = SubprocessorCategorySerializer
    filterset_class = SubprocessorCategoryFilterSet
    select_related = ("link__vendor", "link__subprocessor", "category")

    def create_object(self, validated_data):
        return services.subprocessor_category_set(actor=self.request.user, **validated_data)

    def update_object(self, instance, validated_data):
        fields = {
            "link": instance.link,
            "category": instance.category,
            "sharing": instance.sharing,
            "source": instance.source,
            "reference": instance.reference,
            "note": instance.note,
        }
        fields.update(validated_data)
        if fields["link"] != instance.link or fields["category"] != instance.category:
            raise ValidationError({"category": "The link and the category stay; record another row instead."})
        return services.subprocessor_category_set(actor=self.request.user, **fields)

    def destroy_object(self, instance):
        services.subprocessor_category_remove(row=instance, actor=self.request.user)


class SignalFilterSet(django_filters.FilterSet):
    vendor = django_filters.CharFilter(field_name="vendor__slug")
    status = django_filters.ChoiceFilter(choices=SignalStatus.choices)

    class Meta:
        model = Signal
        fields = ("vendor", "status", "feed", "match_kind")


class SignalViewSet(RegisterReadOnlyViewSet):
    """Breach-feed signals to triage: `POST {id}/confirm/` opens an incident, `POST {id}/dismiss/` needs a reason."""

    queryset = Signal.objects.all()
    serializer_class = SignalSerializer
    filterset_class = SignalFilterSet
    select_related = ("vendor", "decided_by", "incident")

    @extend_schema(request=SignalConfirmSerializer, responses=SignalSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        serializer = SignalConfirmSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        signal = services.signal_confirm(signal=self.get_object(), actor=request.user, **serializer.validated_data)
        return Response(SignalSerializer(signal).data)

    @extend_schema(request=SignalDismissSerializer, responses=SignalSerializer)
    @action(detail=True, methods=["post"])
    def dismiss(self, request, pk=None):
        serializer = SignalDismissSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        signal = services.signal_dismiss(signal=self.get_object(), actor=request.user, **serializer.validated_data)
        return Response(SignalSerializer(signal).data)


class ConcentrationThresholdViewSet(ServiceViewSet, mixins.CreateModelMixin, mixins.UpdateModelMixin):
    """The shares a reviewer will not accept on one provider or country; `concentration_check` raises findings."""

    queryset = ConcentrationThreshold.objects.all()
    serializer_class = ConcentrationThresholdSerializer

    def create_object(self, validated_data):
        return services.threshold_create(actor=self.request.user, **validated_data)

    def update_object(self, instance, validated_data):
        return services.threshold_update(threshold=instance, actor=self.request.user, **validated_data)


class ConcentrationFindingViewSet(RegisterReadOnlyViewSet):
    queryset = ConcentrationFinding.objects.all()
    serializer_class = ConcentrationFindingSerializer
    filterset_fields = ("status", "threshold", "subject")


class ResidualRiskFilterSet(django_filters.FilterSet):
    vendor = django_filters.CharFilter(field_name="vendor__slug")
    rating = django_filters.ChoiceFilter(choices=Tier.choices)
    max_rating = django_filters.NumberFilter(field_name="rating", lookup_expr="lte", label="rating 1 … this")
    min_score = django_filters.NumberFilter(field_name="score", lookup_expr="gte")
    inherent_tier = django_filters.ChoiceFilter(field_name="vendor__tier", choices=Tier.choices)

    class Meta:
        model = ResidualRisk
        fields = ("vendor", "rating", "max_rating", "min_score", "inherent_tier")


class ResidualRiskViewSet(RegisterReadOnlyViewSet):
    """Residual ratings beside the inherent tier (apps.monitoring.residual), filterable."""

    queryset = ResidualRisk.objects.order_by("rating", "-score", "vendor__slug")
    serializer_class = ResidualRiskSerializer
    filterset_class = ResidualRiskFilterSet
    select_related = ("vendor",)


class FeedSignature(BasePermission):
    """The caller is the webhook feed named in the URL: HMAC-SHA256 of the raw body under the feed's secret, in
    `X-Feed-Signature: sha256=<hex>`. An unknown key and a bad signature are refused alike (403)."""

    message = "Bad or missing feed signature."

    def has_permission(self, request, view):
        feed = feeds.feed_get(view.kwargs.get("key", ""))
        if feed is None or not feed.webhook:
            return False
        expected = "sha256=" + hmac.new(feed.secret.encode(), request.body, hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, request.headers.get("X-Feed-Signature", ""))


class FeedWebhookView(APIView):
    """POST /api/v1/feeds/{key}/entries/: a webhook feed posts entries in its adapter's format (HIBP JSON, RSS or
    Atom), signed (FeedSignature). No account: the signature is the credential. Answers 202 with the signals opened."""

    authentication_classes = ()
    permission_classes = (FeedSignature,)

    @extend_schema(request=None, responses=dict)
    def post(self, request, key):
        opened = services.feed_receive(key=key, body=request.body)
        return Response({"opened": len(opened)}, status=202)
