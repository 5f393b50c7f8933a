"""Reads of the risk app: tier inputs, baselines, applicable requirements and their effective status."""

import dataclasses

from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, Max, OuterRef, Q, Sum
from django.utils import timezone

from apps.accounts.roles import SECURITY_REVIEWER
from apps.dashboard.models import VendorSummary
from apps.datamap.choices import Mechanism, Sharing
from apps.datamap.models import DataCategory, DataFlow, DataFlowCategory, System
from apps.datamap.selectors import active_flow_q
from apps.reviews.models import RiskException
from apps.vendors.choices import Criticality, Tier, VendorCategory, VendorStatus
from apps.vendors.models import Vendor, VendorService

from .choices import RequirementStatus
from .models import Baseline, SecurityRequirement, Tightening, VendorRequirement
from .tiering import TierInputs

_CRITICALITY_ORDER = [Criticality.LOW, Criticality.MEDIUM, Criticality.HIGH, Criticality.CRITICAL]


def _received_shared(*, vendor_ids, today):
    received = DataFlowCategory.objects.filter(active_flow_q(today=today, prefix="flow__"), sharing=Sharing.SHARED)
    return received if vendor_ids is None else received.filter(flow__vendor_id__in=vendor_ids)


def tier_categories_for_vendors(*, vendor_ids, today=None) -> dict[int, tuple[str, ...]]:
    """The codes of the categories each vendor receives (shared, active flows), sorted: one query.

    Kept for the record of a tier change only; compute_tier does not read them.
    """
    codes: dict[int, set] = {}
    rows = _received_shared(vendor_ids=vendor_ids, today=today).values_list("flow__vendor_id", "category__code")
    for vendor_id, code in rows.order_by().distinct():  # the model's ordering would widen the DISTINCT
        codes.setdefault(vendor_id, set()).add(code)
    return {vendor_id: tuple(sorted(found)) for vendor_id, found in codes.items()}


@dataclasses.dataclass(frozen=True)
class ReceivedFromSummaries:
    """What the dashboard's summary rows say each vendor receives, in the terms of the tier rule."""

    max_sensitivity: dict[int, int]  # vendors receiving nothing are absent
    category_ids: dict[int, list[int]]
    live: set[int]  # vendors whose row is past its stale_on: to be read from the register instead


def received_from_summaries(*, vendor_ids=None, today=None) -> ReceivedFromSummaries:
    """The categories received, read from apps.dashboard's VendorSummary instead of ~100 flow-category rows per
    vendor: two queries (the summaries, the catalogue's sensitivities).

    A summary's received_category_ids are exactly the tier rule's input (categories marked shared on flows
    running today), kept current by every flow write; the sensitivity is read from the catalogue now, so a
    category whose sensitivity changed counts at its new level without any summary write. Rows past their
    stale_on (a counted flow has ended since) are listed in `live` for the caller to read from the register.
    """
    today = today or timezone.localdate()
    sensitivity = dict(DataCategory.objects.values_list("pk", "sensitivity"))
    summaries = VendorSummary.objects.order_by()
    if vendor_ids is not None:
        summaries = summaries.filter(vendor_id__in=vendor_ids)
    highest, category_ids, live = {}, {}, set()
    for vendor_id, ids, stale_on in summaries.values_list("vendor_id", "received_category_ids", "stale_on"):
        if stale_on is not None and stale_on <= today:
            live.add(vendor_id)
        elif ids:
            highest[vendor_id] = max(map(sensitivity.__getitem__, ids))
            category_ids[vendor_id] = ids
    return ReceivedFromSummaries(max_sensitivity=highest, category_ids=category_ids, live=live)


def tier_categories_from_summaries(*, vendor_ids) -> dict[int, tuple[str, ...]]:
    """tier_categories_for_vendors for today, read from the summary rows (the register for stale rows)."""
    received = received_from_summaries(vendor_ids=vendor_ids)
    code = dict(DataCategory.objects.values_list("pk", "code"))
    categories = {
        vendor_id: tuple(sorted(map(code.__getitem__, ids))) for vendor_id, ids in received.category_ids.items()
    }
    if received.live:
        categories.update(tier_categories_for_vendors(vendor_ids=sorted(received.live)))
    return categories


