"""Incidents in the API: the list shows the headline, the detail everything we know and from whom."""

from rest_framework import serializers

from apps.api.fields import UsernameField
from apps.incidents.choices import ExposureStatus
from apps.incidents.models import (
    Incident,
    IncidentClaim,
    IncidentExposure,
    IncidentSource,
    Recommendation,
    ResponseAction,
    ScopeAmendment,
    TimelineEvent,
)


class SourceKeyField(serializers.SlugRelatedField):
    def __init__(self, **kwargs):
        super().__init__(slug_field="key", read_only=True, **kwargs)


class IncidentSourceSerializer(serializers.ModelSerializer):
    # Declared: DRF drops allow_blank from read-only model fields, and a source may have no URL (a paper notice).
    url = serializers.URLField(read_only=True, allow_blank=True)

    class Meta:
        model = IncidentSource
        fields = ("key", "kind", "title", "publisher", "url", "language", "published_on", "reliability", "excerpt")
        read_only_fields = fields


class IncidentExposureSerializer(serializers.ModelSerializer):
    category = serializers.SlugRelatedField(slug_field="code", read_only=True)
    source = SourceKeyField(allow_null=True)

    class Meta:
        model = IncidentExposure
        fields = ("category", "status", "source", "override_reason", "note")
        read_only_fields = fields


class IncidentClaimSerializer(serializers.ModelSerializer):
    source = SourceKeyField()
    category = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    # Declared: DRF drops allow_blank from read-only model fields; only claims about an exposure carry one.
    exposure_status = serializers.ChoiceField(choices=ExposureStatus.choices, read_only=True, allow_blank=True)

    class Meta:
        model = IncidentClaim
        fields = ("key", "source", "kind", "category", "exposure_status", "subject", "value", "statement")
        read_only_fields = fields


class TimelineEventSerializer(serializers.ModelSerializer):
    source = SourceKeyField(allow_null=True)
    recorded_by = UsernameField(read_only=True, allow_null=True)

    class Meta:
        model = TimelineEvent
        fields = (
            "id",
            "key",
            "occurred_at",
            "occurred_on_precision",
            "kind",
            "description",
            "source",
            "corrects",
            "recorded_at",
            "recorded_by",
        )
        read_only_fields = fields


class ResponseActionSerializer(serializers.ModelSerializer):
    owner = UsernameField(read_only=True, allow_null=True)

    class Meta:
        model = ResponseAction
        fields = ("key", "kind", "description", "owner", "due_on", "done_at")
        read_only_fields = fields


class RecommendationSerializer(serializers.ModelSerializer):
    source = SourceKeyField(allow_null=True)

    class Meta:
        model = Recommendation
        fields = ("key", "position", "text", "source")
        read_only_fields = fields


class ScopeAmendmentSerializer(serializers.ModelSerializer):
    recorded_by = UsernameField(read_only=True, allow_null=True)

    class Meta:
        model = ScopeAmendment
        fields = ("version", "amended_at", "reason", "changes", "scope_snapshot", "recorded_by")
        read_only_fields = fields


INCIDENT_FIELDS = (
    "id",
    "slug",
    "vendor",
    "title",
    "severity",
    "status",
    "vendor_detected_at",
    "vendor_notified_at",
    "dataset_received_at",
    "we_became_aware_at",
    "public_disclosure_at",
    "estimated_affected_records",
    "created_at",
    "updated_at",
)


class IncidentSerializer(serializers.ModelSerializer):
    vendor = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Incident
        fields = INCIDENT_FIELDS
        read_only_fields = fields


class IncidentDetailSerializer(IncidentSerializer):
    affected_systems = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    affected_flows = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    recorded_by = UsernameField(read_only=True, allow_null=True)
    exposures = IncidentExposureSerializer(many=True, read_only=True)
    sources = IncidentSourceSerializer(many=True, read_only=True)
    claims = IncidentClaimSerializer(many=True, read_only=True)
    timeline = TimelineEventSerializer(many=True, read_only=True)
    actions = ResponseActionSerializer(many=True, read_only=True)
    recommendations = RecommendationSerializer(many=True, read_only=True)
    amendments = ScopeAmendmentSerializer(many=True, read_only=True)

    class Meta(IncidentSerializer.Meta):
        fields = (
            *INCIDENT_FIELDS,
            "summary",
            "data_subjects",
            "breach_location",
            "affected_systems",
            "affected_flows",
            "recorded_by",
            "exposures",
            "sources",
            "claims",
            "timeline",
            "actions",
            "recommendations",
            "amendments",
        )
        read_only_fields = fields
