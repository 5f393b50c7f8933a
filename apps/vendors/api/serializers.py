"""Vendors in the API. Status and tier are read-only: they change through the workflow and the tiering rules."""

from rest_framework import serializers

from apps.api.fields import UsernameField
from apps.api.serializers import StrictModelSerializer
from apps.risk.models import TierChange
from apps.vendors.models import Contract, Document, Subprocessor, Vendor, VendorService


class FixedAfterCreateMixin:
    """Fields given when the row is created that never change after (the vendor a contract binds…).

    Sending the current value back is accepted; another value is refused naming the field, not ignored.
    """

    fixed_after_create: tuple[str, ...] = ()

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if self.instance is not None:
            errors = {}
            for name in self.fixed_after_create:
                if name in attrs and attrs[name] != getattr(self.instance, name):
                    errors[name] = [f"The {name} of a recorded row cannot change; record a new one instead."]
                attrs.pop(name, None)
            if errors:
                raise serializers.ValidationError(errors)
        return attrs


class VendorMinimalSerializer(serializers.ModelSerializer):
    """What procurement may read: enough to find an existing vendor before asking for a new one."""

    class Meta:
        model = Vendor
        fields = ("slug", "display_name", "status")
        read_only_fields = fields


class VendorSerializer(StrictModelSerializer):
    owner = UsernameField(required=False, allow_null=True)

    read_only_reasons = {
        "status": "The status changes through the workflow (reviews, incidents, offboarding), not by editing.",
        "tier": "The tier is computed from the data map; an override goes through the tiering service.",
        "computed_tier": "The tier is computed from the data map.",
        "tier_override": "A tier override goes through the tiering service, with a reason.",
        "tier_override_reason": "A tier override goes through the tiering service, with a reason.",
    }

    class Meta:
        model = Vendor
        fields = (
            "id",
            "slug",
            "legal_name",
            "display_name",
            "website",
            "domains",
            "hq_country",
            "category",
            "status",
            "owner",
            "description",
            "tier",
            "computed_tier",
            "tier_override",
            "tier_override_reason",
            "created_at",
            "updated_at",
        )
        read_only_fields = (
            "id",
            "status",
            "tier",
            "computed_tier",
            "tier_override",
            "tier_override_reason",
            "created_at",
            "updated_at",
        )

    def validate_hq_country(self, value):
        if value and not (len(value) == 2 and value.isalpha()):
            raise serializers.ValidationError("Use an ISO 3166-1 alpha-2 code, e.g. US.")
        return value.upper()


class TierChangeSerializer(serializers.ModelSerializer):
    changed_by = UsernameField(read_only=True, allow_null=True)

    class Meta:
        model = TierChange
        fields = ("id", "from_tier", "to_tier", "cause", "inputs", "reason", "changed_at", "changed_by")
        read_only_fields = fields


class VendorRefField(serializers.SlugRelatedField):
    def __init__(self, **kwargs):
        if not kwargs.get("read_only"):
            kwargs.setdefault("queryset", Vendor.objects.all())
        super().__init__(slug_field="slug", **kwargs)


class VendorServiceSerializer(StrictModelSerializer):
    """What a vendor does for us; the vendor is the one in the URL."""

    class Meta:
        model = VendorService
        fields = (
            "id",
            "slug",
            "name",
            "description",
            "business_criticality",
            "production_access",
            "handles_secrets",
            "created_at",
            "updated_at",
        )
        read_only_fields = ("id", "created_at", "updated_at")
        # The slug is unique per vendor: the service checks it (full_clean), the vendor is not in the input.
        validators = []


class SubprocessorSerializer(FixedAfterCreateMixin, StrictModelSerializer):
    vendor = VendorRefField()
    subprocessor = VendorRefField()
    services = serializers.PrimaryKeyRelatedField(
        many=True, queryset=VendorService.objects.all(), required=False, help_text="Ids of the vendor's own services."
    )
    fixed_after_create = ("vendor", "subprocessor")

    class Meta:
        model = Subprocessor
        fields = ("id", "vendor", "subprocessor", "services", "purpose", "country", "created_at", "updated_at")
        read_only_fields = ("id", "created_at", "updated_at")
        validators = []  # the pair's uniqueness and "not itself" are the service's rules, with their messages


class ContractSerializer(FixedAfterCreateMixin, StrictModelSerializer):
    vendor = VendorRefField()
    fixed_after_create = ("vendor",)

    class Meta:
        model = Contract
        fields = (
            "id",
            "vendor",
            "reference",
            "description",
            "starts_on",
            "ends_on",
            "dpa_signed_on",
            "breach_notification_hours",
            "audit_rights",
            "subprocessor_change_notice_days",
            "termination_notice_days",
            "annual_value",
            "created_at",
            "updated_at",
        )
        read_only_fields = ("id", "created_at", "updated_at")

    def validate(self, attrs):
        attrs = super().validate(attrs)
        starts_on = attrs.get("starts_on", getattr(self.instance, "starts_on", None))
        ends_on = attrs.get("ends_on", getattr(self.instance, "ends_on", None))
        if starts_on and ends_on and ends_on < starts_on:
            raise serializers.ValidationError({"ends_on": "A contract cannot end before it starts."})
        return attrs


class DocumentSerializer(FixedAfterCreateMixin, StrictModelSerializer):
    """Evidence metadata. Files are uploaded and downloaded through the admin's authorised views."""

    vendor = VendorRefField()
    verified_by = UsernameField(read_only=True, allow_null=True)
    has_file = serializers.SerializerMethodField()
    fixed_after_create = ("vendor",)
    read_only_reasons = {
        "verified_by": "Verification is recorded by POST /api/v1/documents/{id}/verify/, as the caller, today.",
        "verified_on": "Verification is recorded by POST /api/v1/documents/{id}/verify/, as the caller, today.",
    }

    class Meta:
        model = Document
        fields = (
            "id",
            "vendor",
            "kind",
            "title",
            "issued_on",
            "expires_on",
            "has_file",
            "verified_by",
            "verified_on",
            "created_at",
            "updated_at",
        )
        read_only_fields = ("id", "verified_by", "verified_on", "created_at", "updated_at")

    def get_has_file(self, document) -> bool:
        return bool(document.file)

    def validate(self, attrs):
        attrs = super().validate(attrs)
        issued_on = attrs.get("issued_on", getattr(self.instance, "issued_on", None))
        expires_on = attrs.get("expires_on", getattr(self.instance, "expires_on", None))
        if issued_on and expires_on and expires_on < issued_on:
            raise serializers.ValidationError({"expires_on": "A document cannot expire before it was issued."})
        return attrs