def tier_inputs_for_vendors(
    *, vendor_ids=None, today=None, with_categories=True, from_summaries=False
) -> dict[int, TierInputs]:
    """TierInputs per vendor id (None: every vendor), in four queries whatever the number of vendors.

    The database aggregates per vendor (a million flow-category rows at 10k vendors become 10k rows).
    with_categories=False leaves `categories` empty and skips their query: a recompute of every vendor reads
    them only for the few whose tier moves (tier_categories_for_vendors).
    from_summaries=True reads the categories received from the dashboard's summary rows (received_from_summaries)
    rather than aggregating the flow-category rows, except for the vendors whose row went stale; only for today.
    """
    flows = DataFlow.objects.filter(active_flow_q(today=today))
    services = VendorService.objects.all()
    if vendor_ids is not None:
        flows = flows.filter(vendor_id__in=vendor_ids)
        services = services.filter(vendor_id__in=vendor_ids)

    facts: dict[int, dict] = {}

    def fact(vendor_id):
        return facts.setdefault(vendor_id, {})

    summarised = None
    if from_summaries and today in (None, timezone.localdate()):
        summarised = received_from_summaries(vendor_ids=vendor_ids, today=today)
        for vendor_id, level in summarised.max_sensitivity.items():
            fact(vendor_id)["max_sensitivity"] = level
    aggregated_ids = vendor_ids if summarised is None else sorted(summarised.live)
    if aggregated_ids is None or aggregated_ids:
        received = _received_shared(vendor_ids=aggregated_ids, today=today).values("flow__vendor_id")
        for row in received.annotate(max_sensitivity=Max("category__sensitivity")).order_by():
            fact(row["flow__vendor_id"])["max_sensitivity"] = row["max_sensitivity"]
    for row in flows.values("vendor_id").annotate(
        records=Sum("estimated_records"), sdk_flows=Count("id", filter=Q(mechanism=Mechanism.CLIENT_SIDE_SDK))
    ):
        entry = fact(row["vendor_id"])
        entry["estimated_records"] = row["records"]
        entry["client_side_sdk"] = row["sdk_flows"] > 0
    for vendor_id, criticality, production_access, handles_secrets in services.values_list(
        "vendor_id", "business_criticality", "production_access", "handles_secrets"
    ):
        entry = fact(vendor_id)
        entry["production_access"] = entry.get("production_access", False) or production_access
        entry["handles_secrets"] = entry.get("handles_secrets", False) or handles_secrets
        current = entry.get("business_criticality")
        if current is None or _CRITICALITY_ORDER.index(criticality) > _CRITICALITY_ORDER.index(current):
            entry["business_criticality"] = criticality

    categories = tier_categories_for_vendors(vendor_ids=vendor_ids, today=today) if with_categories else {}
    return {
        vendor_id: TierInputs(**entry, categories=categories.get(vendor_id, ())) for vendor_id, entry in facts.items()
    }


def tier_inputs_for_vendor(*, vendor, today=None, with_categories=True) -> TierInputs:
    inputs = tier_inputs_for_vendors(vendor_ids=[vendor.pk], today=today, with_categories=with_categories)
    return inputs.get(vendor.pk, TierInputs())


def baseline_current(*, tier):
    """The current baseline of a tier with its requirements, or None when the tier has none."""
    if tier is None:
        return None
    return Baseline.objects.current().filter(tier=tier).prefetch_related("requirements").first()


def vendor_applicable_requirement_ids(*, vendor, baseline=None) -> set[int]:
    """The active requirements a vendor must meet: its tier's current baseline plus those a tightening added."""
    baseline = baseline or baseline_current(tier=vendor.tier)
    ids = {r.pk for r in baseline.requirements.all() if r.is_active} if baseline else set()
    ids |= set(
        VendorRequirement.objects.filter(
            vendor=vendor, tightening__isnull=False, requirement__is_active=True
        ).values_list("requirement_id", flat=True)
    )
    return ids


def unexpired_exception_q(*, today=None, prefix=""):
    """An exception counts while it has not expired and was granted by a security reviewer (or a superuser)."""
    today = today or timezone.localdate()
    return Q(**{f"{prefix}expires_on__gte": today}) & (
        Q(**{f"{prefix}approved_by__groups__name": SECURITY_REVIEWER})
        | Q(**{f"{prefix}approved_by__is_superuser": True})
    )


def vendor_requirements_with_effective_status(*, vendor, requirement_ids=None, today=None):
    """The vendor's statuses with `has_valid_exception` annotated; read `requirement_effective_status` on each."""
    today = today or timezone.localdate()
    statuses = VendorRequirement.objects.filter(vendor=vendor).select_related("requirement", "evidence")
    if requirement_ids is not None:
        statuses = statuses.filter(requirement_id__in=requirement_ids)
    valid_exceptions = RiskException.objects.filter(
        unexpired_exception_q(today=today), vendor_requirement=OuterRef("pk")
    )
    return statuses.annotate(has_valid_exception=Exists(valid_exceptions))


def requirement_effective_status(vendor_requirement, *, today=None) -> str:
    """The status that counts today: met with expired evidence is not met; an exception needs a valid grant.

    Reads `has_valid_exception` when the row comes from `vendor_requirements_with_effective_status`.
    """
    today = today or timezone.localdate()
    status = vendor_requirement.status
    evidence = vendor_requirement.evidence
    if status == RequirementStatus.MET and evidence is not None and evidence.expires_on and evidence.expires_on < today:
        return RequirementStatus.NOT_MET
    if status == RequirementStatus.EXCEPTION:
        has_valid = getattr(vendor_requirement, "has_valid_exception", None)
        if has_valid is None:
            has_valid = vendor_requirement.exceptions.filter(unexpired_exception_q(today=today)).exists()
        if not has_valid:
            return RequirementStatus.NOT_MET
    return status


