"""Requirement compliance by tier as summary rows (VendorCompliance per vendor, ComplianceCount per tier and status).

Counting every requirement status per request (about 7 per vendor) was the dashboard's slowest figure at 10,000
vendors and grows with the register. The services that write statuses or move tiers call
`compliance_refresh(vendor_ids=...)` in their transaction: it recomputes those vendors' counts, stores what
changed and moves the per-tier counters by the difference (a fixed number of queries per call, whatever the
number of vendors). `compliance_rebuild()` recomputes everything and writes only what was wrong
(`manage.py rebuild_aggregates`). The figure read from the counters equals the scan `compliance_by_tier_counted`.
"""

import dataclasses
from collections import Counter

from django.db import transaction
from django.db.models import Case, Count, F, Q, Value, When

from apps.vendors.models import Vendor

from .choices import RequirementStatus
from .models import ComplianceCount, VendorCompliance, VendorRequirement

STATUSES = tuple(RequirementStatus.values)
NO_TIER = 0  # ComplianceCount's key for vendors without a tier (a unique key cannot be NULL on every database)

# {vendor id: (tier or None, counts in STATUSES order)}
Counts = dict[int, tuple[int | None, tuple[int, ...]]]


def _computed(vendor_ids=None) -> Counts:
    statuses = VendorRequirement.objects.order_by()
    if vendor_ids is not None:
        statuses = statuses.filter(vendor_id__in=vendor_ids)
    counts: dict[int, list] = {}
    rows = statuses.values_list("vendor_id", "vendor__tier", "status").annotate(n=Count("pk"))
    for vendor_id, tier, status, n in rows:
        counts.setdefault(vendor_id, [tier, [0] * len(STATUSES)])[1][STATUSES.index(status)] += n
    return {vendor_id: (tier, tuple(per_status)) for vendor_id, (tier, per_status) in counts.items()}


def _stored(queryset) -> Counts:
    return {
        vendor_id: (tier, tuple(per_status))
        for vendor_id, tier, *per_status in queryset.values_list("vendor_id", "tier", *STATUSES)
    }


def _as_counter(counts: Counts) -> Counter:
    """{(tier key, status): statuses} summed over these vendors."""
    total = Counter()
    for tier, per_status in counts.values():
        for status, n in zip(STATUSES, per_status, strict=True):
            total[(tier or NO_TIER, status)] += n
    return total


def _write_vendors(changed: dict[int, tuple | None]) -> None:
    gone = [vendor_id for vendor_id, counts in changed.items() if counts is None]
    if gone:
        VendorCompliance.objects.filter(vendor_id__in=gone).delete()
    rows = [
        VendorCompliance(vendor_id=vendor_id, tier=tier, **dict(zip(STATUSES, per_status, strict=True)))
        for vendor_id, value in changed.items()
        if value is not None
        for tier, per_status in [value]
    ]
    VendorCompliance.objects.bulk_create(
        rows, batch_size=2000, update_conflicts=True, unique_fields=["vendor"], update_fields=["tier", *STATUSES]
    )


def _move_counts(delta: Counter) -> None:
    delta = {key: n for key, n in delta.items() if n}
    if not delta:
        return
    ComplianceCount.objects.bulk_create(
        [ComplianceCount(tier=tier, status=status, statuses=0) for tier, status in delta], ignore_conflicts=True
    )
    # One UPDATE adding each row's own difference: atomic against a concurrent refresh of other vendors.
    pairs = Q()
    for tier, status in delta:
        pairs |= Q(tier=tier, status=status)
    change = Case(
        *(When(tier=tier, status=status, then=Value(n)) for (tier, status), n in delta.items()), default=Value(0)
    )
    ComplianceCount.objects.filter(pairs).update(statuses=F("statuses") + change)


def compliance_refresh(*, vendor_ids) -> int:
    """Recompute these vendors' status counts (and the tier they count under) and move the per-tier counters by
    the difference. Locks the vendors' rows first, so two writers of one vendor cannot both add its counts.
    Returns how many vendors' counts changed. No vendors: no query at all, not even a savepoint (the daily
    sweep calls it with the statuses that lapsed, usually none)."""
    vendor_ids = sorted(set(vendor_ids))
    if not vendor_ids:
        return 0
    with transaction.atomic():
        return _refresh(vendor_ids)


def _refresh(vendor_ids) -> int:
    list(Vendor.objects.select_for_update().filter(pk__in=vendor_ids).order_by("pk").values_list("pk", flat=True))
    old = _stored(VendorCompliance.objects.filter(vendor_id__in=vendor_ids))
    new = _computed(vendor_ids)
    changed = {pk: new.get(pk) for pk in vendor_ids if new.get(pk) != old.get(pk)}
    _write_vendors(changed)
    delta = _as_counter({pk: new[pk] for pk in changed if pk in new})
    delta.subtract(_as_counter({pk: old[pk] for pk in changed if pk in old}))
    _move_counts(delta)
    return len(changed)


@dataclasses.dataclass
class ComplianceRebuildReport:
    vendors_fixed: int = 0
    counts_fixed: int = 0

    @property
    def changed(self) -> int:
        return self.vendors_fixed + self.counts_fixed


@transaction.atomic
def compliance_rebuild() -> ComplianceRebuildReport:
    """Recompute every vendor's counts and the per-tier counters from the statuses; write only what was wrong."""
    list(VendorCompliance.objects.select_for_update().values_list("pk", flat=True))
    old, new = _stored(VendorCompliance.objects.all()), _computed()
    changed = {pk: new.get(pk) for pk in set(old) | set(new) if new.get(pk) != old.get(pk)}
    _write_vendors(changed)
    wanted = _as_counter(new)
    stored = Counter(
        {
            (tier, status): n
            for tier, status, n in ComplianceCount.objects.select_for_update().values_list("tier", "status", "statuses")
        }
    )
    wrong = {key for key in set(stored) | set(wanted) if stored[key] != wanted[key]}
    _move_counts(Counter({key: wanted[key] - stored[key] for key in wrong}))
    return ComplianceRebuildReport(vendors_fixed=len(changed), counts_fixed=len(wrong))


def _by_tier(counts: Counter) -> dict:
    """The dashboard's shape: {tier or "none": {total, <status>: n…, compliance_percent}} for tiers with statuses."""
    result = {}
    for tier in sorted({tier for tier, _status in counts}):
        row = {status: counts[(tier, status)] for status in STATUSES}
        total = sum(row.values())
        if not total:
            continue
        covered = row[RequirementStatus.MET] + row[RequirementStatus.EXCEPTION]
        result[str(tier) if tier != NO_TIER else "none"] = {
            "total": total,
            **row,
            "compliance_percent": round(100 * covered / total, 1),
        }
    return result


def compliance_by_tier() -> dict:
    """Per vendor tier: requirement statuses met, covered by an exception, in progress, not met (the counters)."""
    return _by_tier(
        Counter(
            {(tier, status): n for tier, status, n in ComplianceCount.objects.values_list("tier", "status", "statuses")}
        )
    )


def compliance_by_tier_counted() -> dict:
    """The same figure counted from every status: what the counters must equal (tests, rebuild checks)."""
    return _by_tier(_as_counter(_computed()))
