from django.apps import AppConfig


class RiskConfig(AppConfig):
    name = "apps.risk"
    label = "risk"

    def ready(self):
        from . import receivers  # noqa: F401  (connects the data-map receivers)
