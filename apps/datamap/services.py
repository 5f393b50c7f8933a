"""Writes of the data map. Each is one transaction; bad input raises ValidationError naming the field.

These services write the data map only. What a change means for a vendor's tier is applied one layer up
(apps.register.flows, through apps.register.handlers.EventHandler), once per write.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from apps.core.batch import BATCH_SIZE, clean_loaded
from apps.core.exceptions import TransitionRefused

from .choices import Sharing
from .models import DataCategory, DataFlow, DataFlowCategory, System

SYSTEM_FIELDS = frozenset({"slug", "name", "description", "owner", "url"})
CATEGORY_FIELDS = frozenset(
    {"code", "name", "description", "parent", "sensitivity", "is_personal_data", "is_special_category", "is_secret"}
    | {"dpv_term"}
)
FLOW_FIELDS = frozenset(
    {
        "code",
        "system",
        "service",
        "mechanism",
        "purpose",
        "data_subjects",
        "processing_countries",
        "storage_countries",
        "estimated_records",
        "starts_on",
    }
)


@dataclass(frozen=True)
class CategoryAnswer:
    """One line of what a flow carries: a category, shared or explicitly not shared, with an optional note."""

    category: DataCategory
    sharing: str
    note: str = ""


def _write(obj, changes, allowed, *, actor):
    unknown = set(changes) - allowed
    if unknown:
        raise TypeError(f"{type(obj).__name__} cannot be written with {', '.join(sorted(unknown))}")
    for name, value in changes.items():
        setattr(obj, name, value)
    obj.full_clean()
    obj._history_user = actor
    obj.save()
    return obj


# --- systems ------------------------------------------------------------------------------------------------------
@transaction.atomic
def system_create(*, actor, **fields) -> System:
    return _write(System(), fields, SYSTEM_FIELDS, actor=actor)


@transaction.atomic
def system_update(*, system: System, actor, **changes) -> System:
    return _write(system, changes, SYSTEM_FIELDS, actor=actor)


# --- the category catalogue ---------------------------------------------------------------------------------------
def _refuse_cycle(category):
    ancestor = category.parent
    while ancestor is not None:
        if category.pk is not None and ancestor.pk == category.pk:
            raise ValidationError({"parent": _("A category cannot be its own ancestor.")})
        ancestor = ancestor.parent


@transaction.atomic
def category_create(*, actor, **fields) -> DataCategory:
    return _write(DataCategory(), fields, CATEGORY_FIELDS, actor=actor)


@transaction.atomic
def category_update(*, category: DataCategory, actor, **changes) -> DataCategory:
    """Change a category. A new code or parent moves its whole subtree: the descendants' paths follow."""
    before = DataCategory.objects.filter(pk=category.pk).values("code", "parent_id").get()
    for name, value in changes.items():
        setattr(category, name, value)
    _refuse_cycle(category)
    _write(category, changes, CATEGORY_FIELDS, actor=actor)
    if (category.code, category.parent_id) != (before["code"], before["parent_id"]):
        category_paths_rebuild()
        category.refresh_from_db(fields=["path"])
    return category


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


def _refuse_contradiction(row):
    # "No authentication secrets" and "passwords shared" on one flow contradict each other, in either order.
    others = DataFlowCategory.objects.filter(flow_id=row.flow_id).exclude(category_id=row.category_id)
    if row.sharing == Sharing.SHARED:
        ancestor_codes = row.category.path.strip("/").split("/")[:-1]
        conflict = others.filter(sharing=Sharing.NOT_SHARED, category__code__in=ancestor_codes)
        message = _("%(category)s cannot be shared: this flow says %(other)s is not shared.")
    else:
        conflict = others.filter(sharing=Sharing.SHARED, category__path__startswith=row.category.path)
        message = _("%(category)s cannot be marked not shared: this flow shares %(other)s, which it contains.")
    conflicting = conflict.select_related("category").first()
    if conflicting is not None:
        raise ValidationError({"sharing": message % {"category": row.category, "other": conflicting.category}})


