"""Celery tasks of the risk app: thin doors that take ids and call one service."""

from celery import shared_task
from django.db import OperationalError

from . import services


@shared_task(
    name="risk.tightening_fan_out",
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
)
def tightening_fan_out(tightening_id):
    """Create the tightening's missing requirement statuses across its scope; returns the counts."""
    return services.tightening_fan_out(tightening_id=tightening_id)


@shared_task(name="risk.requirement_statuses_sweep", acks_late=True, autoretry_for=(OperationalError,), max_retries=3)
def requirement_statuses_sweep():
    """Daily: expired evidence and lapsed exceptions make requirements not met."""
    return services.requirement_statuses_sweep()


@shared_task(name="risk.vendor_tier_recompute", acks_late=True, autoretry_for=(OperationalError,), max_retries=3)
def vendor_tier_recompute(vendor_id):
    from apps.vendors.models import Vendor

    vendor = Vendor.objects.filter(pk=vendor_id).first()
    if vendor is not None:
        services.vendor_tier_recompute(vendor=vendor)


@shared_task(name="risk.tiers_recompute_all", acks_late=True, autoretry_for=(OperationalError,), max_retries=3)
def tiers_recompute_all():
    """Recompute every vendor's tier, set-based (after a change to the tier rule, or as a periodic repair)."""
    return services.tiers_recompute_all()
