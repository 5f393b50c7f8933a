"""Where webhooks may go, and the one way they leave: to an address that was checked, never to a name looked up again.

An endpoint URL is checked when it is saved and again at every delivery, because DNS may change in between
(rebinding). At delivery the host is resolved once, every address it resolves to must be allowed, and the socket
connects to one of those checked addresses; the hostname is kept only for the Host header and, over https, for
SNI and certificate verification. Nothing follows redirects and no proxy from the environment is used.

Allowed means a globally routable unicast address. `WEBHOOK_ALLOWED_HOSTS` (host names or CIDRs) opens private
networks for internal receivers (a SIEM on 10.x); it never opens loopback, link-local (cloud metadata at
169.254.169.254), unspecified or multicast addresses. Only `WEBHOOK_ALLOW_LOOPBACK` (the test suite; production
refuses to start with it) lets loopback through, for a receiver the tests run on 127.0.0.1.
"""

import http.client
import ipaddress
import socket
import ssl
from http import HTTPStatus
from urllib.parse import urlsplit

from django.conf import settings

ALLOWED_SCHEMES = ("http", "https")

# Names that mean "this machine" or "this cloud's private services" whatever DNS says today.
REFUSED_NAMES = frozenset({"localhost", "metadata.google.internal", "metadata", "instance-data"})
REFUSED_SUFFIXES = (".localhost", ".internal", ".local", ".home.arpa", ".localdomain")

ADDRESS_NOT_ALLOWED = "address not allowed"
INVALID_URL = "invalid URL"

# NAT64 (RFC 6052) carries an IPv4 address in its last 32 bits; 6to4 and Teredo are unpacked by ipaddress itself.
NAT64_PREFIX = ipaddress.ip_network("64:ff9b::/96")


class AddressNotAllowed(Exception):
    """The URL's host is, or resolves to, an address webhooks may not reach. The message is safe to show."""


def _allow_list():
    """(host names, networks) from WEBHOOK_ALLOWED_HOSTS; an entry that parses as a CIDR or address is a network."""
    names, networks = set(), []
    for entry in getattr(settings, "WEBHOOK_ALLOWED_HOSTS", []):
        entry = entry.strip().lower()
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            names.add(entry.rstrip("."))
    return names, networks


def _embedded_ipv4(address):
    """The IPv4 addresses an IPv6 address stands for (mapped, 6to4, Teredo, NAT64): they must be allowed too."""
    if address.version != 6:
        return []
    embedded = [address.ipv4_mapped, address.sixtofour, *(address.teredo or ())]
    if address in NAT64_PREFIX:
        embedded.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    return [a for a in embedded if a is not None]


def _never_allowed(address):
    """Loopback, link-local, unspecified and multicast: not opened by the allow-list (loopback only for tests)."""
    if address.is_loopback:
        return not getattr(settings, "WEBHOOK_ALLOW_LOOPBACK", False)
    return address.is_link_local or address.is_unspecified or address.is_multicast


def address_is_allowed(address, *, host_allowed=False):
    """True when a webhook may connect to `address` (an ipaddress object or text)."""
    address = ipaddress.ip_address(address)
    if address.version == 6 and address.scope_id:
        address = ipaddress.ip_address(str(address).split("%")[0])
    candidates = [address, *_embedded_ipv4(address)]
    if any(_never_allowed(a) for a in candidates):
        return False
    if address.is_loopback:  # only reachable here when the test allowance is on
        return True
    _, networks = _allow_list()
    for candidate in candidates:
        opened = host_allowed or any(
            candidate in network for network in networks if network.version == candidate.version
        )
        public = candidate.is_global and not candidate.is_reserved and not getattr(candidate, "is_site_local", False)
        if not (public or opened):
            return False
    return True


def _host_is_allowed_by_name(host):
    names, _ = _allow_list()
    return host in names


def _name_check(host):
    if host in REFUSED_NAMES or host.endswith(REFUSED_SUFFIXES):
        raise AddressNotAllowed(f"“{host}” is a local or internal name; webhooks go to public addresses only.")


