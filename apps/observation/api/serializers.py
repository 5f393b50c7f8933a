from django.urls import reverse
from rest_framework import serializers

from apps.api.serializers import StrictModelSerializer
from apps.datamap.models import System
from apps.observation.models import Crawl, DriftFinding, ObservationTarget, ObservedRequest
from apps.vendors.models import Vendor, VendorService


class TargetSerializer(StrictModelSerializer):
    system = serializers.SlugRelatedField(slug_field="slug", queryset=System.objects.all())
    csp_report_path = serializers.SerializerMethodField(
        help_text="Where this system's Content-Security-Policy(-Report-Only) sends its reports (report-uri)."
    )

    class Meta:
        model = ObservationTarget
        fields = (
            "id",
            "system",
            "pages",
            "extra_origins",
            "sign_in_steps",
            "canary_name",
            "canary_email",
            "canary_user_ids",
            "canary_org_ids",
            "max_requests",
            "max_seconds",
            "stale_after_days",
            "enabled",
            "csp_reports_enabled",
            "csp_report_path",
            "last_crawled_at",
            "created_at",
            "updated_at",
        )
        read_only_fields = ("id", "last_crawled_at", "created_at", "updated_at")

    def get_csp_report_path(self, target) -> str:
        return reverse("observation:csp-report", args=[target.report_key])

    def validate(self, attrs):
        if self.instance is not None and "system" in attrs and attrs["system"] != self.instance.system:
            raise serializers.ValidationError({"system": "A target's system does not change."})
        return attrs


class ObservedRequestSerializer(serializers.ModelSerializer):
    system = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    vendor = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    categories = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = ObservedRequest
        fields = (
            "id",
            "system",
            "source",
            "method",
            "origin",
            "path",
            "resource_type",
            "query_keys",
            "body_keys",
            "cookie_names",
            "page_url",
            "initiator",
            "categories",
            "signals",
            "vendor",
            "suggested_vendor",
            "first_seen",
            "last_seen",
            "times_seen",
        )
        read_only_fields = fields


class DriftFindingSerializer(serializers.ModelSerializer):
    system = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    vendor = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    flow = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    category = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    evidence = ObservedRequestSerializer(read_only=True, allow_null=True)

    class Meta:
        model = DriftFinding
        fields = (
            "id",
            "kind",
            "status",
            "severity",
            "summary",
            "system",
            "vendor",
            "flow",
            "category",
            "origin",
            "observed_categories",
            "evidence",
            "first_seen",
            "last_seen",
            "times_seen",
            "resolution_note",
        )
        read_only_fields = fields


class CrawlSerializer(serializers.ModelSerializer):
    system = serializers.SlugRelatedField(source="target.system", slug_field="slug", read_only=True)

    class Meta:
        model = Crawl
        fields = (
            "id",
            "system",
            "started_at",
            "finished_at",
            "status",
            "pages_visited",
            "requests_seen",
            "third_party_requests",
            "error",
            "summary",
        )
        read_only_fields = fields


class DriftFindingAcceptSerializer(serializers.Serializer):
    vendor = serializers.SlugRelatedField(
        slug_field="slug", queryset=Vendor.objects.all(), required=False, help_text="undeclared vendor: whose origin"
    )
    service = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=VendorService.objects.all(),
        required=False,
        help_text="undeclared flow: the vendor's service (its only one by default)",
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=300)


class DriftFindingDismissSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)
