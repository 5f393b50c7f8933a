"""GET /api/v1/dashboard/: the register's headline figures, each one database aggregate (constant queries)."""

import datetime

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import (
    Case,
    Count,
    DateTimeField,
    Exists,
    F,
    Func,
    IntegerField,
    Max,
    OuterRef,
    Q,
    Subquery,
    When,
)
from django.db.models.functions import Coalesce, Least, TruncDate
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.datamap.choices import Mechanism, Sharing
from apps.datamap.models import DataCategory, DataFlow, DataFlowCategory
from apps.datamap.selectors import active_flow_q
from apps.incidents.choices import IncidentStatus, Severity
from apps.incidents.delays import notification_delays
from apps.incidents.models import Incident
from apps.reviews.choices import ReviewState
from apps.risk.choices import RequirementStatus
from apps.risk.models import Baseline, VendorRequirement
from apps.vendors.choices import Tier, VendorStatus
from apps.vendors.models import Contract, Vendor

# Used when a tier has no current baseline yet (DESIGN: tier 1 yearly … tier 4 every three years).
DEFAULT_REVIEW_CADENCE_MONTHS = {Tier.CRITICAL: 12, Tier.HIGH: 12, Tier.MEDIUM: 24, Tier.LOW: 36}
DUE_SOON_DAYS = 30
TOP_CATEGORIES = 10
TOP_CATEGORIES_CACHE_KEY = "dashboard:top-received-categories"
APPROVED_STATES = (ReviewState.APPROVED, ReviewState.APPROVED_WITH_CONDITIONS)
# Vendors that must keep a current review: in service, or under review because of an incident.
REVIEWED_STATUSES = (VendorStatus.ACTIVE, VendorStatus.UNDER_REVIEW)


def _counts_by(queryset, field):
    return {
        str(row[field]) if row[field] is not None else "none": row["n"]
        for row in queryset.order_by().values(field).annotate(n=Count("pk"))
    }


def vendors_by_tier():
    return _counts_by(Vendor.objects.all(), "tier")


def vendors_by_status():
    return _counts_by(Vendor.objects.all(), "status")


def requirement_compliance_by_tier():
    """Per vendor tier: how many requirement statuses are met, covered by an exception, in progress, not met."""
    rows = (
        VendorRequirement.objects.order_by()
        .values("vendor__tier")
        .annotate(
            total=Count("pk"),
            **{status: Count("pk", filter=Q(status=status)) for status in RequirementStatus.values},
        )
    )
    result = {}
    for row in rows:
        tier = row.pop("vendor__tier")
        covered = row[RequirementStatus.MET] + row[RequirementStatus.EXCEPTION]
        row["compliance_percent"] = round(100 * covered / row["total"], 1) if row["total"] else None
        result[str(tier) if tier is not None else "none"] = row
    return result


def review_cadences() -> dict[int, int]:
    cadences = dict(DEFAULT_REVIEW_CADENCE_MONTHS)
    cadences.update(Baseline.objects.current().values_list("tier", "review_cadence_months"))
    return cadences


def reviews_due(today: datetime.date | None = None):
    """Vendors whose last approval is older than their tier's cadence (overdue), or will be within 30 days.

    A vendor never approved is overdue. Cadences come from each tier's current baseline (one query); the
    cut-off dates are computed here, the counting is one aggregate over the vendors.
    """
    today = today or timezone.localdate()
    midnight = datetime.datetime.combine(today, datetime.time.min, tzinfo=datetime.UTC)
    overdue, due_soon = {}, {}
    cadences = review_cadences()
    for tier, months in cadences.items():
        cutoff = midnight - relativedelta(months=months)
        in_tier = Q(tier=tier)
        overdue[f"overdue_{tier}"] = Count(
            "pk", filter=in_tier & (Q(last_approved__isnull=True) | Q(last_approved__lt=cutoff))
        )
        due_soon[f"due_soon_{tier}"] = Count(
            "pk",
            filter=in_tier
            & Q(last_approved__gte=cutoff, last_approved__lt=cutoff + datetime.timedelta(days=DUE_SOON_DAYS)),
        )
    counts = (
        Vendor.objects.filter(status__in=REVIEWED_STATUSES)
        .annotate(last_approved=Max("reviews__decided_at", filter=Q(reviews__state__in=APPROVED_STATES)))
        .aggregate(**overdue, **due_soon)
    )
    by_tier = {
        str(tier): {"overdue": counts[f"overdue_{tier}"], "due_within_30_days": counts[f"due_soon_{tier}"]}
        for tier in sorted(cadences)
    }
    return {
        "overdue": sum(row["overdue"] for row in by_tier.values()),
        "due_within_30_days": sum(row["due_within_30_days"] for row in by_tier.values()),
        "by_tier": by_tier,
    }


