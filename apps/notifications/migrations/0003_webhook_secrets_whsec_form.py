"""Webhook secrets move to the Standard Webhooks `whsec_<base64 key>` form (issue 15).

The HMAC key stays the same bytes: an old secret `s` was used as the key `s.encode()`, and it becomes
`whsec_` + base64(`s.encode()`). A receiver holding the old secret converts it the same way (README, Webhooks).
"""

import base64

from django.db import migrations

PREFIX = "whsec_"


def to_whsec(apps, schema_editor):
    WebhookEndpoint = apps.get_model("notifications", "WebhookEndpoint")
    for endpoint in WebhookEndpoint.objects.exclude(secret__startswith=PREFIX).exclude(secret=""):
        endpoint.secret = PREFIX + base64.b64encode(endpoint.secret.encode()).decode()
        endpoint.save(update_fields=["secret"])


def from_whsec(apps, schema_editor):
    WebhookEndpoint = apps.get_model("notifications", "WebhookEndpoint")
    for endpoint in WebhookEndpoint.objects.filter(secret__startswith=PREFIX):
        key = base64.b64decode(endpoint.secret[len(PREFIX) :])
        try:
            endpoint.secret = key.decode("ascii")  # an old secret, converted by to_whsec
        except UnicodeDecodeError:
            continue  # a random key made after the change has no old form; it keeps the new one
        endpoint.save(update_fields=["secret"])


class Migration(migrations.Migration):
    dependencies = [("notifications", "0002_drop_unused_report_ready_kind")]

    operations = [migrations.RunPython(to_whsec, from_whsec)]