@transaction.atomic
def flow_category_set(
    *, flow: DataFlow, category: DataCategory, sharing: str, note: str = "", actor=None
) -> DataFlowCategory:
    """Record whether a flow carries a category (one answer per category: a new answer replaces the old one).

    Raises ValidationError when `sharing` is not a Sharing value or when a category would be shared while
    an ancestor is explicitly not shared on the same flow (or the reverse).
    """
    row = DataFlowCategory.objects.filter(flow=flow, category=category).first() or DataFlowCategory(
        flow=flow, category=category
    )
    row.sharing = sharing
    row.note = note
    row.full_clean(validate_unique=False, validate_constraints=False)  # one row per category: found above
    _refuse_contradiction(row)
    row._history_user = actor
    row.save()
    return row


@transaction.atomic
def flow_category_remove(*, row: DataFlowCategory, actor=None) -> None:
    """Withdraw one answer (a mistaken row). Its history row keeps what it said."""
    row._history_user = actor
    row.delete()


def _categories_replace(flow, answers: Iterable[CategoryAnswer], *, actor):
    """Make the flow's answers exactly `answers`: rows not listed go, listed ones are set one by one.

    Errors are reported on `categories`, the name doors use for the list.
    """
    answers = list(answers)
    seen = set()
    for answer in answers:
        if answer.category.pk in seen:
            raise ValidationError(
                {
                    "categories": _(
                        "%(category)s is listed twice: a category is either shared or not shared on a flow, not both."
                    )
                    % {"category": answer.category}
                }
            )
        seen.add(answer.category.pk)
    for row in DataFlowCategory.objects.filter(flow=flow).exclude(category_id__in=seen):
        flow_category_remove(row=row, actor=actor)
    for answer in answers:
        try:
            flow_category_set(
                flow=flow, category=answer.category, sharing=answer.sharing, note=answer.note, actor=actor
            )
        except ValidationError as error:
            raise ValidationError({"categories": error.messages}) from error


# --- flows --------------------------------------------------------------------------------------------------------
def _flow_write(flow, changes, *, actor):
    unknown = set(changes) - FLOW_FIELDS
    if unknown:
        raise TypeError(f"A data flow cannot be written with {', '.join(sorted(unknown))}")
    for name, value in changes.items():
        setattr(flow, name, value)
    if flow.service_id:
        flow.vendor_id = flow.service.vendor_id  # denormalised: full_clean must see it set
    return _write(flow, {}, FLOW_FIELDS, actor=actor)


@transaction.atomic
def flow_create(*, actor, categories: Iterable[CategoryAnswer] = (), **fields) -> DataFlow:
    """A new flow from one of our systems to a vendor's service, with what it carries and does not."""
    flow = _flow_write(DataFlow(), fields, actor=actor)
    _categories_replace(flow, categories, actor=actor)
    return flow


@transaction.atomic
def flow_update(*, flow: DataFlow, actor, categories: Iterable[CategoryAnswer] | None = None, **changes) -> DataFlow:
    """Change a flow; `categories`, when given, replaces its answers (None leaves them as they are)."""
    if "ends_on" in changes:
        raise ValidationError({"ends_on": _("A flow ends through flow_end, which keeps the flow and its history.")})
    _flow_write(flow, changes, actor=actor)
    if categories is not None:
        _categories_replace(flow, categories, actor=actor)
    return flow


@transaction.atomic
def flow_end(*, flow: DataFlow, actor, ends_on: datetime.date | None = None) -> DataFlow:
    """The data stopped (or will stop) flowing on `ends_on` (default today). Nothing is deleted.

    Raises TransitionRefused(code="flow_ended") when the flow has already ended, and ValidationError on
    `ends_on` when the date is before the flow started.
    """
    locked = DataFlow.objects.select_for_update().get(pk=flow.pk)
    today = timezone.localdate()
    if locked.ends_on is not None and locked.ends_on <= today:
        raise TransitionRefused(
            _("This flow already ended on %(date)s.") % {"date": locked.ends_on.isoformat()}, code="flow_ended"
        )
    ends_on = ends_on or today
    if locked.starts_on and ends_on < locked.starts_on:
        raise ValidationError({"ends_on": _("A flow cannot end before it starts.")})
    locked.ends_on = ends_on
    locked._history_user = actor
    locked.save(update_fields=["ends_on", "updated_at"])
    flow.ends_on, flow.updated_at = locked.ends_on, locked.updated_at
    return flow


