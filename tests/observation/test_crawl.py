"""Done-when #1: a crawl of a small loopback site confirms the declared flow and reports what it does not declare."""

import pytest

from apps.datamap.choices import Mechanism
from apps.datamap.models import DataCategory
from apps.observation import services
from apps.observation.choices import CrawlStatus, FindingKind, FindingSeverity, FindingStatus
from apps.observation.models import DriftFinding, ObservedRequest
from tests.factories.datamap import DataFlowFactory, SystemFactory
from tests.factories.vendors import VendorFactory, VendorServiceFactory
from tests.intake.conftest import load_reference_data

from .site import CANARY_EMAIL, CANARY_NAME, CANARY_USER_ID, tracked_site

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


def _register(site, tracker, reviewer):
    load_reference_data()
    system = SystemFactory(slug="console", name="Console")
    vendor = VendorFactory(slug="tracklytics", display_name="Tracklytics", domains=["127.0.0.2"])
    service = VendorServiceFactory(vendor=vendor, slug="product-analytics")
    category = DataCategory.objects.get
    flow = DataFlowFactory(
        code="console-to-tracklytics",
        system=system,
        service=service,
        mechanism=Mechanism.CLIENT_SIDE_SDK,
        shared=[category(code="account-identifiers"), category(code="page-views-clicks")],
        not_shared=[category(code="email-address")],
    )
    target = services.target_create(
        system=system,
        actor=reviewer,
        pages=[f"{site}/"],
        canary_name=CANARY_NAME,
        canary_email=CANARY_EMAIL,
        canary_user_ids=[CANARY_USER_ID],
    )
    return target, flow


def test_the_crawl_confirms_the_flow_and_reports_the_drift_once(reviewer):
    with tracked_site() as (site, tracker, unknown, logs):
        target, flow = _register(site, tracker, reviewer)
        first = services.observe_system(target=target)
        second = services.observe_system(target=target)

    assert first.status == CrawlStatus.COMPLETED, first.error
    assert first.summary["confirmed_flows"] == ["console-to-tracklytics"]
    findings = {(f.kind, f.category.code if f.category else f.origin) for f in DriftFinding.objects.all()}
    assert findings == {
        (FindingKind.UNDECLARED_CATEGORY, "email-address"),
        (FindingKind.UNDECLARED_VENDOR, unknown),
    }
    email = DriftFinding.objects.get(kind=FindingKind.UNDECLARED_CATEGORY)
    assert email.flow == flow and email.status == FindingStatus.OPEN
    assert email.severity == DataCategory.objects.get(code="email-address").sensitivity
    assert "not shared" in email.summary
    # The evidence names the request, the script that sent it and the page.
    assert email.evidence.origin == tracker
    assert email.evidence.initiator == f"{tracker}/sdk.js"
    assert email.evidence.page_url == f"{site}/"
    assert "$email" in email.evidence.body_keys
    assert DriftFinding.objects.get(kind=FindingKind.UNDECLARED_VENDOR).severity >= FindingSeverity.MEDIUM
    flow.refresh_from_db()
    assert flow.sighting.last_observed_at == second.finished_at

    # Run twice: the same findings, seen twice, none duplicated.
    assert second.summary["new_findings"] == []
    assert DriftFinding.objects.count() == 2
    assert set(DriftFinding.objects.values_list("times_seen", flat=True)) == {2}


def test_the_crawl_stores_no_observed_value(reviewer):
    with tracked_site() as (site, tracker, unknown, logs):
        target, _flow = _register(site, tracker, reviewer)
        services.observe_system(target=target)

    beacon = ObservedRequest.objects.get(origin=tracker, method="POST")
    assert {"email-address", "account-identifiers"} <= set(beacon.categories)
    assert beacon.query_keys == ["distinct_id"]
    stored = repr(list(ObservedRequest.objects.values())) + repr(list(DriftFinding.objects.values()))
    for value in (CANARY_EMAIL, CANARY_USER_ID, CANARY_NAME, "ada.canary"):
        assert value not in stored
    assert all(len(signal["hash"]) == 64 for signal in beacon.signals)


def test_no_test_data_reaches_a_third_party(reviewer):
    with tracked_site() as (site, tracker, unknown, logs):
        target, _flow = _register(site, tracker, reviewer)
        services.observe_system(target=target)

    # The vendor's script was fetched (the page runs as users see it); its beacon was recorded and never sent.
    assert logs["tracker"] == [("GET", "/sdk.js")]
    # The unknown origin received nothing at all: its pixel was recorded and aborted.
    assert logs["unknown"] == []
    assert ObservedRequest.objects.filter(origin=unknown, resource_type="image").exists()


def test_the_crawl_honours_its_request_budget(reviewer):
    with tracked_site() as (site, tracker, unknown, logs):
        target, _flow = _register(site, tracker, reviewer)
        services.target_update(target=target, actor=reviewer, max_requests=1)
        crawl = services.observe_system(target=target)

    assert crawl.status == CrawlStatus.BUDGET_EXHAUSTED
    assert crawl.requests_seen == 1
    assert [entry for log in logs.values() for entry in log] == [("GET", "/")]
