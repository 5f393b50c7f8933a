"""Intake requests in the API. Answers are validated by apps.intake.forms.IntakeForm, the rules the page uses."""

from rest_framework import serializers

from apps.api.fields import UsernameField
from apps.intake.forms import ANSWER_FIELDS
from apps.intake.models import IntakeRequest

WORKFLOW_FIELDS = ("status", "requester", "submitted_at", "vendor", "service", "review", "tier")


class IntakeRequestSerializer(serializers.ModelSerializer):
    """Reads a request; its schema also documents the answers a write takes (workflow fields are read-only)."""

    existing_vendor_name = serializers.CharField(
        source="existing_vendor.display_name", required=False, allow_blank=True, default=""
    )
    replaces_vendor_name = serializers.CharField(
        source="replaces_vendor.display_name", required=False, allow_blank=True, default=""
    )
    systems = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    categories = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    requester = UsernameField(read_only=True)
    vendor = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    service = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)

    class Meta:
        model = IntakeRequest
        fields = ("id", *ANSWER_FIELDS, *WORKFLOW_FIELDS, "created_at", "updated_at")
        read_only_fields = ("id", *WORKFLOW_FIELDS, "created_at", "updated_at")


class IntakeAnswersSerializer(serializers.Serializer):
    """The answers a draft takes, for the schema; IntakeForm checks them. Systems by slug, categories by code."""

    vendor_choice = serializers.ChoiceField(choices=("existing", "new"), required=False)
    existing_vendor_name = serializers.CharField(required=False, allow_blank=True)
    vendor_name = serializers.CharField(required=False, allow_blank=True)
    vendor_website = serializers.CharField(required=False, allow_blank=True)
    vendor_country = serializers.CharField(required=False, allow_blank=True)
    vendor_category = serializers.CharField(required=False, allow_blank=True)
    service_name = serializers.CharField(required=False, allow_blank=True)
    service_description = serializers.CharField(required=False, allow_blank=True)
    business_owner = serializers.CharField(required=False, allow_blank=True)
    business_criticality = serializers.CharField(required=False, allow_blank=True)
    systems = serializers.ListField(child=serializers.SlugField(), required=False)
    mechanism = serializers.CharField(required=False, allow_blank=True)
    categories = serializers.ListField(child=serializers.SlugField(), required=False)
    no_data = serializers.BooleanField(required=False)
    data_subjects = serializers.CharField(required=False, allow_blank=True)
    estimated_records = serializers.IntegerField(required=False, allow_null=True)
    production_access = serializers.BooleanField(required=False)
    handles_secrets = serializers.BooleanField(required=False)
    contract_value = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True)
    contract_starts_on = serializers.DateField(required=False, allow_null=True)
    replaces_vendor_name = serializers.CharField(required=False, allow_blank=True)
    send_questionnaire = serializers.BooleanField(required=False)
    questionnaire_contact_name = serializers.CharField(required=False, allow_blank=True)
    questionnaire_contact_email = serializers.CharField(required=False, allow_blank=True)
