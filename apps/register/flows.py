"""Data-flow writes with their consequences, for the doors (API, admin, commands).

A flow decides what a vendor receives, so every write here is the datamap service followed by one
`EventHandler.data_map_changed` for the vendors it touched (both of them when a flow moves to another
vendor's service), in the same transaction: one tier recompute per write, however many categories it sets.
"""

import datetime
from collections.abc import Iterable

from django.db import transaction

from apps.datamap import services
from apps.datamap.models import DataCategory, DataFlow
from apps.datamap.services import CategoryAnswer

from .handlers import EventHandler


@transaction.atomic
def flow_create(*, actor, categories: Iterable[CategoryAnswer] = (), **fields) -> DataFlow:
    flow = services.flow_create(actor=actor, categories=categories, **fields)
    EventHandler(actor).data_map_changed(vendor_ids=[flow.vendor_id])
    return flow


@transaction.atomic
def flow_update(*, flow: DataFlow, actor, categories: Iterable[CategoryAnswer] | None = None, **changes) -> DataFlow:
    previous_vendor_id = DataFlow.objects.filter(pk=flow.pk).values_list("vendor_id", flat=True).get()
    flow = services.flow_update(flow=flow, actor=actor, categories=categories, **changes)
    EventHandler(actor).data_map_changed(vendor_ids=[previous_vendor_id, flow.vendor_id])
    return flow


@transaction.atomic
def flow_end(*, flow: DataFlow, actor, ends_on: datetime.date | None = None) -> DataFlow:
    flow = services.flow_end(flow=flow, actor=actor, ends_on=ends_on)
    EventHandler(actor).data_map_changed(vendor_ids=[flow.vendor_id])
    return flow


@transaction.atomic
def flow_category_set(*, flow: DataFlow, category: DataCategory, sharing: str, note: str = "", actor=None):
    row = services.flow_category_set(flow=flow, category=category, sharing=sharing, note=note, actor=actor)
    EventHandler(actor).data_map_changed(vendor_ids=[flow.vendor_id])
    return row


# What a category is (personal data, sensitivity) decides which dashboard figures its receivers count in.
SUMMARY_FIELDS = frozenset({"is_personal_data", "sensitivity"})


@transaction.atomic
def category_update(*, category: DataCategory, actor, **changes) -> DataCategory:
    before = DataCategory.objects.filter(pk=category.pk).values(*SUMMARY_FIELDS).get()
    category = services.category_update(category=category, actor=actor, **changes)
    if any(getattr(category, name) != value for name, value in before.items()):
        receivers = DataFlow.objects.filter(flow_categories__category=category).values_list("vendor_id", flat=True)
        EventHandler(actor).category_changed(vendor_ids=set(receivers))
    return category
