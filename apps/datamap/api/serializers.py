"""The data map in the API: categories, systems and flows with what each carries and explicitly does not."""

from rest_framework import serializers

from apps.api.fields import UsernameField
from apps.api.serializers import StrictModelSerializer
from apps.datamap.models import DataCategory, DataFlow, DataFlowCategory, System


class DataCategorySerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = DataCategory
        fields = (
            "id",
            "code",
            "name",
            "description",
            "parent",
            "path",
            "sensitivity",
            "is_personal_data",
            "is_special_category",
            "is_secret",
            "dpv_term",
        )
        read_only_fields = fields


class SystemSerializer(StrictModelSerializer):
    owner = UsernameField(required=False, allow_null=True)

    class Meta:
        model = System
        fields = ("id", "slug", "name", "description", "owner", "url", "created_at", "updated_at")
        read_only_fields = ("id", "created_at", "updated_at")


class FlowCategorySerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="category.code", read_only=True)
    name = serializers.CharField(source="category.name", read_only=True)
    sensitivity = serializers.IntegerField(source="category.sensitivity", read_only=True)

    class Meta:
        model = DataFlowCategory
        fields = ("code", "name", "sensitivity", "sharing", "note")
        read_only_fields = fields


class DataFlowSerializer(serializers.ModelSerializer):
    system = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    vendor = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    service = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    categories = FlowCategorySerializer(source="flow_categories", many=True, read_only=True)

    class Meta:
        model = DataFlow
        fields = (
            "id",
            "code",
            "system",
            "vendor",
            "service",
            "mechanism",
            "purpose",
            "data_subjects",
            "processing_countries",
            "storage_countries",
            "estimated_records",
            "starts_on",
            "ends_on",
            "categories",
            "created_at",
            "updated_at",
        )
        read_only_fields = fields
