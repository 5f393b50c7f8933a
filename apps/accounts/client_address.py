"""The client's address, as far as the trusted reverse proxies in front of the register vouch for it.

Behind a proxy every request comes from the proxy (REMOTE_ADDR), so a lockout keyed on it would lock every user
out at once. Each trusted proxy appends the address it saw to X-Forwarded-For, so with TRUSTED_PROXY_COUNT
proxies the client is the entry that many places from the right. Entries further left were written by the
client itself and prove nothing; they are never used.
"""

import ipaddress

from django.conf import settings


def client_address(request):
    """The address login lockout (django-axes) and the security log attribute a request to."""
    peer = request.META.get("REMOTE_ADDR")
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxies <= 0:
        return peer
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if len(hops) < proxies:
        # The request did not come through the whole chain of proxies: only the connected peer is known.
        return peer
    candidate = hops[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return peer
