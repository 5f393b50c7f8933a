"""Writes of the data map. Each is one transaction; bad input raises ValidationError naming the field."""

from django.db import transaction

from .models import DataCategory, DataFlow, DataFlowCategory


@transaction.atomic
def category_paths_rebuild() -> int:
    """Recompute every category's `path` from its parents; write only the rows that were wrong. Returns how many.

    loaddata saves raw (DataCategory.save does not run) and renaming a code moves a whole subtree, so the
    catalogue is repaired in one pass from the roots down. Raises ValueError when the parents form a cycle.
    """
    categories = {category.pk: category for category in DataCategory.objects.all()}
    children = {}
    for category in categories.values():
        children.setdefault(category.parent_id, []).append(category)

    changed, seen = [], 0
    pending = [(root, "") for root in children.get(None, [])]
    while pending:
        category, parent_path = pending.pop()
        seen += 1
        path = f"{parent_path}{category.code}/"
        if category.path != path:
            category.path = path
            changed.append(category)
        pending.extend((child, path) for child in children.get(category.pk, []))
    if seen != len(categories):
        raise ValueError("The data-category parents form a cycle: some categories cannot be reached from a root.")
    # bulk_update on purpose: the path is derived, so rewriting it is not a change worth an audit row.
    DataCategory.objects.bulk_update(changed, ["path"])
    return len(changed)


@transaction.atomic
def flow_vendors_sync() -> int:
    """Copy each flow's service vendor into its denormalised `vendor` where they differ. Returns how many changed.

    loaddata saves raw, so DataFlow.save(), which normally keeps them equal, does not run for fixtures.
    """
    stale = [flow for flow in DataFlow.objects.select_related("service") if flow.vendor_id != flow.service.vendor_id]
    for flow in stale:
        flow.vendor_id = flow.service.vendor_id
    DataFlow.objects.bulk_update(stale, ["vendor"])
    return len(stale)


@transaction.atomic
def flow_category_set(*, flow: DataFlow, category: DataCategory, sharing: str, note: str = "") -> DataFlowCategory:
    """Record whether a flow carries a category (one answer per category: a new answer replaces the old one).

    Raises ValidationError when `sharing` is not a Sharing value or when a category would be shared while
    an ancestor is explicitly not shared on the same flow.
    """
    row = DataFlowCategory.objects.filter(flow=flow, category=category).first() or DataFlowCategory(
        flow=flow, category=category
    )
    row.sharing = sharing
    row.note = note
    row.full_clean()
    row.save()
    return row