def url_parts(url):
    """(scheme, host, port) of an http(s) URL, host lower-cased without a trailing dot. Raises ValueError."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_SCHEMES or not parts.hostname:
        raise ValueError("Only http:// and https:// URLs with a host can receive webhooks.")
    port = parts.port or (443 if scheme == "https" else 80)  # .port raises ValueError for a bad port
    return scheme, parts.hostname.lower().rstrip("."), port


def checked_addresses(host, port):
    """Resolve `host` once and return every address it has, all allowed. Raises AddressNotAllowed, or
    socket.gaierror when the name does not resolve (the caller decides whether that is fatal)."""
    host_allowed = _host_is_allowed_by_name(host)
    if not host_allowed:
        _name_check(host)
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    refused = [a for a in addresses if not address_is_allowed(a, host_allowed=host_allowed)]
    if refused or not addresses:
        raise AddressNotAllowed(
            f"“{host}” resolves to an address webhooks may not reach (private, loopback, link-local or reserved)."
        )
    return addresses


def url_is_allowed(url):
    """Checks a URL at save time. Raises ValueError (not http(s)) or AddressNotAllowed.

    A name that does not resolve today is accepted: DNS is checked again at every delivery anyway, and a save must
    not depend on the resolver being up. A name that resolves to a refused address, or a refused literal, is not.
    """
    _, host, port = url_parts(url)
    try:
        checked_addresses(host, port)
    except socket.gaierror:
        return


class _PinnedMixin:
    """http.client connects to `self.host`; these connect to addresses checked beforehand instead, so the name is
    not resolved a second time. HTTPSConnection still wraps the socket with server_hostname=self.host (SNI and
    certificate verification on the name)."""

    def __init__(self, *args, pinned_addresses, **kwargs):
        super().__init__(*args, **kwargs)
        self.pinned_addresses = pinned_addresses
        # http.client sets this per instance in __init__ (socket.create_connection), so it is replaced here.
        self._create_connection = self._connect_pinned

    def _connect_pinned(self, address, timeout, source_address=None):
        last_error = None
        for ip in self.pinned_addresses:
            try:
                return socket.create_connection((ip, address[1]), timeout, source_address)
            except OSError as exc:
                last_error = exc
        raise last_error


class PinnedHTTPConnection(_PinnedMixin, http.client.HTTPConnection):
    pass


class PinnedHTTPSConnection(_PinnedMixin, http.client.HTTPSConnection):
    pass


def _error_category(exc):
    """What the delivery log may say about a failure: a category, never the socket's text (a port-scan oracle)."""
    if isinstance(exc, AddressNotAllowed):
        return ADDRESS_NOT_ALLOWED
    if isinstance(exc, socket.gaierror):
        return "DNS lookup failed"
    if isinstance(exc, (ssl.SSLError, ssl.CertificateError)):
        return "TLS error"
    if isinstance(exc, (TimeoutError, socket.timeout)):
        return "timeout"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, (ConnectionResetError, ConnectionAbortedError, BrokenPipeError, http.client.RemoteDisconnected)):
        return "connection closed by the receiver"
    if isinstance(exc, http.client.HTTPException):
        return "invalid HTTP response"
    return "network error"


def http_error_text(status_code):
    """'HTTP 503 Service Unavailable': the standard phrase, not the receiver's own text."""
    try:
        return f"HTTP {status_code} {HTTPStatus(status_code).phrase}"
    except ValueError:
        return f"HTTP {status_code}"


def post(*, url, body, headers, timeout):
    """POST `body` to `url` through a checked, pinned address. Returns (status code or None, error category or '').

    Never raises for network or HTTP failures, and never follows a redirect (a 3xx is returned as it is). The
    category is ADDRESS_NOT_ALLOWED when the URL's host now resolves to a refused address.
    """
    try:
        scheme, host, port = url_parts(url)
        addresses = checked_addresses(host, port)
        parts = urlsplit(url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        if scheme == "https":
            connection = PinnedHTTPSConnection(
                host, port, timeout=timeout, context=ssl.create_default_context(), pinned_addresses=addresses
            )
        else:
            connection = PinnedHTTPConnection(host, port, timeout=timeout, pinned_addresses=addresses)
        try:
            connection.request("POST", target, body=body, headers=headers)
            response = connection.getresponse()
            status = response.status
        finally:
            connection.close()
    except ValueError:
        return None, INVALID_URL
    except (OSError, http.client.HTTPException, AddressNotAllowed) as exc:
        return None, _error_category(exc)
    return status, "" if 200 <= status < 300 else http_error_text(status)


class ResponseTooLarge(Exception):
    """The body is larger than the caller accepts."""


def get(*, url, headers, timeout, max_bytes):
    """GET `url` through a checked, pinned address, as `post` does (no redirects, no proxy, the same address rules).

    Returns (status or None, response headers as a dict with lower-case names, body bytes, error category or '').
    A body over `max_bytes` is an error ("response too large"), read no further. Used by the breach feeds
    (apps.monitoring.feeds), so every outbound fetch of the register goes through the same guard.
    """
    try:
        scheme, host, port = url_parts(url)
        addresses = checked_addresses(host, port)
        parts = urlsplit(url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        if scheme == "https":
            connection = PinnedHTTPSConnection(
                host, port, timeout=timeout, context=ssl.create_default_context(), pinned_addresses=addresses
            )
        else:
            connection = PinnedHTTPConnection(host, port, timeout=timeout, pinned_addresses=addresses)
        try:
            connection.request("GET", target, headers=headers)
            response = connection.getresponse()
            status = response.status
            response_headers = {name.lower(): value for name, value in response.getheaders()}
            body = response.read(max_bytes + 1)
            if len(body) > max_bytes:
                raise ResponseTooLarge
        finally:
            connection.close()
    except ValueError:
        return None, {}, b"", INVALID_URL
    except ResponseTooLarge:
        return None, {}, b"", "response too large"
    except (OSError, http.client.HTTPException, AddressNotAllowed) as exc:
        return None, {}, b"", _error_category(exc)
    error = "" if 200 <= status < 300 or status == 304 else http_error_text(status)
    return status, response_headers, body, error
