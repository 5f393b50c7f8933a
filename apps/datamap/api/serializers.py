"""The data map in the API: categories, systems and flows with what each carries and explicitly does not."""

from rest_framework import serializers

from apps.api.fields import UsernameField
from apps.api.serializers import StrictModelSerializer
from apps.datamap.choices import Mechanism, Sharing
from apps.datamap.models import DataCategory, DataFlow, DataFlowCategory, System
from apps.datamap.services import CategoryAnswer
from apps.vendors.models import Vendor, VendorService


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


class FlowCategoryInputSerializer(serializers.Serializer):
    """One answer of a flow: a category by code, shared or explicitly not shared, with an optional note."""

    category = serializers.SlugRelatedField(slug_field="code", queryset=DataCategory.objects.all())
    sharing = serializers.ChoiceField(choices=Sharing.choices)
    note = serializers.CharField(max_length=300, allow_blank=True, required=False, default="")


class DataFlowWriteSerializer(serializers.Serializer):
    """What a client sends to create or change a flow. The service is named by the vendor's slug and its own.

    `categories`, when sent, is the flow's whole answer: categories not listed are withdrawn. A flow ends
    through POST /api/v1/data-flows/{id}/end/, never by sending `ends_on`.
    """

    code = serializers.SlugField(max_length=120)
    system = serializers.SlugRelatedField(slug_field="slug", queryset=System.objects.all())
    vendor = serializers.SlugRelatedField(slug_field="slug", queryset=Vendor.objects.all(), write_only=True)
    service = serializers.SlugField(max_length=80, help_text="The slug of one of the vendor's services.")
    mechanism = serializers.ChoiceField(choices=Mechanism.choices)
    purpose = serializers.CharField(allow_blank=True, required=False)
    data_subjects = serializers.ListField(child=serializers.CharField(max_length=200), required=False)
    processing_countries = serializers.ListField(child=serializers.CharField(max_length=2), required=False)
    storage_countries = serializers.ListField(child=serializers.CharField(max_length=2), required=False)
    estimated_records = serializers.IntegerField(min_value=0, allow_null=True, required=False)
    starts_on = serializers.DateField(allow_null=True, required=False)
    categories = FlowCategoryInputSerializer(many=True, required=False)

    def to_internal_value(self, data):
        if hasattr(data, "keys") and "ends_on" in data:
            raise serializers.ValidationError({"ends_on": ["A flow ends through POST /api/v1/data-flows/{id}/end/."]})
        return super().to_internal_value(data)

    def validate(self, attrs):
        vendor = attrs.pop("vendor", None)
        if "service" in attrs or vendor is not None:
            vendor = vendor or self.instance.vendor
            slug = attrs.get("service") or self.instance.service.slug
            service = VendorService.objects.filter(vendor=vendor, slug=slug).select_related("vendor").first()
            if service is None:
                raise serializers.ValidationError(
                    {"service": [f"The vendor {vendor.slug} has no service with the slug {slug}."]}
                )
            attrs["service"] = service
        if "categories" in attrs:
            attrs["categories"] = [CategoryAnswer(**answer) for answer in attrs["categories"]]
        return attrs


class FlowEndSerializer(serializers.Serializer):
    ends_on = serializers.DateField(required=False, help_text="The day the data stopped flowing; default today.")
