"""Requirements, baselines, each vendor's standing and tightenings. Serializers validate; services write."""

from rest_framework import serializers

from apps.api.fields import UsernameField
from apps.datamap.choices import Mechanism
from apps.incidents.models import Incident
from apps.risk.models import Baseline, SecurityRequirement, Tightening, VendorRequirement
from apps.vendors.choices import DocumentKind, Tier, VendorCategory
from apps.vendors.models import Document

from ..choices import RequirementStatus


class SecurityRequirementSerializer(serializers.ModelSerializer):
    """POST adds a requirement (requirement_create), PUT/PATCH change it (requirement_update); the code is fixed."""

    # Checked by the service against the document kinds (as from the admin); listed here for readers.
    evidence_kinds = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text=f"Document kinds that can prove it: {', '.join(DocumentKind.values)}.",
    )
    control_mappings = serializers.ListField(child=serializers.CharField(), required=False)

    class Meta:
        model = SecurityRequirement
        fields = ("id", "code", "title", "description", "evidence_kinds", "control_mappings", "is_active")
        read_only_fields = ("id",)
        # Uniqueness is the service's to check (one message, the same from every door).
        extra_kwargs = {"code": {"validators": []}}

    def validate_code(self, code):
        if self.instance is not None and code != self.instance.code:
            raise serializers.ValidationError("The code never changes: baselines, fixtures and exports name it.")
        return code


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


RECORDABLE_STATUSES = [choice for choice in RequirementStatus.choices if choice[0] != RequirementStatus.EXCEPTION]


class VendorRequirementRecordSerializer(serializers.Serializer):
    """PATCH /vendor-requirements/{id}/: where the vendor stands (vendor_requirement_record). Exceptions are
    granted on a review (POST /exceptions/)."""

    status = serializers.ChoiceField(choices=RECORDABLE_STATUSES)
    evidence = serializers.PrimaryKeyRelatedField(
        queryset=Document.objects.all(),
        required=False,
        allow_null=True,
        help_text="A document of the same vendor, not expired; required for met.",
    )
    note = serializers.CharField(required=False, allow_blank=True)


class TighteningScopeSerializer(serializers.Serializer):
    """Peers in scope; every key given must hold (AND). System, mechanism and data categories hold on one flow."""

    category = serializers.ChoiceField(choices=VendorCategory.choices, required=False, help_text="Vendor category.")
    system = serializers.SlugField(required=False, help_text="Slug of one of our systems the flow reaches.")
    mechanism = serializers.ChoiceField(choices=Mechanism.choices, required=False)
    data_categories = serializers.ListField(
        child=serializers.SlugField(),
        required=False,
        help_text="Data-category codes shared on that flow; a code covers its subtree.",
    )


class TighteningPreviewSerializer(serializers.Serializer):
    tier = serializers.ChoiceField(
        choices=Tier.choices, required=False, allow_null=True, help_text="A new baseline version for this tier."
    )
    scope = TighteningScopeSerializer(required=False)


class TighteningCreateSerializer(TighteningPreviewSerializer):
    """POST /tightenings/: baseline_tighten, then the fan-out runs as a task after commit."""

    requirement = serializers.SlugRelatedField(
        slug_field="code", queryset=SecurityRequirement.objects.filter(is_active=True)
    )
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    due_on = serializers.DateField(required=False, allow_null=True, help_text="Default: 90 days from today.")
    incident = serializers.SlugRelatedField(
        slug_field="slug", queryset=Incident.objects.all(), required=False, allow_null=True
    )


class PreviewVendorSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    display_name = serializers.CharField()
    tier = serializers.IntegerField(allow_null=True)


class TighteningPreviewResultSerializer(serializers.Serializer):
    vendors_in_scope = serializers.IntegerField()
    vendors = PreviewVendorSerializer(many=True, help_text="The first vendors in scope by slug (at most 200).")


class TighteningSerializer(serializers.ModelSerializer):
    """A tightening and how far its fan-out got."""

    requirement = serializers.SlugRelatedField(slug_field="code", read_only=True)
    incident = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    created_by = UsernameField(read_only=True, allow_null=True)
    scope = serializers.DictField(read_only=True, help_text="category, system, mechanism, data_categories, tier.")
    statuses_created = serializers.IntegerField(
        source="statuses_so_far", read_only=True, help_text="Requirement statuses this tightening has created so far."
    )
    fan_out_state = serializers.SerializerMethodField(help_text="pending, in_progress or done.")

    class Meta:
        model = Tightening
        fields = (
            "id",
            "requirement",
            "baseline",
            "scope",
            "reason",
            "due_on",
            "incident",
            "created_by",
            "created_at",
            "vendors_in_scope",
            "statuses_created",
            "fanned_out_at",
            "fan_out_state",
        )
        read_only_fields = fields

    def get_fan_out_state(self, tightening) -> str:
        if tightening.fanned_out_at is not None:
            return "done"
        return "in_progress" if tightening.statuses_so_far else "pending"
