"""The Celery app: configured from Django settings (CELERY_ namespace), tasks autodiscovered in apps."""

import os

from celery import Celery

# Workers and beat run in production: a forgotten DJANGO_SETTINGS_MODULE must not give them debug settings.
# `make worker` and the tests name their settings explicitly.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vendorrisk.settings.production")

app = Celery("vendorrisk")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
