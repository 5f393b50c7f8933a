"""Keep tiers in step with the data map: a flow or a flow's categories changed, so the vendor's tier may have.

The recompute runs after commit (the flow must be visible, and a failed save must not move a tier) as a task,
eager without a broker. Connected in RiskConfig.ready().
"""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from apps.datamap.models import DataFlow, DataFlowCategory

from .tasks import vendor_tier_recompute


def _recompute_after_commit(vendor_id):
    if vendor_id:
        transaction.on_commit(lambda: vendor_tier_recompute.delay(vendor_id))


@receiver(post_save, sender=DataFlow, dispatch_uid="risk.flow_saved")
@receiver(post_delete, sender=DataFlow, dispatch_uid="risk.flow_deleted")
def flow_changed(sender, instance, raw=False, **kwargs):
    if raw:  # fixtures load raw; the demo step recomputes every tier once instead
        return
    _recompute_after_commit(instance.vendor_id)


@receiver(post_save, sender=DataFlowCategory, dispatch_uid="risk.flow_category_saved")
@receiver(post_delete, sender=DataFlowCategory, dispatch_uid="risk.flow_category_deleted")
def flow_category_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    vendor_id = DataFlow.objects.filter(pk=instance.flow_id).values_list("vendor_id", flat=True).first()
    _recompute_after_commit(vendor_id)