def open_incidents_by_severity():
    counts = _counts_by(Incident.objects.exclude(status=IncidentStatus.CLOSED), "severity")
    return {severity: counts.get(severity, 0) for severity in Severity.values}


class PlusHours(Func):
    """datetime + N hours, N an integer column. Django's F() * timedelta is not supported by SQLite."""

    arity = 2
    output_field = DateTimeField()

    def as_postgresql(self, compiler, connection, **extra_context):
        template = "(%(expressions)s))"
        return self.as_sql(compiler, connection, template=template, arg_joiner=" + make_interval(hours => ")

    def as_sqlite(self, compiler, connection, **extra_context):
        # Django keeps SQLite datetimes as UTC text, which datetime() reads and writes in the same form.
        return self.as_sql(
            compiler, connection, template="datetime(%(expressions)s || ' hours')", arg_joiner=", '+' || "
        )


def _clause_in_force():
    """The breach clause (hours) of the contract in force at detection, else of the latest contract.

    The same choice as apps.incidents.delays.contract_at_detection, done in the database. The outer
    queryset must annotate `detected_on` (the UTC date of vendor_detected_at).
    """
    detected_on = OuterRef("detected_on")
    contracts = Contract.objects.filter(vendor=OuterRef("vendor")).order_by("-starts_on")
    in_force = contracts.filter(Q(starts_on__lte=detected_on), Q(ends_on__isnull=True) | Q(ends_on__gte=detected_on))
    hours = "breach_notification_hours"
    return Case(
        When(Exists(in_force), then=Subquery(in_force.values(hours)[:1])),
        default=Subquery(contracts.values(hours)[:1]),
        output_field=IntegerField(),
    )


def late_breach_notifications(now: datetime.datetime | None = None):
    """Incidents a vendor told us of later than its contract's clause allows, or has still not told us of.

    Told = the earlier of the vendor's notice and the data set it sent (apps.incidents.delays). A contract
    silent on breach notification gives no verdict. Filtered in the database; delays shown as issue 4 computes them.
    """
    now = now or timezone.now()
    incidents = (
        Incident.objects.filter(vendor_detected_at__isnull=False)
        .annotate(detected_on=TruncDate("vendor_detected_at", tzinfo=datetime.UTC))
        .annotate(
            clause_hours=_clause_in_force(),
            told_at=Least(
                Coalesce("vendor_notified_at", "dataset_received_at"),
                Coalesce("dataset_received_at", "vendor_notified_at"),
            ),
        )
        .filter(clause_hours__isnull=False)
        .annotate(deadline=PlusHours("vendor_detected_at", "clause_hours"))
        .filter(Q(told_at__gt=F("deadline")) | Q(told_at__isnull=True, deadline__lt=now))
        .select_related("vendor")
        .prefetch_related("vendor__contracts")
        .order_by("-vendor_detected_at")
    )
    late = []
    for incident in incidents:
        delays = notification_delays(incident, now=now)
        late.append(
            {
                "vendor": incident.vendor.slug,
                "incident": incident.slug,
                "contract": delays.contract_reference,
                "clause_hours": delays.contract_clause_hours,
                "delay_hours": delays.delay_hours,
                "still_waiting": delays.still_waiting,
            }
        )
    return late


