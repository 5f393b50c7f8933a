"""Breach feeds: where they are declared, how each format is read, and how an entry is matched to our vendors.

A feed is declared in settings, `MONITORING_FEEDS`, a list of dicts:

    {"key": "hibp", "adapter": "hibp", "url": "https://…/api/v3/breaches"}     # fetched periodically
    {"key": "news", "adapter": "rss", "url": "https://…/feed.xml"}            # RSS 2.0 or Atom
    {"key": "local", "adapter": "rss", "file": "/var/feeds/news.xml"}          # a file on this machine
    {"key": "partner", "adapter": "hibp", "webhook": True, "secret": "…"}      # posts to us, HMAC-signed

Adapters turn the bytes into `FeedEntry` values and raise `FeedFormatError` on anything else; they never touch
the database. Matching is: exact domain first (the entry's domain is one of a vendor's domains or below one:
score 1.0), then names, scored (whole name equal to the entry's name 0.9, the name as whole words in the title
0.75, in the summary 0.6), never below MONITORING_NAME_MATCH_MIN_SCORE (0.6). Every signal keeps how it
matched and its score, so a reviewer sees a name match for what it is.
"""

import datetime
import email.utils
import json
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from defusedxml import ElementTree
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .choices import MatchKind

ADAPTERS = ("hibp", "rss")
DEFAULT_NAME_MIN_SCORE = 0.6
LEGAL_SUFFIXES = frozenset(
    {
        "inc",
        "incorporated",
        "ltd",
        "limited",
        "llc",
        "plc",
        "gmbh",
        "ag",
        "sa",
        "sas",
        "sarl",
        "bv",
        "nv",
        "corp",
        "corporation",
        "co",
        "company",
        "oy",
        "ab",
        "as",
        "srl",
        "spa",
        "pty",
        "kk",
    }
)
DOMAIN_RE = re.compile(r"\b((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63})\b", re.IGNORECASE)
TAG_RE = re.compile(r"<[^>]+>")


class FeedFormatError(Exception):
    """The feed's body is not the format its adapter reads. The message is safe to log."""


@dataclass(frozen=True)
class Feed:
    key: str
    adapter: str
    url: str = ""
    file: str = ""
    webhook: bool = False
    secret: str = ""
    reliability_note: str = ""


@dataclass
class FeedEntry:
    entry_id: str
    title: str
    url: str = ""
    summary: str = ""
    published_on: datetime.date | None = None
    domains: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)  # the entry's own names for the breached company (HIBP)
    data_classes: list[str] = field(default_factory=list)


def feeds_declared() -> list[Feed]:
    """Every feed in MONITORING_FEEDS. Raises ImproperlyConfigured on a declaration that cannot work."""
    feeds, keys = [], set()
    for raw in getattr(settings, "MONITORING_FEEDS", []):
        feed = Feed(**raw)
        if not re.fullmatch(r"[a-z0-9][a-z0-9_-]{0,79}", feed.key or ""):
            raise ImproperlyConfigured(f"Feed key {feed.key!r}: lower-case letters, digits, - and _ only.")
        if feed.adapter not in ADAPTERS:
            raise ImproperlyConfigured(f"Feed {feed.key}: adapter must be one of {', '.join(ADAPTERS)}.")
        if sum(bool(x) for x in (feed.url, feed.file, feed.webhook)) != 1:
            raise ImproperlyConfigured(f"Feed {feed.key}: declare exactly one of url, file or webhook.")
        if feed.webhook and len(feed.secret) < 16:
            raise ImproperlyConfigured(f"Feed {feed.key}: a webhook feed needs a secret of 16 characters or more.")
        if feed.key in keys:
            raise ImproperlyConfigured(f"Feed {feed.key} is declared twice.")
        keys.add(feed.key)
        feeds.append(feed)
    return feeds


def feed_get(key: str) -> Feed | None:
    return next((feed for feed in feeds_declared() if feed.key == key), None)


# --- adapters ----------------------------------------------------------------------------------------------------
def parse(adapter: str, body: bytes) -> list[FeedEntry]:
    return {"hibp": parse_hibp, "rss": parse_rss}[adapter](body)


def _date(text):
    if not text:
        return None
    text = str(text).strip()
    try:
        return datetime.date.fromisoformat(text[:10])
    except ValueError:
        pass
    try:
        return email.utils.parsedate_to_datetime(text).date()
    except (TypeError, ValueError):
        return None


def _plain(text, limit=2000):
    return " ".join(TAG_RE.sub(" ", text or "").split())[:limit]


