"""Demo step: one webhook endpoint, inactive, so the admin shows how endpoints and their log look without sending
anything. Activate it (and rotate its secret to see one) after starting a receiver on 127.0.0.1:8001."""

from .models import WebhookEndpoint
from .services import webhook_endpoint_create

DEMO_ENDPOINT = "local-dashboard"


def setup():
    if WebhookEndpoint.objects.filter(name=DEMO_ENDPOINT).exists():
        return
    webhook_endpoint_create(name=DEMO_ENDPOINT, url="http://127.0.0.1:8001/hooks", is_active=False)
