from django.apps import AppConfig


class ObservationConfig(AppConfig):
    name = "apps.observation"
    label = "observation"
    verbose_name = "Observed data flows"
