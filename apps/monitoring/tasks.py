"""Thin periodic tasks of the monitoring app (declared in apps/watch/schedule.py). Each is idempotent."""

from celery import shared_task

from apps.watch.tasks import RETRY_POLICY

from . import services


@shared_task(name="monitoring.feeds_fetch", soft_time_limit=600, time_limit=660, **RETRY_POLICY)
def feeds_fetch():
    """Every feed not waiting out a backoff; a failed feed is logged and tried again at a later run."""
    return services.feeds_fetch_due()


@shared_task(name="monitoring.concentration_check", **RETRY_POLICY)
def concentration_check():
    return services.concentration_check()


@shared_task(name="monitoring.residual_risk_refresh", **RETRY_POLICY)
def residual_risk_refresh():
    return services.residual_risk_recompute()
