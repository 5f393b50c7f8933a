"""What a request carries, as data categories, without keeping what it carried.

Pure functions: `classify(pairs, canaries=...)` takes (where, key, value) triples taken from a request (query
string, body, cookies) and returns one signal per value that looks like personal data: its category code, where
it was, and an HMAC-SHA256 of the value under a secret salt. The hash lets a reviewer tell "the same email every
time" from "a different one" and match a value they hold, but nobody can read one back.
"""

import hashlib
import hmac
import ipaddress
import json
import re
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from django.conf import settings

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
IPV4 = re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}\b")
MAX_BODY_BYTES = 64 * 1024  # a larger body is classified on its first 64 KiB
MAX_PAIRS = 500
MAX_DEPTH = 6

# Keys analytics and support SDKs use for these categories (lower-cased, leading "$" or "_" stripped).
REFERRER_KEYS = {"referrer", "referer", "ref", "initial_referrer", "initial_referring_domain", "referring_domain", "dr"}
PRECISE_LOCATION_KEYS = {"lat", "lng", "lon", "latitude", "longitude", "geo", "coords", "geolocation"}
APPROXIMATE_LOCATION_KEYS = {
    "city",
    "region",
    "country",
    "country_code",
    "mp_country_code",
    "postal_code",
    "zip",
    "timezone",
}
USER_AGENT_KEYS = {"ua", "user_agent", "useragent", "browser", "browser_version", "os"}
IP_KEYS = {"ip", "ip_address", "uip", "client_ip"}


@dataclass(frozen=True)
class Canaries:
    """The test account's known values: seeing one of them leave our page is proof, not a guess."""

    name: str = ""
    email: str = ""
    user_ids: tuple[str, ...] = ()
    org_ids: tuple[str, ...] = ()
    user_agent: str = ""
    page_urls: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class Signal:
    category: str
    where: str
    hash: str

    def as_dict(self):
        return {"category": self.category, "where": self.where, "hash": self.hash}


def salted_hash(value: str) -> str:
    salt = (getattr(settings, "OBSERVATION_HASH_SALT", "") or settings.SECRET_KEY).encode()
    return hmac.new(salt, value.strip().lower().encode(), hashlib.sha256).hexdigest()


def _is_ip(text):
    try:
        ipaddress.ip_address(text.strip("[]"))
    except ValueError:
        return bool(IPV4.fullmatch(text))
    return True


def _normal_key(key):
    return key.lower().lstrip("$_").rsplit(".", 1)[-1]


def value_categories(key: str, value: str, canaries: Canaries) -> set[str]:
    """The category codes one (key, value) pair carries."""
    found = set()
    text = value.strip()
    lowered = text.lower()
    short_key = _normal_key(key)
    if canaries.email and canaries.email.lower() in lowered or EMAIL.search(text):
        found.add("email-address")
    if canaries.name and len(canaries.name) >= 3 and canaries.name.lower() in lowered:
        found.add("name")
    if text and (text in canaries.user_ids or text in canaries.org_ids):
        found.add("account-identifiers")
    if _is_ip(text) or (short_key in IP_KEYS and text):
        found.add("ip-address")
    if text and (short_key in USER_AGENT_KEYS or (canaries.user_agent and text == canaries.user_agent)):
        found.add("user-agent")
    if text and short_key in REFERRER_KEYS:
        found.add("referring-website")
    if text and text.split("#", 1)[0] in canaries.page_urls:
        found.add("page-views-clicks")  # the page's own address: what the user is looking at
    if text and short_key in PRECISE_LOCATION_KEYS:
        found.add("precise-location")
    if text and short_key in APPROXIMATE_LOCATION_KEYS:
        found.add("approximate-location")
    return found


def classify(pairs, *, canaries: Canaries) -> list[Signal]:
    signals = {}
    for where, key, value in list(pairs)[:MAX_PAIRS]:
        for category in value_categories(key, value, canaries):
            signal = Signal(category=category, where=f"{where}:{redact_key(key, canaries)}", hash=salted_hash(value))
            signals[(signal.category, signal.where, signal.hash)] = signal
    return sorted(signals.values(), key=lambda s: (s.category, s.where))


def redact_key(key: str, canaries: Canaries) -> str:
    """A key is kept as a name, unless the key itself is a value (`{"alice@example.com": 1}`)."""
    if value_categories("", key, canaries) & {"email-address", "name", "account-identifiers", "ip-address"}:
        return "[redacted]"
    return key[:100]


def redact_path(path: str, canaries: Canaries) -> str:
    """The path with every segment that carries a value (an email, an id of the test account) replaced."""
    segments = []
    for segment in path.split("/"):
        hit = value_categories("", segment, canaries) & {"email-address", "name", "account-identifiers", "ip-address"}
        segments.append("[redacted]" if hit else segment)
    return "/".join(segments)[:500]


def _flatten(value, prefix="", depth=0):
    if depth > MAX_DEPTH:
        return
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _flatten(item, f"{prefix}.{key}" if prefix else str(key), depth + 1)
    elif isinstance(value, list):
        for item in value:
            yield from _flatten(item, prefix, depth + 1)
    elif value is not None:
        yield prefix, str(value)


def body_pairs(body: bytes | None, content_type: str = "") -> list[tuple[str, str]]:
    """(key, value) pairs of a JSON or form body; anything else is scanned whole under the key 'body'."""
    if not body:
        return []
    text = body[:MAX_BODY_BYTES].decode("utf-8", errors="replace")
    try:
        parsed = json.loads(text)
    except ValueError:
        parsed = None
    if isinstance(parsed, (dict, list)):
        return list(_flatten(parsed))
    if "=" in text and ("form" in content_type or not content_type or "text/plain" in content_type):
        pairs = parse_qsl(text, keep_blank_values=True)
        if pairs:
            # Beacon SDKs often post `data=<base64 or JSON>`: look inside a JSON value too.
            expanded = []
            for key, value in pairs:
                try:
                    inner = json.loads(value)
                except ValueError:
                    inner = None
                expanded.extend(_flatten(inner, key) if isinstance(inner, (dict, list)) else [(key, value)])
            return expanded
    return [("body", text)]


def cookie_names(header: str) -> list[str]:
    return sorted({part.split("=", 1)[0].strip() for part in header.split(";") if "=" in part})