def top_received_categories():
    """The categories the most vendors receive, from the cache for DASHBOARD_CACHE_SECONDS (60 s by default)."""
    seconds = settings.DASHBOARD_CACHE_SECONDS
    if seconds <= 0:
        return top_received_categories_now()
    return cache.get_or_set(TOP_CATEGORIES_CACHE_KEY, top_received_categories_now, seconds)


def top_received_categories_now():
    """The categories the most vendors receive (shared on an active flow), most first.

    Counted over the DISTINCT (vendor, category) pairs, then per category: one hash aggregate over the ~1M
    flow-category rows. `COUNT(DISTINCT vendor)` per category sorted every category's rows instead (~770 ms
    at 10,000 vendors against ~330 ms; bench/run.py, the dashboard row).
    """
    pairs = (
        DataFlowCategory.objects.filter(active_flow_q(prefix="flow__"), sharing=Sharing.SHARED)
        .order_by()
        .annotate(pair_vendor=F("flow__vendor_id"), pair_category=F("category_id"))
        .values("pair_vendor", "pair_category")
        .distinct()
    )
    pairs_sql, params = pairs.query.sql_with_params()
    category = connection.ops.quote_name(DataCategory._meta.db_table)
    # Only ORM-compiled SQL and a quoted table name are interpolated; values travel as parameters.
    query = f"""
        SELECT c.code, c.name, counted.vendors FROM (
            SELECT pairs.pair_category, COUNT(*) AS vendors FROM ({pairs_sql}) pairs GROUP BY pairs.pair_category
        ) counted JOIN {category} c ON c.id = counted.pair_category
        ORDER BY counted.vendors DESC, c.path LIMIT %s
    """  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(query, [*params, TOP_CATEGORIES])
        return [{"code": code, "name": name, "vendors": vendors} for code, name, vendors in cursor.fetchall()]


def client_side_vendors_with_personal_data():
    """Vendors whose script or SDK runs in our pages and receives personal data: the Mixpanel pattern."""
    personal = DataFlowCategory.objects.filter(
        flow=OuterRef("pk"), sharing=Sharing.SHARED, category__is_personal_data=True
    )
    flows = DataFlow.objects.filter(
        active_flow_q(), Exists(personal), vendor=OuterRef("pk"), mechanism=Mechanism.CLIENT_SIDE_SDK
    )
    return list(Vendor.objects.filter(Exists(flows)).order_by("display_name").values("slug", "display_name", "tier"))


def dashboard():
    return {
        "vendors_by_tier": vendors_by_tier(),
        "vendors_by_status": vendors_by_status(),
        "requirement_compliance_by_tier": requirement_compliance_by_tier(),
        "reviews": reviews_due(),
        "open_incidents_by_severity": open_incidents_by_severity(),
        "late_breach_notifications": late_breach_notifications(),
        "top_received_categories": top_received_categories(),
        "client_side_vendors_with_personal_data": client_side_vendors_with_personal_data(),
    }


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


class DashboardSerializer(serializers.Serializer):
    vendors_by_tier = serializers.DictField(child=serializers.IntegerField())
    vendors_by_status = serializers.DictField(child=serializers.IntegerField())
    requirement_compliance_by_tier = serializers.DictField(child=ComplianceSerializer())
    reviews = ReviewsDueSerializer()
    open_incidents_by_severity = serializers.DictField(child=serializers.IntegerField())
    late_breach_notifications = LateNotificationSerializer(many=True)
    top_received_categories = CategoryCountSerializer(many=True)
    client_side_vendors_with_personal_data = VendorBriefSerializer(many=True)


class DashboardView(APIView):
    """Headline figures for dashboards. Readable by dashboards and security reviewers, not procurement."""

    @extend_schema(responses=DashboardSerializer)
    def get(self, request):
        return Response(dashboard())
