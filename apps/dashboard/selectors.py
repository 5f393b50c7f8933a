"""The dashboard's headline figures, each one database aggregate (constant queries); served by apps.dashboard.api."""

import datetime

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
    OuterRef,
    Q,
    Subquery,
    When,
)
from django.db.models.functions import Coalesce, Least, TruncDate
from django.utils import timezone

from apps.datamap.choices import Mechanism, Sharing
from apps.datamap.models import DataCategory, DataFlow, DataFlowCategory
from apps.datamap.selectors import active_flow_q
from apps.incidents.choices import IncidentStatus, Severity
from apps.incidents.delays import notification_delays
from apps.incidents.models import Incident
from apps.monitoring.models import ResidualRisk, Signal
from apps.monitoring.selectors import concentration
from apps.observation.selectors import unknown_third_parties
from apps.reviews.selectors import reviews_due_counts
from apps.risk.choices import RequirementStatus
from apps.risk.models import VendorRequirement
from apps.vendors.models import Contract, Vendor

TOP_CATEGORIES = 10
TOP_CATEGORIES_CACHE_KEY = "dashboard:top-received-categories"


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


def dashboard(*, today: datetime.date | None = None):
    """Every figure of GET /api/v1/dashboard/; `today` (default: the local date) dates the review counts."""
    return {
        "vendors_by_tier": vendors_by_tier(),
        "vendors_by_status": vendors_by_status(),
        "requirement_compliance_by_tier": requirement_compliance_by_tier(),
        "reviews": reviews_due_counts(today=today),
        "open_incidents_by_severity": open_incidents_by_severity(),
        "late_breach_notifications": late_breach_notifications(),
        "top_received_categories": top_received_categories(),
        "client_side_vendors_with_personal_data": client_side_vendors_with_personal_data(),
        # Third parties our pages called this week that match no vendor (apps.observation: crawls, CSP reports).
        "unknown_third_parties_this_week": unknown_third_parties(days=7),
        "concentration": concentration(),
        "residual_risk_by_rating": residual_risk_by_rating(),
        "open_signals": Signal.objects.filter(status="open").count(),
    }


def residual_risk_by_rating():
    """Vendors per residual rating ("none": no inherent tier yet), beside vendors_by_tier."""
    return _counts_by(ResidualRisk.objects.all(), "rating")
