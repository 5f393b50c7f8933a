"""Reviews in the API. State, requester, decider and dates are read-only: only the transition actions move them."""

from rest_framework import serializers

from apps.api.fields import UsernameField
from apps.api.serializers import StrictModelSerializer
from apps.incidents.models import Incident
from apps.reviews.models import Finding, Review, ReviewTransition, RiskException
from apps.risk.models import VendorRequirement
from apps.vendors.api.serializers import VendorRefField


class ReviewSerializer(StrictModelSerializer):
    vendor = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    incident = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    requested_by = UsernameField(read_only=True, allow_null=True)
    decided_by = UsernameField(read_only=True, allow_null=True)

    read_only_reasons = {
        "state": "The state moves only through the transition actions (submit, start, approve…).",
        "decided_by": "Set by the approve or reject action.",
        "decided_at": "Set by the approve or reject action.",
        "requested_by": "Set when the review is opened.",
        "conditions": "Set by the approve-with-conditions action.",
    }

    class Meta:
        model = Review
        fields = (
            "id",
            "vendor",
            "kind",
            "state",
            "tier",
            "baseline",
            "incident",
            "requested_by",
            "decided_by",
            "decided_at",
            "conditions",
            "summary",
            "due_on",
            "created_at",
            "updated_at",
        )
        read_only_fields = (
            "id",
            "vendor",
            "kind",
            "state",
            "tier",
            "baseline",
            "incident",
            "requested_by",
            "decided_by",
            "decided_at",
            "conditions",
            "created_at",
            "updated_at",
        )


class ReviewOpenSerializer(serializers.Serializer):
    """POST /reviews/: open a review through apps.reviews.services.review_open, which checks the incident."""

    vendor = VendorRefField()
    kind = serializers.ChoiceField(choices=Review._meta.get_field("kind").choices)
    incident = serializers.SlugRelatedField(
        slug_field="slug", queryset=Incident.objects.all(), required=False, allow_null=True
    )


class TransitionSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ApproveWithConditionsSerializer(TransitionSerializer):
    conditions = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Defaults to the review's own conditions."
    )


class ReviewTransitionSerializer(serializers.ModelSerializer):
    actor = UsernameField(read_only=True, allow_null=True)

    class Meta:
        model = ReviewTransition
        fields = ("id", "from_state", "to_state", "actor", "note", "at")
        read_only_fields = fields


class FindingSerializer(serializers.ModelSerializer):
    vendor = serializers.SlugRelatedField(source="review.vendor", slug_field="slug", read_only=True)
    owner = UsernameField(read_only=True, allow_null=True)
    # Declared: DRF drops allow_blank from read-only model fields; only findings the register raises have a code.
    code = serializers.SlugField(read_only=True, allow_blank=True)

    class Meta:
        model = Finding
        fields = (
            "id",
            "review",
            "vendor",
            "code",
            "title",
            "description",
            "severity",
            "status",
            "owner",
            "due_on",
            "created_at",
            "updated_at",
        )
        read_only_fields = fields


class RiskExceptionSerializer(serializers.ModelSerializer):
    vendor = serializers.SlugRelatedField(source="vendor_requirement.vendor", slug_field="slug", read_only=True)
    requirement = serializers.SlugRelatedField(
        source="vendor_requirement.requirement", slug_field="code", read_only=True
    )
    approved_by = UsernameField(read_only=True)

    class Meta:
        model = RiskException
        fields = ("id", "review", "vendor", "requirement", "justification", "approved_by", "expires_on", "created_at")
        read_only_fields = fields


class FindingRaiseSerializer(serializers.Serializer):
    """POST /findings/: raise a finding on a review through apps.reviews.services.finding_raise."""

    review = serializers.PrimaryKeyRelatedField(queryset=Review.objects.all())
    title = serializers.CharField()
    severity = serializers.ChoiceField(choices=Finding._meta.get_field("severity").choices)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    owner = UsernameField(required=False, allow_null=True, default=None)
    due_on = serializers.DateField(required=False, allow_null=True, default=None)


class FindingStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Finding._meta.get_field("status").choices)


class ExceptionGrantSerializer(serializers.Serializer):
    """POST /exceptions/: grant a time-boxed exception through apps.reviews.services.exception_grant."""

    review = serializers.PrimaryKeyRelatedField(queryset=Review.objects.all())
    vendor_requirement = serializers.PrimaryKeyRelatedField(queryset=VendorRequirement.objects.all())
    justification = serializers.CharField()
    expires_on = serializers.DateField()
