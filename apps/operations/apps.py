from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """Running the register: request ids, metrics, system checks, backup and restore."""

    name = "apps.operations"
    label = "operations"

    def ready(self):
        from . import checks, metrics, request_id, telemetry  # noqa: F401 - registers checks and Celery signal handlers

        telemetry.configure()
