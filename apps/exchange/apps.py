from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "apps.exchange"
    verbose_name = "Import, export and DORA register of information"
