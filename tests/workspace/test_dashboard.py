"""The dashboard at /: the API's figures, drawn as SVG bars whose links list exactly the rows each bar counts,
in a constant number of queries."""

import datetime
import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.dashboard.selectors import dashboard
from tests.factories.bulk import analytics_vendors_bulk
from tests.factories.datamap import DataCategoryFactory, SystemFactory
from tests.factories.incidents import IncidentFactory
from tests.factories.reviews import FindingFactory
from tests.factories.vendors import ContractFactory, DocumentFactory, SubprocessorFactory, VendorFactory

TODAY = timezone.localdate()


@pytest.fixture
def register(db):
    system = SystemFactory(slug="web-app")
    email = DataCategoryFactory(code="email-address", name="Email address", is_personal_data=True)
    analytics_vendors_bulk(count=3, system=system, categories=[email], prefix="sdk")
    for tier in (1, 1, 3):
        VendorFactory(tier=tier)
    VendorFactory(status="proposed")
    cloud = VendorFactory(slug="big-cloud", display_name="Big Cloud")
    for slug in ("sdk-0", "sdk-1"):
        SubprocessorFactory(vendor_id=VendorFactory(slug=slug).pk, subprocessor=cloud)
    late = IncidentFactory(severity="high", vendor=VendorFactory(slug="late-vendor"))
    ContractFactory(vendor=late.vendor, breach_notification_hours=72)
    IncidentFactory(severity="critical")
    IncidentFactory(severity="high", status="closed")
    FindingFactory(severity="high")
    FindingFactory(severity="low", status="resolved")
    DocumentFactory(expires_on=TODAY + datetime.timedelta(days=10))
    DocumentFactory(expires_on=TODAY - datetime.timedelta(days=10))


def bars(page):
    """(label, count, href) of every bar in the page's SVG charts."""
    found = re.findall(r'<a href="([^"]+)">\s*<title>([^<]+): (\d+)</title>', page)
    return [(unescape(title), int(count), unescape(href)) for href, title, count in found]


def chart(page, chart_id):
    """{label: count} of one chart."""
    svg = page.split(f'id="{chart_id}"', 1)[1].split("</svg>", 1)[0]
    return {label: count for label, count, _ in bars(svg)}


@pytest.mark.django_db
def test_each_bar_links_to_the_list_of_the_rows_it_counts(client, reviewer, register):
    client.force_login(reviewer)
    page = client.get("/").content.decode()
    found = bars(page)
    assert len(found) > 30
    checked = 0
    for label, count, href in found:
        listed = client.get(href)
        assert listed.status_code == 200, href
        assert listed.context["page"].paginator.count == count, (label, href)
        checked += bool(count)
    assert checked >= 12
    assert chart(page, "vendors-by-tier")["Tier 1 — critical"] == 2
    assert chart(page, "open-incidents") == {"Critical": 1, "High": 1, "Medium": 0, "Low": 0}
    assert chart(page, "findings-by-severity")["High"] == 1
    assert chart(page, "evidence-expiry") == {"Expired": 1, "Expiring within 30 days": 1}
    assert chart(page, "concentration") == {"Big Cloud": 2}
    assert chart(page, "top-categories") == {"Email address": 3}


@pytest.mark.django_db
def test_the_page_shows_the_same_figures_as_the_api(client, reviewer, register):
    figures = dashboard()
    client.force_login(reviewer)
    page = client.get("/").content.decode()
    assert chart(page, "vendors-by-tier")["Tier 2 — high"] == figures["vendors_by_tier"]["2"]
    assert chart(page, "reviews-due")["Overdue"] == figures["reviews"]["overdue"]
    assert "late-vendor" in page and len(figures["late_breach_notifications"]) == 1
    assert "sdk-2" in page  # a client-side SDK receiving personal data


@pytest.mark.django_db
def test_the_dashboard_runs_a_constant_number_of_queries(client, reviewer, register):
    client.force_login(reviewer)
    client.get("/")
    with CaptureQueriesContext(connection) as few:
        client.get("/")
    system = SystemFactory(slug="other-app")
    analytics_vendors_bulk(count=40, system=system, categories=[DataCategoryFactory(code="ip")], prefix="more")
    for _ in range(10):
        IncidentFactory(severity="medium")
        FindingFactory(severity="medium")
    with CaptureQueriesContext(connection) as many:
        client.get("/")
    assert len(many) == len(few)


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/vendors/", "/incidents/", "/findings/", "/evidence/"])
def test_lists_run_a_constant_number_of_queries(client, reviewer, register, path):
    client.force_login(reviewer)
    client.get(path)
    with CaptureQueriesContext(connection) as few:
        client.get(path)
    for _ in range(8):
        IncidentFactory()
        FindingFactory()
        DocumentFactory()
    with CaptureQueriesContext(connection) as many:
        client.get(path)
    assert len(many) == len(few)


@pytest.mark.django_db
def test_with_a_cache_the_page_says_how_old_its_figures_are(client, reviewer, register, settings):
    from django.core.cache import cache

    settings.DASHBOARD_CACHE_SECONDS = 60
    cache.clear()
    client.force_login(reviewer)
    first = client.get("/").content.decode()
    assert "Figures as of" in first and "refreshed at most every 60 s" in first
    with CaptureQueriesContext(connection) as cached:
        client.get("/")
    VendorFactory(tier=1)
    assert chart(client.get("/").content.decode(), "vendors-by-tier")["Tier 1 — critical"] == 2  # still cached
    cache.clear()
    assert chart(client.get("/").content.decode(), "vendors-by-tier")["Tier 1 — critical"] == 3
    assert len(cached) < 8  # the session and the user, not the aggregates
