"""Reads of the monitoring app: concentration figures, residual-risk inputs, signals. Constant queries each."""

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from apps.datamap.choices import Sensitivity, Sharing
from apps.datamap.models import DataCategory, DataFlow, DataFlowCategory
from apps.datamap.selectors import active_flow_q
from apps.reviews.choices import FindingStatus
from apps.reviews.models import Finding, RiskException
from apps.risk.choices import RequirementStatus
from apps.risk.models import VendorRequirement
from apps.risk.selectors import unexpired_exception_q
from apps.vendors.choices import Tier
from apps.vendors.models import Subprocessor, Vendor

from .models import Signal
from .residual import ResidualInputs

TOP = 10


def percent_of(count, total) -> float | None:
    if not total:
        return None
    return float((Decimal(100 * count) / Decimal(total)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def critical_flows():
    """Flows that are running and carry at least one shared category of critical sensitivity."""
    # The catalogue's few critical categories are read first and named by id, so PostgreSQL finds their rows
    # through the (category, sharing) index; joined to the catalogue, it scanned every flow-category row
    # (~250 ms at 10,000 vendors, issue 22).
    critical_ids = list(DataCategory.objects.filter(sensitivity=Sensitivity.CRITICAL).values_list("pk", flat=True))
    rows = DataFlowCategory.objects.filter(flow=OuterRef("pk"), sharing=Sharing.SHARED, category_id__in=critical_ids)
    return DataFlow.objects.filter(active_flow_q()).filter(Exists(rows))


def subprocessor_shares(*, up_to_tier=Tier.HIGH, limit=TOP, min_count=None):
    """(total vendors of tier 1..up_to_tier, rows {slug, display_name, vendors, percent}) most shared first."""
    total = Vendor.objects.filter(tier__lte=up_to_tier).count()
    rows = (
        Subprocessor.objects.filter(vendor__tier__lte=up_to_tier)
        .values("subprocessor__slug", "subprocessor__display_name")
        .annotate(vendors=Count("vendor_id", distinct=True))
        .order_by("-vendors", "subprocessor__slug")
    )
    if min_count is not None:
        rows = rows.filter(vendors__gte=min_count)
    if limit is not None:
        rows = rows[:limit]
    return total, [
        {
            "slug": row["subprocessor__slug"],
            "display_name": row["subprocessor__display_name"],
            "vendors": row["vendors"],
            "percent": percent_of(row["vendors"], total),
        }
        for row in rows
    ]


def country_shares(*, up_to_tier=Tier.HIGH, limit=TOP, min_count=None, total=None):
    """(total, rows {country, vendors, percent}): countries where the subprocessors of tier 1..N vendors run."""
    if total is None:
        total = Vendor.objects.filter(tier__lte=up_to_tier).count()
    rows = (
        Subprocessor.objects.filter(vendor__tier__lte=up_to_tier)
        .exclude(country="")
        .values("country")
        .annotate(vendors=Count("vendor_id", distinct=True))
        .order_by("-vendors", "country")
    )
    if min_count is not None:
        rows = rows.filter(vendors__gte=min_count)
    if limit is not None:
        rows = rows[:limit]
    return total, [
        {"country": row["country"], "vendors": row["vendors"], "percent": percent_of(row["vendors"], total)}
        for row in rows
    ]


def critical_flow_shares(*, limit=TOP, min_count=None):
    """(critical flows, rows {slug, display_name, flows, percent}): critical flows whose vendor relies on one
    subprocessor (a flow counts once per provider, whichever of our vendors it goes to)."""
    flows = critical_flows()
    total = flows.count()
    rows = (
        Subprocessor.objects.filter(vendor__flows__in=flows.values("pk"))
        .values("subprocessor__slug", "subprocessor__display_name")
        .annotate(flows=Count("vendor__flows", distinct=True))
        .order_by("-flows", "subprocessor__slug")
    )
    if min_count is not None:
        rows = rows.filter(flows__gte=min_count)
    if limit is not None:
        rows = rows[:limit]
    return total, [
        {
            "slug": row["subprocessor__slug"],
            "display_name": row["subprocessor__display_name"],
            "flows": row["flows"],
            "percent": percent_of(row["flows"], total),
        }
        for row in rows
    ]


def concentration(*, up_to_tier=Tier.HIGH, limit=TOP) -> dict:
    """The dashboard's and the API's concentration figures: seven queries whatever the register's size (tier 1..N
    vendors, providers, countries, the critical categories, critical flows, critical flows per provider, open
    findings)."""
    vendors_total, subprocessors = subprocessor_shares(up_to_tier=up_to_tier, limit=limit)
    _total, countries = country_shares(up_to_tier=up_to_tier, limit=limit, total=vendors_total)
    flows_total, providers = critical_flow_shares(limit=limit)
    from .models import ConcentrationFinding

    open_findings = ConcentrationFinding.objects.filter(status="open").count()
    return {
        "up_to_tier": int(up_to_tier),
        "vendors": vendors_total,
        "subprocessors": subprocessors,
        "countries": countries,
        "critical_flows": flows_total,
        "critical_flow_providers": providers,
        "open_findings": open_findings,
    }


# --- residual risk ---------------------------------------------------------------------------------------------
def residual_inputs_for_vendors(*, vendor_ids=None, today=None) -> dict[int, ResidualInputs]:
    """Residual-risk inputs of many vendors in three queries (vendors, requirement counts, findings)."""
    today = today or timezone.localdate()
    vendors = Vendor.objects.all()
    if vendor_ids is not None:
        vendors = vendors.filter(pk__in=list(vendor_ids))
    tiers = dict(vendors.values_list("pk", "tier"))

    valid_exception = RiskException.objects.filter(
        unexpired_exception_q(today=today), vendor_requirement=OuterRef("pk")
    )
    evidence_current = (
        Q(evidence__isnull=True) | Q(evidence__expires_on__isnull=True) | Q(evidence__expires_on__gte=today)
    )
    statuses = VendorRequirement.objects.filter(vendor_id__in=list(tiers)).annotate(valid=Exists(valid_exception))
    counts = (
        statuses.order_by()
        .values("vendor_id")
        .annotate(
            met=Count("pk", filter=Q(status=RequirementStatus.MET) & evidence_current),
            in_progress=Count("pk", filter=Q(status=RequirementStatus.IN_PROGRESS)),
            exception=Count("pk", filter=Q(status=RequirementStatus.EXCEPTION, valid=True)),
            total=Count("pk"),
        )
    )
    by_vendor = {row["vendor_id"]: row for row in counts}
    findings = {}
    for vendor_id, severity, n in (
        Finding.objects.filter(
            review__vendor_id__in=list(tiers), status__in=(FindingStatus.OPEN, FindingStatus.IN_PROGRESS)
        )
        .order_by()
        .values_list("review__vendor_id", "severity")
        .annotate(n=Count("pk"))
    ):
        findings.setdefault(vendor_id, {})[severity] = n
    inputs = {}
    for vendor_id, tier in tiers.items():
        row = by_vendor.get(vendor_id, {"met": 0, "in_progress": 0, "exception": 0, "total": 0})
        not_met = row["total"] - row["met"] - row["in_progress"] - row["exception"]
        inputs[vendor_id] = ResidualInputs(
            inherent_tier=tier,
            met=row["met"],
            in_progress=row["in_progress"],
            exception=row["exception"],
            not_met=not_met,
            open_findings=dict(sorted(findings.get(vendor_id, {}).items())),
        )
    return inputs


def signals_list():
    return Signal.objects.select_related("vendor", "decided_by", "incident")
