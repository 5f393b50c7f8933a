"""Which vendor an origin belongs to: the vendors' registered domains first, then SDK hosts.

A host matches a domain when it is the domain or one of its subdomains (`api-js.mixpanel.com` → `mixpanel.com`).
`WELL_KNOWN_SDK_HOSTS` ships the hosts of common analytics, support-widget and tag SDKs with the vendor they
belong to; a reviewer adds more (or points one at a vendor of the register) as `SdkHost` rows, which win. A
well-known host whose vendor is not in the register names that vendor in the "undeclared vendor" finding.
"""

from dataclasses import dataclass

from apps.vendors.models import Vendor

from .models import SdkHost

WELL_KNOWN_SDK_HOSTS = {
    "mixpanel.com": "Mixpanel",
    "mxpnl.com": "Mixpanel",
    "segment.com": "Segment",
    "segment.io": "Segment",
    "google-analytics.com": "Google Analytics",
    "googletagmanager.com": "Google Tag Manager",
    "doubleclick.net": "Google Ads",
    "amplitude.com": "Amplitude",
    "heap.io": "Heap",
    "heapanalytics.com": "Heap",
    "hotjar.com": "Hotjar",
    "hotjar.io": "Hotjar",
    "fullstory.com": "FullStory",
    "posthog.com": "PostHog",
    "sentry.io": "Sentry",
    "datadoghq.com": "Datadog",
    "browser-intake-datadoghq.com": "Datadog",
    "intercom.io": "Intercom",
    "intercomcdn.com": "Intercom",
    "zendesk.com": "Zendesk",
    "zdassets.com": "Zendesk",
    "hubspot.com": "HubSpot",
    "hs-scripts.com": "HubSpot",
    "drift.com": "Drift",
    "facebook.net": "Meta Pixel",
    "clarity.ms": "Microsoft Clarity",
    "stripe.com": "Stripe",
    "launchdarkly.com": "LaunchDarkly",
    "optimizely.com": "Optimizely",
}


@dataclass(frozen=True)
class Match:
    vendor: Vendor | None
    suggested_vendor: str = ""


def host_matches(host: str, domain: str) -> bool:
    domain = domain.strip().lower().rstrip(".")
    if "://" in domain:
        domain = domain.split("://", 1)[1]
    domain = domain.split("/", 1)[0].split(":", 1)[0] if not domain.startswith("[") else domain
    return bool(domain) and (host == domain or host.endswith("." + domain))


class VendorMatcher:
    """Loads the vendors' domains and the SDK hosts once; `match(host)` then asks nothing of the database."""

    def __init__(self):
        self.domains = []
        for vendor in Vendor.objects.only("id", "slug", "display_name", "legal_name", "domains"):
            for domain in vendor.domains or []:
                if isinstance(domain, str):
                    self.domains.append((domain, vendor))
        # The longest domain wins: a vendor on `cdn.example.com` beats one on `example.com`.
        self.domains.sort(key=lambda pair: -len(pair[0]))
        self.sdk_hosts = sorted(SdkHost.objects.select_related("vendor"), key=lambda row: -len(row.host))
        self.by_name = {}
        for vendor in Vendor.objects.only("id", "slug", "display_name", "legal_name"):
            for name in (vendor.display_name, vendor.legal_name, vendor.slug):
                if name:
                    self.by_name.setdefault(name.lower(), vendor)

    def match(self, host: str) -> Match:
        host = host.lower().rstrip(".")
        for domain, vendor in self.domains:
            if host_matches(host, domain):
                return Match(vendor)
        for row in self.sdk_hosts:
            if host_matches(host, row.host):
                return Match(row.vendor)
        for domain, name in sorted(WELL_KNOWN_SDK_HOSTS.items(), key=lambda pair: -len(pair[0])):
            if host_matches(host, domain):
                return Match(self.by_name.get(name.lower()), suggested_vendor=name)
        return Match(None)
