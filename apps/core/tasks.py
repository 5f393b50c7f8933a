"""Tasks of the core app."""

from celery import shared_task


@shared_task(name="core.ping", ignore_result=False)
def ping():
    """Round trip through the broker and a worker; used by the broker test and by operators."""
    return "pong"
