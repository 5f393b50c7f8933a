"""Thin periodic task: the daily reminders. Idempotent (one Reminder row per questionnaire, kind and due date)."""

from celery import shared_task

from apps.watch.tasks import RETRY_POLICY

from . import services


@shared_task(name="questionnaires.reminders_send", **RETRY_POLICY)
def reminders_send():
    return services.reminders_send()
