"""How webhook bodies are signed, and how a receiver checks them (the README quotes `signature_is_valid`)."""

import hashlib
import hmac
import secrets

SIGNATURE_HEADER = "X-Vendorrisk-Signature"
EVENT_ID_HEADER = "X-Vendorrisk-Event"
EVENT_KIND_HEADER = "X-Vendorrisk-Event-Kind"
DELIVERY_ID_HEADER = "X-Vendorrisk-Delivery"
TIMESTAMP_HEADER = "X-Vendorrisk-Timestamp"


def secret_generate():
    """A fresh endpoint secret: 256 bits, URL-safe so it pastes into any receiver's configuration."""
    return secrets.token_urlsafe(32)


def signature_for(*, secret, body):
    """The header value for a raw body: `sha256=` and the hex HMAC-SHA256 of the exact bytes sent."""
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def signature_is_valid(*, secret, body, header):
    """What a receiver runs on the raw request body, before parsing it; constant-time comparison."""
    return hmac.compare_digest(signature_for(secret=secret, body=body), header or "")
