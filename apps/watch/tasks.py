"""Thin periodic tasks: they take nothing and call one check. A lost database connection is retried with backoff;
checks are idempotent, so a retry (or a redelivery after a worker died) emits nothing twice.
"""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from . import services

RETRY_POLICY = {
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": 60,
    "retry_backoff_max": 10 * 60,
    "retry_jitter": True,
    "max_retries": 5,
}


@shared_task(name="watch.reviews_check", **RETRY_POLICY)
def reviews_check():
    return services.reviews_check()


@shared_task(name="watch.evidence_check", **RETRY_POLICY)
def evidence_check():
    return services.evidence_check()


@shared_task(name="watch.contracts_check", **RETRY_POLICY)
def contracts_check():
    return services.contracts_check()


@shared_task(name="watch.incident_delays_check", **RETRY_POLICY)
def incident_delays_check():
    return services.incident_delays_check()
