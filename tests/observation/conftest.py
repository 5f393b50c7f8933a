"""A register with one system set up for checking, and crawl results made by hand (no browser needed)."""

import json

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from apps.datamap.choices import Mechanism
from apps.datamap.models import DataCategory
from apps.observation import crawler, services
from tests.factories.datamap import DataFlowFactory, SystemFactory
from tests.factories.vendors import VendorFactory, VendorServiceFactory
from tests.intake.conftest import load_reference_data

SITE = "https://console.example.org"
EMAIL = "ada.canary@example.org"
USER_ID = "user-4242"


@pytest.fixture
def register(db, reviewer):
    cache.clear()
    load_reference_data()
    system = SystemFactory(slug="console", name="Console")
    vendor = VendorFactory(slug="tracklytics", display_name="Tracklytics", domains=["tracklytics.example.com"])
    service = VendorServiceFactory(vendor=vendor, slug="product-analytics")
    code = DataCategory.objects.get
    flow = DataFlowFactory(
        code="console-to-tracklytics",
        system=system,
        service=service,
        mechanism=Mechanism.CLIENT_SIDE_SDK,
        shared=[code(code="account-identifiers")],
        not_shared=[code(code="email-address")],
    )
    target = services.target_create(
        system=system, actor=reviewer, pages=[f"{SITE}/"], canary_email=EMAIL, canary_user_ids=[USER_ID]
    )
    return {"system": system, "vendor": vendor, "service": service, "flow": flow, "target": target}


def beacon(url, body=None, *, resource_type="ping", initiator="https://cdn.tracklytics.example.com/sdk.js"):
    return crawler.SeenRequest(
        method="POST" if body else "GET",
        url=url,
        resource_type=resource_type,
        page_url=f"{SITE}/",
        body=json.dumps(body).encode() if body else None,
        content_type="text/plain",
        initiator=initiator,
    )


def record(target, seen):
    """Store a crawl that saw `seen` (a list of SeenRequest), as the crawl task would after the browser."""
    crawl = services.crawl_start(target=target)
    result = crawler.CrawlResult(pages_visited=1, requests_seen=len(seen) + 1, third_party=list(seen))
    return services.crawl_record(crawl=crawl, result=result)


def drifting_crawl(target):
    """The tracker sends the email the flow marks not shared; an unknown host gets a pixel; Mixpanel's SDK loads."""
    return record(
        target,
        [
            beacon(f"https://api.tracklytics.example.com/track?uid={USER_ID}", {"$email": EMAIL}),
            beacon("https://pixel.unknown.example.net/p.gif?x=1", resource_type="image", initiator=f"{SITE}/"),
            beacon("https://cdn.mxpnl.com/libs/mixpanel.js", resource_type="script", initiator=f"{SITE}/"),
        ],
    )


@pytest.fixture
def api():
    """`api(user)` is a client authenticated as that user; `api()` an anonymous one."""

    def client_for(user=None):
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return client_for
