"""Secrets of the portal: link tokens and one-time codes are handed out once and kept only as SHA-256 digests."""

import hashlib
import hmac
import secrets


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def token_new() -> tuple[str, str]:
    """(token, digest): 256 random bits, URL-safe."""
    token = secrets.token_urlsafe(32)
    return token, digest(token)


def code_new() -> tuple[str, str]:
    """(six-digit code, digest)."""
    code = f"{secrets.randbelow(10**6):06d}"
    return code, digest(code)


def matches(secret: str, stored_digest: str) -> bool:
    return bool(stored_digest) and hmac.compare_digest(digest(secret), stored_digest)
