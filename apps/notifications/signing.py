"""How webhooks are signed: the Standard Webhooks format (https://www.standardwebhooks.com), through its reference
`standardwebhooks` package, so receivers can verify with the same package in any language.

`webhook-signature` is `v1,<base64 HMAC-SHA256 of "<webhook-id>.<webhook-timestamp>.<body>">`: the timestamp is
signed, so a receiver refuses replays older than 5 minutes (the package's verify does). Secrets are kept in the
package's `whsec_<base64 key>` form.
"""

import base64
import datetime
import secrets

from standardwebhooks import Webhook

ID_HEADER = "webhook-id"  # the event's id: the same on every retry, receivers deduplicate on it
TIMESTAMP_HEADER = "webhook-timestamp"
SIGNATURE_HEADER = "webhook-signature"
EVENT_KIND_HEADER = "X-Vendorrisk-Event-Kind"
DELIVERY_ID_HEADER = "X-Vendorrisk-Delivery"

SECRET_PREFIX = "whsec_"  # noqa: S105 - a format prefix, not a secret


def secret_generate():
    """A fresh endpoint secret: 256 random bits in the `whsec_` base64 form the package reads."""
    return secret_from_key(secrets.token_bytes(32))


def secret_from_key(key: bytes):
    """The `whsec_` form of a raw HMAC key (the 0002 migration wraps the old secrets' bytes this way)."""
    return SECRET_PREFIX + base64.b64encode(key).decode()


def signed_headers(*, secret, message_id, body, at=None):
    """The three Standard Webhooks headers for a body sent now (or `at`, a Unix time in seconds)."""
    timestamp = int(at if at is not None else datetime.datetime.now(tz=datetime.UTC).timestamp())
    signed_at = datetime.datetime.fromtimestamp(timestamp, tz=datetime.UTC)
    signature = Webhook(secret).sign(msg_id=message_id, timestamp=signed_at, data=body.decode())
    return {ID_HEADER: message_id, TIMESTAMP_HEADER: str(timestamp), SIGNATURE_HEADER: signature}
