"""Incidents in the API: the list shows the headline, the detail everything we know and from whom."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.api.fields import UsernameField
from apps.datamap.models import DataCategory, DataFlow, System
from apps.incidents.choices import ActionKind, ExposureStatus, TimelineEventKind, TimePrecision
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
from apps.incidents.services import REGULATORY_FIELDS
from apps.vendors.models import Vendor


class SourceKeyField(serializers.SlugRelatedField):
    def __init__(self, **kwargs):
        super().__init__(slug_field="key", read_only=True, **kwargs)


class IncidentSourceSerializer(serializers.ModelSerializer):
    # Declared: DRF drops allow_blank from read-only model fields, and a source may have no URL (a paper notice).
    url = serializers.URLField(read_only=True, allow_blank=True)

    class Meta:
        model = IncidentSource
        fields = (
            "id",
            "key",
            "kind",
            "title",
            "publisher",
            "url",
            "language",
            "published_on",
            "reliability",
            "excerpt",
        )
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
        fields = ("id", "key", "kind", "description", "owner", "due_on", "done_at")
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


CLOCK_SOURCE_KEYS = (
    "vendor_detected_source",
    "vendor_notified_source",
    "dataset_received_source",
    "we_became_aware_source",
    "sa_notified_source",
    "subjects_notified_source",
    "public_disclosure_source",
)


class IncidentDetailSerializer(IncidentSerializer):
    # The source each clock moment was recorded from, by key (set in the admin).
    vendor_detected_source = SourceKeyField(allow_null=True)
    vendor_notified_source = SourceKeyField(allow_null=True)
    dataset_received_source = SourceKeyField(allow_null=True)
    we_became_aware_source = SourceKeyField(allow_null=True)
    sa_notified_source = SourceKeyField(allow_null=True)
    subjects_notified_source = SourceKeyField(allow_null=True)
    public_disclosure_source = SourceKeyField(allow_null=True)
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
            *REGULATORY_FIELDS,
            *CLOCK_SOURCE_KEYS,
            "exposures",
            "sources",
            "claims",
            "timeline",
            "actions",
            "recommendations",
            "amendments",
        )
        read_only_fields = fields


# --- writes: serializers validate the input; the services in the views write it ---------------------------


@extend_schema_field(OpenApiTypes.STR)
class IncidentRowField(serializers.Field):
    """A row of the incident in the URL, named by its id or its key; another incident's row is refused.

    The view puts the incident in the serializer's context; `related` is the incident's reverse accessor.
    """

    def __init__(self, related, **kwargs):
        self.related = related
        super().__init__(**kwargs)

    def to_internal_value(self, value):
        if not isinstance(value, str | int) or isinstance(value, bool) or not str(value).strip():
            raise serializers.ValidationError("Give the id or the key of one of this incident's rows.")
        rows = getattr(self.context["incident"], self.related)
        value = str(value).strip()
        found = rows.filter(pk=int(value)).first() if value.isdigit() else None
        found = found or rows.filter(key=value).first()
        if found is None:
            raise serializers.ValidationError(f"“{value}” is not one of this incident's {self.related}.")
        return found

    def to_representation(self, value):
        return value.key


def source_field(**kwargs):
    return IncidentRowField("sources", **kwargs)


INCIDENT_WRITE_FIELDS = (
    "title",
    "summary",
    "severity",
    "status",
    "vendor_detected_at",
    "vendor_notified_at",
    "dataset_received_at",
    "we_became_aware_at",
    "public_disclosure_at",
    "data_subjects",
    "affected_systems",
    "affected_flows",
    "estimated_affected_records",
    "breach_location",
    *REGULATORY_FIELDS,
)


class IncidentUpdateSerializer(serializers.ModelSerializer):
    """What a reviewer may change on a recorded incident (not its vendor nor its reference)."""

    data_subjects = serializers.ListField(child=serializers.CharField(max_length=200), required=False)
    affected_systems = serializers.SlugRelatedField(
        slug_field="slug", many=True, queryset=System.objects.all(), required=False
    )
    affected_flows = serializers.SlugRelatedField(
        slug_field="code", many=True, queryset=DataFlow.objects.all(), required=False
    )

    class Meta:
        model = Incident
        fields = INCIDENT_WRITE_FIELDS

    def to_representation(self, instance):
        return IncidentDetailSerializer(instance, context=self.context).data


class IncidentCreateSerializer(IncidentUpdateSerializer):
    vendor = serializers.SlugRelatedField(slug_field="slug", queryset=Vendor.objects.all())

    class Meta(IncidentUpdateSerializer.Meta):
        fields = ("vendor", "slug", *INCIDENT_WRITE_FIELDS)
        extra_kwargs = {"slug": {"required": False, "help_text": "Generated from the vendor and month if empty."}}


class SourceWriteSerializer(serializers.ModelSerializer):
    class Meta:
        model = IncidentSource
        fields = ("key", "kind", "title", "publisher", "url", "language", "published_on", "reliability", "excerpt")
        extra_kwargs = {"key": {"required": False}}
        validators = []  # the key's uniqueness within the incident is the service's to check


class ExposureWriteSerializer(serializers.Serializer):
    category = serializers.SlugRelatedField(slug_field="code", queryset=DataCategory.objects.all())
    status = serializers.ChoiceField(choices=ExposureStatus.choices)
    source = source_field(help_text="Id or key of the source (of this incident) the exposure comes from.")
    override_reason = serializers.CharField(required=False, allow_blank=True, default="")
    note = serializers.CharField(required=False, allow_blank=True, max_length=300)


class ClaimWriteSerializer(serializers.ModelSerializer):
    source = source_field(help_text="Id or key of the source (of this incident) making the claim.")
    category = serializers.SlugRelatedField(
        slug_field="code", queryset=DataCategory.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = IncidentClaim
        fields = ("key", "source", "kind", "category", "exposure_status", "subject", "value", "statement")
        extra_kwargs = {"key": {"required": False}}
        validators = []


class TimelineAppendSerializer(serializers.Serializer):
    key = serializers.SlugField(max_length=80, required=False, default="")
    kind = serializers.ChoiceField(choices=TimelineEventKind.choices)
    description = serializers.CharField()
    occurred_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    occurred_on_precision = serializers.ChoiceField(choices=TimePrecision.choices, default=TimePrecision.DAY)
    source = source_field(required=False, allow_null=True, default=None)
    corrects = IncidentRowField(
        "timeline", required=False, allow_null=True, default=None, help_text="Id or key of the event it corrects."
    )


class ActionAddSerializer(serializers.Serializer):
    key = serializers.SlugField(max_length=80, required=False, default="")
    kind = serializers.ChoiceField(choices=ActionKind.choices)
    description = serializers.CharField()
    owner = UsernameField(required=False, allow_null=True, default=None)
    due_on = serializers.DateField(required=False, allow_null=True, default=None)


class ActionCompleteSerializer(serializers.Serializer):
    done_at = serializers.DateTimeField(required=False, allow_null=True, default=None, help_text="Now if empty.")


class RecommendationWriteSerializer(serializers.ModelSerializer):
    source = source_field(required=False, allow_null=True)
    position = serializers.IntegerField(min_value=0, required=False, allow_null=True)

    class Meta:
        model = Recommendation
        fields = ("key", "position", "text", "source")
        extra_kwargs = {"key": {"required": False}}
        validators = []


class ExposureChangeSerializer(serializers.Serializer):
    category = serializers.SlugRelatedField(slug_field="code", queryset=DataCategory.objects.all())
    status = serializers.ChoiceField(choices=ExposureStatus.choices)
    source = source_field()
    override_reason = serializers.CharField(required=False, allow_blank=True, default="")


class ScopeChangesSerializer(serializers.Serializer):
    exposures = ExposureChangeSerializer(many=True, required=False)
    data_subjects_add = serializers.ListField(child=serializers.CharField(max_length=200), required=False)
    data_subjects_remove = serializers.ListField(child=serializers.CharField(max_length=200), required=False)
    systems_add = serializers.SlugRelatedField(
        slug_field="slug", many=True, queryset=System.objects.all(), required=False
    )
    systems_remove = serializers.SlugRelatedField(
        slug_field="slug", many=True, queryset=System.objects.all(), required=False
    )
    flows_add = serializers.SlugRelatedField(
        slug_field="code", many=True, queryset=DataFlow.objects.all(), required=False
    )
    flows_remove = serializers.SlugRelatedField(
        slug_field="code", many=True, queryset=DataFlow.objects.all(), required=False
    )


class ScopeAmendmentWriteSerializer(serializers.Serializer):
    reason = serializers.CharField()
    changes = ScopeChangesSerializer()


class ScopeVersionSerializer(serializers.Serializer):
    """One version of the scope: version 0 as first recorded, then one per amendment."""

    version = serializers.IntegerField()
    amended_at = serializers.DateTimeField()
    reason = serializers.CharField()
    changes = serializers.JSONField()
    scope = serializers.JSONField()
    recorded_by = serializers.CharField(allow_null=True)


class NoticeApproveSerializer(serializers.Serializer):
    lang = serializers.ChoiceField(choices=("en", "fr", "es"), help_text="The notice's language.")


class NoticeApprovalSerializer(serializers.Serializer):
    lang = serializers.CharField(read_only=True)
    text_sha256 = serializers.CharField(read_only=True, help_text="SHA-256 of the approved text.")
    approved_by = serializers.CharField(source="approved_by.get_username", read_only=True)
    approved_at = serializers.DateTimeField(read_only=True)
