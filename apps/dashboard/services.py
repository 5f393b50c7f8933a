"""Writes of the dashboard's summary rows (apps.dashboard.models), set-based.

`summaries_refresh(vendor_ids=...)` is called once per write or batch by the services that change what
vendors receive (apps.register.handlers.EventHandler.data_map_changed); `summaries_rebuild()` recomputes all of
them from the register (manage.py rebuild_aggregates). A fixed number of queries per call, whatever the size.
"""

import dataclasses
from collections import Counter

from django.db import transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone

from apps.vendors.models import Vendor

from .aggregates import EMPTY, FIELDS, Summary, stored_summaries, summaries_computed
from .models import CategoryReach, MechanismReach, VendorSummary

# Each counter table and the summary field it sums: (model, key field, summary attribute).
REACHES = ((CategoryReach, "category_id", "received_category_ids"), (MechanismReach, "mechanism", "mechanisms"))


def _write_summaries(changed: dict[int, Summary]) -> None:
    gone = [vendor_id for vendor_id, summary in changed.items() if summary.is_empty]
    if gone:
        VendorSummary.objects.filter(vendor_id__in=gone).delete()
    rows = [
        VendorSummary(vendor_id=vendor_id, refreshed_at=timezone.now(), **dataclasses.asdict(summary))
        for vendor_id, summary in changed.items()
        if not summary.is_empty
    ]
    for row in rows:
        row.received_category_ids, row.mechanisms = list(row.received_category_ids), list(row.mechanisms)
    VendorSummary.objects.bulk_create(
        rows,
        batch_size=2000,
        update_conflicts=True,
        unique_fields=["vendor"],
        update_fields=[*FIELDS, "refreshed_at"],
    )


def _add_to_reach(model, key, delta: Counter) -> None:
    delta = {value: n for value, n in delta.items() if n}
    if not delta:
        return
    model.objects.bulk_create([model(**{key: value, "vendors": 0}) for value in delta], ignore_conflicts=True)
    by_amount: dict[int, list] = {}
    for value, n in delta.items():
        by_amount.setdefault(n, []).append(value)
    # One UPDATE: vendors + the row's own delta, atomic against concurrent refreshes of other vendors.
    change = Case(*(When(pk__in=values, then=Value(n)) for n, values in by_amount.items()), default=Value(0))
    model.objects.filter(pk__in=list(delta)).update(vendors=F("vendors") + change)


@transaction.atomic
def summaries_refresh(*, vendor_ids) -> int:
    """Recompute these vendors' summaries from the register and move the category counts by the difference.

    Locks the vendors' rows first, so two writers of the same vendor cannot both add its categories. Returns
    how many summaries changed. Call it once per batch: its cost is a few queries for any number of vendors.
    """
    vendor_ids = sorted(set(vendor_ids))
    if not vendor_ids:
        return 0
    list(Vendor.objects.select_for_update().filter(pk__in=vendor_ids).order_by("pk").values_list("pk", flat=True))
    old = stored_summaries(VendorSummary.objects.filter(vendor_id__in=vendor_ids))
    new = summaries_computed(vendor_ids=vendor_ids)
    changed = {
        vendor_id: new.get(vendor_id, EMPTY)
        for vendor_id in vendor_ids
        if new.get(vendor_id, EMPTY) != old.get(vendor_id, EMPTY)
    }
    _write_summaries(changed)
    for model, key, attribute in REACHES:
        delta = Counter()
        for vendor_id in changed:
            delta.update(getattr(new.get(vendor_id, EMPTY), attribute))
            delta.subtract(getattr(old.get(vendor_id, EMPTY), attribute))
        _add_to_reach(model, key, delta)
    return len(changed)


@dataclasses.dataclass
class RebuildReport:
    summaries_created: int = 0
    summaries_fixed: int = 0
    summaries_removed: int = 0
    counts_fixed: int = 0

    @property
    def changed(self) -> int:
        return self.summaries_created + self.summaries_fixed + self.summaries_removed + self.counts_fixed


@transaction.atomic
def summaries_rebuild() -> RebuildReport:
    """Recompute every summary and category count from the register; write only what was wrong."""
    # Lock the summary tables against concurrent refreshes while comparing (they wait, then apply their deltas).
    list(VendorSummary.objects.select_for_update().values_list("pk", flat=True))
    old = stored_summaries(VendorSummary.objects.all())
    new = summaries_computed()
    report = RebuildReport()
    changed = {}
    for vendor_id in set(old) | set(new):
        before, after = old.get(vendor_id, EMPTY), new.get(vendor_id, EMPTY)
        if before == after:
            continue
        changed[vendor_id] = after
        if vendor_id not in old:
            report.summaries_created += 1
        elif vendor_id not in new:
            report.summaries_removed += 1
        else:
            report.summaries_fixed += 1
    _write_summaries(changed)
    for model, key, attribute in REACHES:
        reach = Counter()
        for summary in new.values():
            reach.update(getattr(summary, attribute))
        stored = dict(model.objects.select_for_update().values_list(key, "vendors"))
        wrong = {pk for pk in set(stored) | set(reach) if stored.get(pk, 0) != reach[pk]}
        report.counts_fixed += len(wrong)
        _add_to_reach(model, key, Counter({pk: reach[pk] - stored.get(pk, 0) for pk in wrong}))
    return report
