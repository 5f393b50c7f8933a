"""Requirements, baselines and each vendor's standing, read-only: tightening and fan-out go through services."""

from rest_framework import serializers

from apps.api.fields import UsernameField
from apps.risk.models import Baseline, SecurityRequirement, VendorRequirement


class SecurityRequirementSerializer(serializers.ModelSerializer):
    class Meta:
        model = SecurityRequirement
        fields = ("id", "code", "title", "description", "evidence_kinds", "control_mappings", "is_active")
        read_only_fields = fields


class BaselineSerializer(serializers.ModelSerializer):
    requirements = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = Baseline
        fields = (
            "id",
            "tier",
            "version",
            "name",
            "description",
            "review_cadence_months",
            "requirements",
            "is_current",
            "published_at",
        )
        read_only_fields = fields


class VendorRequirementSerializer(serializers.ModelSerializer):
    vendor = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    requirement = serializers.SlugRelatedField(slug_field="code", read_only=True)
    verified_by = UsernameField(read_only=True, allow_null=True)

    class Meta:
        model = VendorRequirement
        fields = (
            "id",
            "vendor",
            "requirement",
            "status",
            "evidence",
            "verified_by",
            "verified_on",
            "due_on",
            "note",
            "updated_at",
        )
        read_only_fields = fields
