"""The dashboard's headline figures, each one database aggregate (constant queries); served by apps.dashboard.api."""

import datetime
from collections import Counter

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
    Sum,
    When,
    Window,
)
from django.db.models.functions import Coalesce, Least, TruncDate
from django.utils import timezone

from apps.incidents.choices import IncidentStatus, Severity
from apps.incidents.delays import notification_delays
from apps.incidents.models import Incident
from apps.monitoring.models import ConcentrationFinding, ResidualRisk, Signal
from apps.monitoring.selectors import TOP as TOP_PROVIDERS
from apps.monitoring.selectors import country_shares, subprocessor_shares
from apps.monitoring.selectors import percent_of as monitoring_percent
from apps.observation.selectors import unknown_third_parties
from apps.reviews.selectors import reviews_due_counts
from apps.risk.compliance import compliance_by_tier
from apps.vendors.choices import Tier
from apps.vendors.models import Contract, Subprocessor, Vendor

from .aggregates import EMPTY, Summary, stored_summaries, summaries_computed
from .models import CategoryReach, MechanismReach, VendorSummary

TOP_CATEGORIES = 10


def _counts_by(queryset, field):
    return {
        str(row[field]) if row[field] is not None else "none": row["n"]
        for row in queryset.order_by().values(field).annotate(n=Count("pk"))
    }


def vendors_by_tier():
    return vendors_by_tier_and_status()[0]


def vendors_by_status():
    return vendors_by_tier_and_status()[1]


def vendors_by_tier_and_status() -> tuple[dict, dict]:
    """(vendors per tier, vendors per status) from one pass over the vendors: a few dozen (tier, status) groups,
    rather than reading every vendor twice."""
    by_tier, by_status = Counter(), Counter()
    for tier, status, n in Vendor.objects.order_by().values_list("tier", "status").annotate(n=Count("pk")):
        by_tier[str(tier) if tier is not None else "none"] += n
        by_status[str(status) if status is not None else "none"] += n
    return dict(by_tier), dict(by_status)


def requirement_compliance_by_tier():
    """Per vendor tier: how many requirement statuses are met, covered by an exception, in progress, not met.

    Read from the per-tier counters the status and tier services keep (apps.risk.compliance): a few rows,
    where counting every status took most of the dashboard's time at 10,000 vendors.
    """
    return compliance_by_tier()


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


def late_incidents(now: datetime.datetime | None = None):
    """Incidents a vendor told us of later than its contract's clause allows, or has still not told us of.

    Told = the earlier of the vendor's notice and the data set it sent (apps.incidents.delays). A contract
    silent on breach notification gives no verdict. Filtered in the database, most recently detected first.
    """
    now = now or timezone.now()
    # alias(), not annotate(): nothing reads these columns, and each is the contract subqueries again, which
    # Django compiles and PostgreSQL runs once per place it appears. A silent clause (NULL) needs no filter of its
    # own: its deadline is NULL, and a comparison with NULL keeps no row.
    return (
        Incident.objects.filter(vendor_detected_at__isnull=False)
        .alias(detected_on=TruncDate("vendor_detected_at", tzinfo=datetime.UTC))
        .alias(
            clause_hours=_clause_in_force(),
            told_at=Least(
                Coalesce("vendor_notified_at", "dataset_received_at"),
                Coalesce("dataset_received_at", "vendor_notified_at"),
            ),
        )
        .alias(deadline=PlusHours("vendor_detected_at", "clause_hours"))
        .filter(Q(told_at__gt=F("deadline")) | Q(told_at__isnull=True, deadline__lt=now))
        .order_by("-vendor_detected_at", "-pk")
    )


def late_breach_notifications(now: datetime.datetime | None = None, *, limit: int | None = None):
    """The late incidents (all, or the `limit` most recently detected) with their delays as issue 4 computes them."""
    return late_breach_notifications_with_total(now, limit=limit)[0]


