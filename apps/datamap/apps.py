from django.apps import AppConfig


class DatamapConfig(AppConfig):
    name = "apps.datamap"
    label = "datamap"
