"""Demo step: one webhook endpoint, inactive, so the admin shows how endpoints and their log look without sending
anything. Point it at a receiver of your own (a public https URL, or an internal one listed in
WEBHOOK_ALLOWED_HOSTS), activate it and rotate its secret to see one: loopback addresses are refused."""

from .models import WebhookEndpoint
from .services import webhook_endpoint_create

DEMO_ENDPOINT = "local-dashboard"
DEMO_URL = "https://dashboard.example.com/hooks"


def setup():
    if WebhookEndpoint.objects.filter(name=DEMO_ENDPOINT).exists():
        return
    webhook_endpoint_create(name=DEMO_ENDPOINT, url=DEMO_URL, is_active=False)
