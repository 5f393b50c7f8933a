from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "apps.reviews"
    label = "reviews"

    def ready(self):
        from . import receivers  # noqa: F401  (connects the incident receiver)
