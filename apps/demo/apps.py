from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Synthetic data for scale tests and benchmarks (`manage.py generate_portfolio`), apart from core: it writes
    through the real catalogue, path rule and tier rule of the domain apps, in bulk."""

    name = "apps.demo"
    label = "demo"
    verbose_name = "Demo and synthetic data"
