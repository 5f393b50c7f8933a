"""GET /api/v1/dashboard/: the register's headline figures (apps.dashboard.selectors)."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.dashboard.selectors import dashboard


class ComplianceSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    met = serializers.IntegerField()
    exception = serializers.IntegerField()
    in_progress = serializers.IntegerField()
    not_met = serializers.IntegerField()
    compliance_percent = serializers.FloatField(allow_null=True)


class ReviewsDueTierSerializer(serializers.Serializer):
    overdue = serializers.IntegerField()
    due_within_30_days = serializers.IntegerField()


class ReviewsDueSerializer(ReviewsDueTierSerializer):
    by_tier = serializers.DictField(child=ReviewsDueTierSerializer())


class LateNotificationSerializer(serializers.Serializer):
    vendor = serializers.SlugField()
    incident = serializers.SlugField()
    contract = serializers.SlugField()
    clause_hours = serializers.IntegerField()
    delay_hours = serializers.FloatField(help_text="Detection to told; while still waiting, detection to now.")
    still_waiting = serializers.BooleanField()


class CategoryCountSerializer(serializers.Serializer):
    code = serializers.SlugField()
    name = serializers.CharField()
    vendors = serializers.IntegerField()


class VendorBriefSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    display_name = serializers.CharField()
    tier = serializers.IntegerField(allow_null=True)


class UnknownThirdPartySerializer(serializers.Serializer):
    origin = serializers.CharField()
    known_as = serializers.CharField(help_text="The vendor a well-known SDK host belongs to, if it is one.")
    systems = serializers.ListField(child=serializers.SlugField())
    requests = serializers.IntegerField(help_text="Distinct kinds of request seen.")
    first_seen = serializers.DateTimeField()
    last_seen = serializers.DateTimeField()


class ProviderShareSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    display_name = serializers.CharField()
    vendors = serializers.IntegerField()
    percent = serializers.FloatField(allow_null=True)


class CountryShareSerializer(serializers.Serializer):
    country = serializers.CharField()
    vendors = serializers.IntegerField()
    percent = serializers.FloatField(allow_null=True)


class CriticalFlowShareSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    display_name = serializers.CharField()
    flows = serializers.IntegerField()
    percent = serializers.FloatField(allow_null=True)


class ConcentrationSerializer(serializers.Serializer):
    up_to_tier = serializers.IntegerField()
    vendors = serializers.IntegerField(help_text="Vendors of tier 1 … up_to_tier.")
    subprocessors = ProviderShareSerializer(many=True)
    countries = CountryShareSerializer(many=True)
    critical_flows = serializers.IntegerField(help_text="Running flows carrying a critical-sensitivity category.")
    critical_flow_providers = CriticalFlowShareSerializer(many=True)
    open_findings = serializers.IntegerField()


class DashboardSerializer(serializers.Serializer):
    vendors_by_tier = serializers.DictField(child=serializers.IntegerField())
    vendors_by_status = serializers.DictField(child=serializers.IntegerField())
    requirement_compliance_by_tier = serializers.DictField(child=ComplianceSerializer())
    reviews = ReviewsDueSerializer()
    open_incidents_by_severity = serializers.DictField(child=serializers.IntegerField())
    late_breach_notifications = LateNotificationSerializer(
        many=True,
        help_text="The 10 most recently detected (bounded); the total is late_breach_notifications_total. "
        "The full list: the workspace's /incidents/?late=1.",
    )
    late_breach_notifications_total = serializers.IntegerField(help_text="How many incidents are late, listed or not.")
    top_received_categories = CategoryCountSerializer(many=True)
    client_side_vendors_with_personal_data = VendorBriefSerializer(
        many=True,
        help_text="The first 10 by name (bounded); the total is client_side_vendors_with_personal_data_total. "
        "The full list: the workspace's /vendors/?client_side_personal=1.",
    )
    client_side_vendors_with_personal_data_total = serializers.IntegerField(
        help_text="How many vendors run a client-side SDK receiving personal data, listed or not."
    )
    unknown_third_parties_this_week = UnknownThirdPartySerializer(many=True)
    concentration = ConcentrationSerializer()
    residual_risk_by_rating = serializers.DictField(child=serializers.IntegerField())
    open_signals = serializers.IntegerField()


class DashboardView(APIView):
    """Headline figures for dashboards. Readable by dashboards and security reviewers, not procurement."""

    @extend_schema(responses=DashboardSerializer)
    def get(self, request):
        return Response(dashboard())