def late_breach_notifications_with_total(now: datetime.datetime | None = None, *, limit: int | None = None):
    """(late_breach_notifications, how many late incidents there are in all), in one query: the total is a window
    count over the same filter, so the costly filter is built and run once rather than again for a COUNT."""
    now = now or timezone.now()
    incidents = (
        late_incidents(now)
        .annotate(late_total=Window(Count("pk")))
        .select_related("vendor")
        .prefetch_related("vendor__contracts")
    )
    if limit is not None:
        incidents = incidents[:limit]
    late, total = [], 0
    for incident in incidents:
        total = incident.late_total
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
    return late, total


CLIENT_SIDE_LIST = 10
LATE_LIST = 10


def _live_delta(stale, attribute) -> Counter:
    """How the stale vendors' live summaries move a reach counter (live minus stored)."""
    delta = Counter()
    for stored, live in stale.values():
        delta.update(getattr(live, attribute))
        delta.subtract(getattr(stored, attribute))
    return delta


def vendors_by_mechanism(*, stale=None):
    """Per mechanism, how many vendors receive data through a running flow of it (MechanismReach, corrected)."""
    stale = stale_summaries() if stale is None else stale
    counts = Counter(dict(MechanismReach.objects.values_list("mechanism", "vendors")))
    counts.update(_live_delta(stale, "mechanisms"))
    return {mechanism: n for mechanism, n in counts.items() if n > 0}


def critical_flow_shares(*, stale, limit=TOP_PROVIDERS):
    """(critical flows, rows {slug, display_name, flows, percent}) as apps.monitoring.selectors computes them,
    from the per-vendor counts of the summary rows: a flow belongs to one vendor and a vendor links a
    subprocessor once, so a provider's flows are the sum over its vendors."""
    moved = {pk: live.critical_flows - stored.critical_flows for pk, (stored, live) in stale.items()}
    moved = {pk: n for pk, n in moved.items() if n}
    total = (VendorSummary.objects.aggregate(n=Sum("critical_flows"))["n"] or 0) + sum(moved.values())
    links = Subprocessor.objects.filter(Q(vendor__dashboard_summary__critical_flows__gt=0) | Q(vendor_id__in=moved))
    rows = links.values("subprocessor__slug", "subprocessor__display_name", "vendor_id").annotate(
        flows=Coalesce(Sum("vendor__dashboard_summary__critical_flows"), 0)
    )
    providers: Counter = Counter()
    for row in rows:
        providers[(row["subprocessor__slug"], row["subprocessor__display_name"])] += row["flows"] + moved.get(
            row["vendor_id"], 0
        )
    ranked = sorted(((n, key) for key, n in providers.items() if n > 0), key=lambda item: (-item[0], item[1][0]))
    return total, [
        {"slug": slug, "display_name": name, "flows": n, "percent": monitoring_percent(n, total)}
        for n, (slug, name) in ranked[:limit]
    ]


def concentration(*, stale=None, up_to_tier=Tier.HIGH, limit=TOP_PROVIDERS) -> dict:
    """apps.monitoring.selectors.concentration, its scan of the data map (critical flows) read from the summaries."""
    stale = stale_summaries() if stale is None else stale
    vendors_total, subprocessors = subprocessor_shares(up_to_tier=up_to_tier, limit=limit)
    _total, countries = country_shares(up_to_tier=up_to_tier, limit=limit, total=vendors_total)
    flows_total, providers = critical_flow_shares(stale=stale, limit=limit)
    return {
        "up_to_tier": int(up_to_tier),
        "vendors": vendors_total,
        "subprocessors": subprocessors,
        "countries": countries,
        "critical_flows": flows_total,
        "critical_flow_providers": providers,
        "open_findings": ConcentrationFinding.objects.filter(status="open").count(),
    }


