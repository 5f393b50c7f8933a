"""The Celery app: configured from Django settings (CELERY_ namespace), tasks autodiscovered in apps."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vendorrisk.settings.local")

app = Celery("vendorrisk")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
