"""Install the periodic schedule declared in apps/watch/schedule.py into django-celery-beat (idempotent)."""

from django.core.management.base import BaseCommand

from apps.watch.schedule import PERIODIC_CHECKS
from apps.watch.services import periodic_tasks_install


class Command(BaseCommand):
    help = "Install the periodic checks declared in code into django-celery-beat. Safe to run on every start."

    def handle(self, *args, **options):
        counts = periodic_tasks_install()
        self.stdout.write(
            f"{len(PERIODIC_CHECKS)} periodic checks declared: "
            f"{counts['created']} created, {counts['updated']} updated, {counts['deleted']} removed."
        )
