from rest_framework import serializers

from apps.api.serializers import StrictModelSerializer
from apps.datamap.models import DataCategory
from apps.incidents.choices import Severity
from apps.monitoring.models import (
    ConcentrationFinding,
    ConcentrationThreshold,
    ResidualRisk,
    Signal,
    SubprocessorCategory,
)
from apps.vendors.api.serializers import VendorRefField


class SubprocessorCategorySerializer(StrictModelSerializer):
    category = serializers.SlugRelatedField(slug_field="code", queryset=DataCategory.objects.all())

    class Meta:
        model = SubprocessorCategory
        fields = ("id", "link", "category", "sharing", "source", "reference", "note", "created_at", "updated_at")
        read_only_fields = ("id", "created_at", "updated_at")
        validators = []  # one row per (link, category): the service corrects the existing row instead


class SignalSerializer(serializers.ModelSerializer):
    vendor = VendorRefField(read_only=True)
    decided_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    incident = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    # Declared: DRF drops allow_blank from read-only model fields, and many feed entries have no link.
    url = serializers.URLField(read_only=True, allow_blank=True)

    class Meta:
        model = Signal
        fields = (
            "id",
            "feed",
            "entry_id",
            "vendor",
            "title",
            "url",
            "summary",
            "published_on",
            "data_classes",
            "match_kind",
            "matched_on",
            "match_score",
            "exposure",
            "status",
            "decided_by",
            "decided_at",
            "dismiss_reason",
            "incident",
            "created_at",
        )
        read_only_fields = fields


class SignalConfirmSerializer(serializers.Serializer):
    severity = serializers.ChoiceField(choices=Severity.choices, default=Severity.MEDIUM)
    title = serializers.CharField(required=False, allow_blank=True, max_length=300)


class SignalDismissSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class ConcentrationThresholdSerializer(StrictModelSerializer):
    class Meta:
        model = ConcentrationThreshold
        fields = ("id", "dimension", "up_to_tier", "max_percent", "is_active", "note", "created_at", "updated_at")
        read_only_fields = ("id", "created_at", "updated_at")


class ConcentrationFindingSerializer(serializers.ModelSerializer):
    class Meta:
        model = ConcentrationFinding
        fields = (
            "id",
            "threshold",
            "subject",
            "share_percent",
            "count",
            "total",
            "status",
            "resolved_at",
            "created_at",
        )
        read_only_fields = fields


class ResidualRiskSerializer(serializers.ModelSerializer):
    vendor = VendorRefField(read_only=True)
    inherent_tier = serializers.IntegerField(source="vendor.tier", read_only=True, allow_null=True)

    class Meta:
        model = ResidualRisk
        fields = ("vendor", "inherent_tier", "rating", "score", "reasons", "inputs", "computed_at")
        read_only_fields = fields
