from django.apps import AppConfig


class DashboardConfig(AppConfig):
    """The register's headline figures: reads across the domain apps, above all of them."""

    name = "apps.dashboard"
    label = "dashboard"
    verbose_name = "Dashboard"