def parse_hibp(body: bytes) -> list[FeedEntry]:
    """HaveIBeenPwned's breaches format: a list of {Name, Title, Domain, BreachDate, AddedDate, Description,
    DataClasses, …} (one object, or {"breaches": [...]}, are read too: what a webhook posts)."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise FeedFormatError("not JSON") from None
    if isinstance(data, dict):
        data = data.get("breaches", [data])
    if not isinstance(data, list):
        raise FeedFormatError("not a list of breaches")
    entries = []
    for item in data:
        if not isinstance(item, dict) or not isinstance(item.get("Name"), str) or not item["Name"].strip():
            raise FeedFormatError("a breach without a Name")
        domain = str(item.get("Domain") or "").strip().lower().rstrip(".")
        title = str(item.get("Title") or item["Name"])
        classes = item.get("DataClasses") or []
        entries.append(
            FeedEntry(
                entry_id=item["Name"].strip(),
                title=title[:500],
                summary=_plain(str(item.get("Description") or "")),
                published_on=_date(item.get("BreachDate") or item.get("AddedDate")),
                domains=[domain] if domain else [],
                names=[name for name in {title, item["Name"]} if name],
                data_classes=[str(c) for c in classes if isinstance(c, str)][:50],
            )
        )
    return entries


ATOM = "{http://www.w3.org/2005/Atom}"


def parse_rss(body: bytes) -> list[FeedEntry]:
    """RSS 2.0 (<item>) or Atom (<entry>). defusedxml refuses entity expansion and external references."""
    try:
        root = ElementTree.fromstring(body)
    except Exception:  # defusedxml raises ParseError and its own DefusedXmlException subclasses
        raise FeedFormatError("not well-formed XML (or it declares entities)") from None
    if root.tag == "rss":
        items = root.findall("./channel/item")
        return [_rss_item(item) for item in items]
    if root.tag == f"{ATOM}feed":
        return [_atom_entry(entry) for entry in root.findall(f"{ATOM}entry")]
    raise FeedFormatError("neither RSS nor Atom")


def _text_domains(*texts):
    found = []
    for text in texts:
        for match in DOMAIN_RE.findall(text or ""):
            domain = match.lower()
            if domain not in found:
                found.append(domain)
    return found


def _rss_item(item):
    title = (item.findtext("title") or "").strip()
    link = (item.findtext("link") or "").strip()
    guid = (item.findtext("guid") or "").strip() or link or title
    if not guid:
        raise FeedFormatError("an item without guid, link or title")
    summary = _plain(item.findtext("description"))
    return FeedEntry(
        entry_id=guid[:500],
        title=title[:500] or guid[:500],
        url=link if link.startswith(("http://", "https://")) else "",
        summary=summary,
        published_on=_date(item.findtext("pubDate")),
        domains=_text_domains(title, summary),
    )


def _atom_entry(entry):
    title = (entry.findtext(f"{ATOM}title") or "").strip()
    entry_id = (entry.findtext(f"{ATOM}id") or "").strip()
    link_el = entry.find(f"{ATOM}link")
    link = (link_el.get("href") or "").strip() if link_el is not None else ""
    entry_id = entry_id or link or title
    if not entry_id:
        raise FeedFormatError("an entry without id, link or title")
    summary = _plain(entry.findtext(f"{ATOM}summary") or entry.findtext(f"{ATOM}content"))
    return FeedEntry(
        entry_id=entry_id[:500],
        title=title[:500] or entry_id[:500],
        url=link if link.startswith(("http://", "https://")) else "",
        summary=summary,
        published_on=_date(entry.findtext(f"{ATOM}published") or entry.findtext(f"{ATOM}updated")),
        domains=_text_domains(title, summary),
    )


# --- matching ----------------------------------------------------------------------------------------------------
def _words(text):
    return re.findall(r"[a-z0-9]+", (text or "").lower())


def name_tokens(name):
    """A company name as words, without legal suffixes: 'Mixpanel, Inc.' → ('mixpanel',)."""
    words = _words(name)
    while words and words[-1] in LEGAL_SUFFIXES:
        words.pop()
    return tuple(words)


def _contains(haystack, needle):
    n = len(needle)
    return any(tuple(haystack[i : i + n]) == needle for i in range(len(haystack) - n + 1))


@dataclass(frozen=True)
class VendorKeys:
    """What a vendor is matched on: its domains (and its website's host) and its names."""

    vendor_id: int
    domains: tuple[str, ...]
    names: tuple[tuple[str, ...], ...]


def vendor_keys(*, vendor_id, domains, website, display_name, legal_name) -> VendorKeys:
    all_domains = [d.lower().rstrip(".") for d in domains or () if d]
    host = (urlsplit(website).hostname or "") if website else ""
    if host:
        host = host.lower().removeprefix("www.")
        if host not in all_domains:
            all_domains.append(host)
    # A one- or two-letter name ("X", "HP") would match half the news: such vendors match on domains only.
    names = {tokens for tokens in (name_tokens(display_name), name_tokens(legal_name)) if len("".join(tokens)) >= 3}
    return VendorKeys(vendor_id=vendor_id, domains=tuple(all_domains), names=tuple(sorted(names)))


@dataclass(frozen=True)
class Match:
    vendor_id: int
    kind: str
    matched_on: str
    score: float


def match_entry(entry: FeedEntry, keys: list[VendorKeys], *, name_min_score: float | None = None) -> list[Match]:
    """The vendors an entry is about: by exact domain when any matches, otherwise by name with a score."""
    if name_min_score is None:
        name_min_score = getattr(settings, "MONITORING_NAME_MATCH_MIN_SCORE", DEFAULT_NAME_MIN_SCORE)
    by_domain = []
    for key in keys:
        for entry_domain in entry.domains:
            hit = next((d for d in key.domains if entry_domain == d or entry_domain.endswith("." + d)), None)
            if hit:
                by_domain.append(Match(key.vendor_id, MatchKind.DOMAIN, entry_domain, 1.0))
                break
    if by_domain:
        return by_domain
    entry_names = {name_tokens(name) for name in entry.names}
    title, summary = _words(entry.title), _words(entry.summary)
    by_name = []
    for key in keys:
        best = None
        for tokens in key.names:
            if tokens in entry_names:
                score = 0.9
            elif _contains(title, tokens):
                score = 0.75
            elif _contains(summary, tokens):
                score = 0.6
            else:
                continue
            matched_on = " ".join(tokens)
            # On equal scores the longer name wins: "acme analytics" says more than "acme".
            if best is None or (score, len(matched_on)) > (best.score, len(best.matched_on)):
                best = Match(key.vendor_id, MatchKind.NAME, matched_on, score)
        if best is not None and best.score >= name_min_score:
            by_name.append(best)
    return by_name
