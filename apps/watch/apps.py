from django.apps import AppConfig


class WatchConfig(AppConfig):
    """Scheduled checks that keep watch on the register: reviews, evidence, contracts, incident delays."""

    name = "apps.watch"
    label = "watch"
