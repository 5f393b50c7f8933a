"""The crawl as Celery tasks: one per system (by id), and the nightly fan-out that enqueues one per target.

A crawl is idempotent in its results (requests and findings are deduplicated), so a redelivery after a lost
worker only adds a crawl row. The task's own time limit is above the longest crawl budget (600 s).
"""

from celery import shared_task
from django.db import InterfaceError, OperationalError, transaction

from . import selectors, services
from .models import ObservationTarget

RETRY_POLICY = {
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": 60,
    "retry_backoff_max": 10 * 60,
    "retry_jitter": True,
    "max_retries": 3,
}


@shared_task(name="observation.observe_system", **RETRY_POLICY)
def observe_system(target_id):
    target = ObservationTarget.objects.select_related("system").filter(pk=target_id).first()
    if target is None:
        return None
    crawl = services.observe_system(target=target)
    return {"crawl": crawl.pk, "status": crawl.status}


def enqueue_observation(target):
    """Queue one crawl of `target` once the caller's transaction commits."""
    transaction.on_commit(lambda: observe_system.delay(target.pk))


@shared_task(name="observation.observe_all", **RETRY_POLICY)
def observe_all():
    ids = list(selectors.targets_due().values_list("pk", flat=True))
    for target_id in ids:
        observe_system.delay(target_id)
    return len(ids)