# --- many flows at once (the bulk import) -------------------------------------------------------------------------
@dataclass(frozen=True)
class FlowDraft:
    """A flow for `flows_create_batch`: its fields (FLOW_FIELDS, related rows loaded) and what it carries."""

    fields: dict
    categories: tuple = ()


def _contradiction_in(rows, row):
    """`_refuse_contradiction` over rows held in memory (the answers recorded so far on a flow being created)."""
    others = [other for other in rows if other.category_id != row.category_id]
    if row.sharing == Sharing.SHARED:
        ancestor_codes = set(row.category.path.strip("/").split("/")[:-1])
        conflicts = [o for o in others if o.sharing == Sharing.NOT_SHARED and o.category.code in ancestor_codes]
    else:
        conflicts = [o for o in others if o.sharing == Sharing.SHARED and o.category.path.startswith(row.category.path)]
    if conflicts:
        if row.sharing == Sharing.SHARED:
            message = _("%(category)s cannot be shared: this flow says %(other)s is not shared.")
        else:
            message = _("%(category)s cannot be marked not shared: this flow shares %(other)s, which it contains.")
        conflicting = min(conflicts, key=lambda other: other.category.path)  # the row the query's ordering gives first
        raise ValidationError({"sharing": message % {"category": row.category, "other": conflicting.category}})


def _answer_rows(answers):
    """The answer rows of a new flow, checked one by one in order as `_categories_replace` checks them."""
    seen, rows = set(), []
    for answer in answers:
        if answer.category.pk in seen:
            raise ValidationError(
                {
                    "categories": _(
                        "%(category)s is listed twice: a category is either shared or not shared on a flow, not both."
                    )
                    % {"category": answer.category}
                }
            )
        seen.add(answer.category.pk)
    for answer in answers:
        row = DataFlowCategory(category=answer.category, sharing=answer.sharing, note=answer.note)
        try:
            row.full_clean(exclude=["flow", "category"], validate_unique=False, validate_constraints=False)
            _contradiction_in(rows, row)
        except ValidationError as error:
            raise ValidationError({"categories": error.messages}) from error
        rows.append(row)
    return rows


@transaction.atomic
def flows_create_batch(*, actor, drafts) -> list:
    """`flow_create` for many flows in a constant number of queries: the same validation, the same path rule
    between shared and not-shared categories, one history row per flow and per answer.

    Related rows (system, service and its vendor, categories with their paths) come loaded. Returns, per draft in
    order, the new flow or the ValidationError that refused it (nothing is written for that draft).
    """
    drafts = list(drafts)
    used = set(DataFlow.objects.filter(code__in=[draft.fields.get("code") for draft in drafts]).values_list("code"))
    results, flows, answer_rows = [], [], []
    for draft in drafts:
        unknown = set(draft.fields) - FLOW_FIELDS
        if unknown:
            raise TypeError(f"A data flow cannot be written with {', '.join(sorted(unknown))}")
        flow = DataFlow(**draft.fields)
        if flow.service_id:
            flow.vendor = flow.service.vendor  # denormalised, as DataFlow.save() does
        try:
            clean_loaded(flow, taken=[(("code",), used, None)])
            rows = _answer_rows(list(draft.categories))
        except ValidationError as error:
            results.append(error)
            continue
        used.add((flow.code,))
        results.append(flow)
        flows.append(flow)
        answer_rows.append(rows)
    bulk_create_with_history(flows, DataFlow, batch_size=BATCH_SIZE, default_user=actor)
    for flow, rows in zip(flows, answer_rows, strict=True):
        for row in rows:
            row.flow = flow
    every_row = [row for rows in answer_rows for row in rows]
    bulk_create_with_history(every_row, DataFlowCategory, batch_size=BATCH_SIZE, default_user=actor)
    return results