def stale_summaries(*, today: datetime.date | None = None) -> dict[int, tuple[Summary, Summary]]:
    """{vendor id: (stored, live)} for the summaries past their `stale_on` (a counted flow ended since the last
    write): one indexed query, and the live recomputation of just those vendors when there are any."""
    today = today or timezone.localdate()
    stored = stored_summaries(VendorSummary.objects.filter(stale_on__lte=today))
    if not stored:
        return {}
    live = summaries_computed(vendor_ids=stored, today=today)
    return {vendor_id: (summary, live.get(vendor_id, EMPTY)) for vendor_id, summary in stored.items()}


def top_received_categories(*, today=None, stale=None):
    """The categories the most vendors receive (shared on an active flow), most first, from the summary rows.

    Reads CategoryReach (one row per category, the catalogue's size, not the register's) and corrects it by
    the vendors whose summary went stale since their last write, so the figure is right without a cache.
    """
    stale = stale_summaries(today=today) if stale is None else stale
    delta = Counter()
    for stored, live in stale.values():
        delta.update(live.received_category_ids)
        delta.subtract(stored.received_category_ids)
    rows = CategoryReach.objects.filter(Q(vendors__gt=0) | Q(pk__in=[pk for pk, n in delta.items() if n > 0]))
    counted = [
        (vendors + delta.get(pk, 0), path, code, name)
        for pk, vendors, path, code, name in rows.values_list(
            "category_id", "vendors", "category__path", "category__code", "category__name"
        )
    ]
    counted = sorted((row for row in counted if row[0] > 0), key=lambda row: (-row[0], row[1]))
    return [{"code": code, "name": name, "vendors": vendors} for vendors, _path, code, name in counted[:TOP_CATEGORIES]]


def client_side_personal_vendors(*, today=None, stale=None):
    """Every vendor whose script or SDK runs in our pages and receives personal data (the Mixpanel pattern),
    as a queryset from the summary rows: the full list behind the dashboard's bounded one."""
    stale = stale_summaries(today=today) if stale is None else stale
    still = [vendor_id for vendor_id, (_stored, live) in stale.items() if live.client_side_personal]
    counted = Q(dashboard_summary__client_side_personal=True) & ~Q(pk__in=list(stale))
    return Vendor.objects.filter(counted | Q(pk__in=still))


def client_side_vendors_with_personal_data(*, today=None, stale=None, limit=CLIENT_SIDE_LIST):
    """(the first `limit` of those vendors by name, how many there are in all)."""
    vendors = client_side_personal_vendors(today=today, stale=stale)
    listed = list(vendors.order_by("display_name", "pk").values("slug", "display_name", "tier")[:limit])
    return listed, vendors.count()  # always counted: the same queries however many there are


def dashboard(*, today: datetime.date | None = None):
    """Every figure of GET /api/v1/dashboard/; `today` (default: the local date) dates the review counts."""
    stale = stale_summaries()
    client_side, client_side_total = client_side_vendors_with_personal_data(stale=stale)
    late, late_total = late_breach_notifications_with_total(limit=LATE_LIST)
    by_tier, by_status = vendors_by_tier_and_status()
    return {
        "vendors_by_tier": by_tier,
        "vendors_by_status": by_status,
        "requirement_compliance_by_tier": requirement_compliance_by_tier(),
        "reviews": reviews_due_counts(today=today),
        "open_incidents_by_severity": open_incidents_by_severity(),
        "late_breach_notifications": late,
        "late_breach_notifications_total": late_total,
        "top_received_categories": top_received_categories(stale=stale),
        "client_side_vendors_with_personal_data": client_side,
        "client_side_vendors_with_personal_data_total": client_side_total,
        # Third parties our pages called this week that match no vendor (apps.observation: crawls, CSP reports).
        "unknown_third_parties_this_week": unknown_third_parties(days=7),
        "concentration": concentration(stale=stale),
        "residual_risk_by_rating": residual_risk_by_rating(),
        "open_signals": Signal.objects.filter(status="open").count(),
    }


def residual_risk_by_rating():
    """Vendors per residual rating ("none": no inherent tier yet), beside vendors_by_tier."""
    return _counts_by(ResidualRisk.objects.all(), "rating")