def unmet_requirement_codes(*, vendor, baseline, today=None) -> list[str]:
    """Codes of applicable requirements that are neither met nor covered by a valid exception (sorted)."""
    applicable = vendor_applicable_requirement_ids(vendor=vendor, baseline=baseline)
    satisfied = set()
    for status in vendor_requirements_with_effective_status(vendor=vendor, requirement_ids=applicable, today=today):
        if status.has_valid_exception or requirement_effective_status(status, today=today) == RequirementStatus.MET:
            satisfied.add(status.requirement_id)
    missing = applicable - satisfied
    if not missing:
        return []
    return sorted(SecurityRequirement.objects.filter(pk__in=missing).values_list("code", flat=True))


SCOPE_KEYS = ("category", "mechanism", "data_categories", "system")
# A preview lists at most this many vendors (and always says how many are in scope).
PREVIEW_LIMIT = 200


def tightening_scope_clean(scope) -> dict:
    """A scope with its empty keys dropped and every value checked; raises ValidationError naming `scope`.

    Reads only (the catalogue and our systems), so a preview can call it without writing anything.
    """
    scope = {key: value for key, value in (scope or {}).items() if value not in (None, "", [])}
    unknown = set(scope) - set(SCOPE_KEYS)
    if unknown:
        raise ValidationError({"scope": f"Unknown scope keys: {', '.join(sorted(unknown))}."})
    if "category" in scope and scope["category"] not in VendorCategory.values:
        raise ValidationError({"scope": f"Unknown vendor category {scope['category']!r}."})
    if "mechanism" in scope and scope["mechanism"] not in Mechanism.values:
        raise ValidationError({"scope": f"Unknown mechanism {scope['mechanism']!r}."})
    # The system is kept by slug, as the API names it: a scope stays readable in exports and fixtures.
    if "system" in scope and not System.objects.filter(slug=scope["system"]).exists():
        raise ValidationError({"scope": f"Unknown system {scope['system']!r}."})
    if "data_categories" in scope:
        codes = sorted(set(scope["data_categories"]))
        known = set(DataCategory.objects.filter(code__in=codes).values_list("code", flat=True))
        if set(codes) - known:
            raise ValidationError({"scope": f"Unknown data categories: {', '.join(sorted(set(codes) - known))}."})
        scope["data_categories"] = codes
    return scope


def tightening_scope_vendors(*, scope, tier=None, today=None):
    """Vendors (not terminated) matching a peer scope; the keys combine with AND.

    `category`: the vendor's category; `system` (slug), `mechanism` and `data_categories` (codes, a code covers
    its subtree) must hold on the same active flow, where the categories are shared: "server-API access to
    the CRM receiving contact data" is one flow. `tier` narrows to one tier.
    """
    vendors = Vendor.objects.exclude(status=VendorStatus.TERMINATED)
    if tier is not None:
        vendors = vendors.filter(tier=tier)
    if scope.get("category"):
        vendors = vendors.filter(category=scope["category"])
    if scope.get("mechanism") or scope.get("data_categories") or scope.get("system"):
        flows = DataFlow.objects.filter(active_flow_q(today=today), vendor=OuterRef("pk"))
        if scope.get("system"):
            flows = flows.filter(system__slug=scope["system"])
        if scope.get("mechanism"):
            flows = flows.filter(mechanism=scope["mechanism"])
        if scope.get("data_categories"):
            paths = DataCategory.objects.filter(code__in=scope["data_categories"]).values_list("path", flat=True)
            subtree = Q()
            for path in paths:
                subtree |= Q(path__startswith=path)
            # Literal ids, read first from the small catalogue, let the planner estimate the subtree's rows.
            ids = list(DataCategory.objects.filter(subtree).values_list("pk", flat=True)) if paths else []
            carried = DataFlowCategory.objects.filter(flow=OuterRef("pk"), sharing=Sharing.SHARED, category_id__in=ids)
            flows = flows.filter(Exists(carried))
        vendors = vendors.filter(Exists(flows))
    return vendors


def tightening_preview(*, scope, tier=None, limit=PREVIEW_LIMIT) -> dict:
    """What a tightening would reach, without writing: {vendors_in_scope, vendors: first `limit` by slug}.

    Raises ValidationError (scope, tier) exactly as baseline_tighten would.
    """
    scope = tightening_scope_clean(scope)
    if tier is None and not scope:
        raise ValidationError({"scope": "Name a tier, a scope of peers, or both."})
    if tier is not None and tier not in Tier.values:
        raise ValidationError({"tier": f"Tier must be one of {Tier.values}."})
    vendors = tightening_scope_vendors(scope=scope, tier=tier).order_by("slug")
    return {"vendors_in_scope": vendors.count(), "vendors": list(vendors[:limit])}


def tightenings_with_progress():
    """Tightenings with what the list shows, joined once."""
    return Tightening.objects.select_related("requirement", "baseline", "incident", "created_by")
