"""GET /api/v1/dashboard/: headline figures computed by the database, in a constant number of queries."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.datamap.models import DataCategory
from apps.reviews.models import Review
from apps.vendors.models import Vendor
from tests.factories.datamap import DataCategoryFactory, DataFlowFactory
from tests.factories.incidents import IncidentFactory
from tests.factories.reviews import ReviewFactory
from tests.factories.risk import BaselineFactory, VendorRequirementFactory
from tests.factories.vendors import ContractFactory, VendorFactory, VendorServiceFactory

from .conftest import add_vendor_with_everything

NOW = timezone.now()


def approved(vendor, days_ago):
    review = ReviewFactory(vendor=vendor)
    # Test set-up only: the workflow's own tests move reviews through the services.
    Review.objects.filter(pk=review.pk).update(state="approved", decided_at=NOW - datetime.timedelta(days=days_ago))


def get_dashboard(api, user):
    response = api(user).get("/api/v1/dashboard/")
    assert response.status_code == 200
    return response.json()


def test_vendor_counts_and_requirement_compliance(api, dashboard_user):
    first = VendorFactory(tier=1, status="active")
    VendorFactory(tier=1, status="under_review")
    VendorFactory(tier=3, status="proposed")
    VendorFactory(tier=None, status="proposed")
    for status in ("met", "met", "exception", "not_met"):
        VendorRequirementFactory(vendor=first, status=status)
    body = get_dashboard(api, dashboard_user)
    assert body["vendors_by_tier"] == {"1": 2, "3": 1, "none": 1}
    assert body["vendors_by_status"] == {"active": 1, "under_review": 1, "proposed": 2}
    tier_one = body["requirement_compliance_by_tier"]["1"]
    assert (tier_one["total"], tier_one["met"], tier_one["exception"], tier_one["not_met"]) == (4, 2, 1, 1)
    assert tier_one["compliance_percent"] == 75.0


def test_reviews_overdue_and_due_within_30_days_follow_the_tier_cadence(api, dashboard_user):
    BaselineFactory(tier=1, version=1, review_cadence_months=12)
    BaselineFactory(tier=4, version=1, review_cadence_months=36)
    approved(VendorFactory(tier=1), days_ago=400)  # overdue
    approved(VendorFactory(tier=1), days_ago=350)  # due within 30 days
    approved(VendorFactory(tier=1), days_ago=10)  # fine
    never = VendorFactory(tier=1)  # never approved, onboarded 400 days ago: overdue
    Vendor.objects.filter(pk=never.pk).update(created_at=NOW - datetime.timedelta(days=400))
    VendorFactory(tier=1)  # never approved, onboarded today: not due for a year
    approved(VendorFactory(tier=4), days_ago=400)  # fine: every three years
    approved(VendorFactory(tier=1, status="terminated"), days_ago=900)  # not in service: not counted
    reviews = get_dashboard(api, dashboard_user)["reviews"]
    assert (reviews["overdue"], reviews["due_within_30_days"]) == (2, 1)
    assert reviews["by_tier"]["1"] == {"overdue": 2, "due_within_30_days": 1}
    assert reviews["by_tier"]["4"] == {"overdue": 0, "due_within_30_days": 0}


def test_open_incidents_by_severity(api, dashboard_user):
    IncidentFactory(severity="high")
    IncidentFactory(severity="high", status="closed")
    IncidentFactory(severity="low", status="investigating")
    assert get_dashboard(api, dashboard_user)["open_incidents_by_severity"] == {
        "low": 1,
        "medium": 0,
        "high": 1,
        "critical": 0,
    }


def test_vendors_late_on_breach_notification_against_their_contract(api, dashboard_user):
    detected = datetime.datetime(2025, 11, 9, tzinfo=datetime.UTC)
    late, on_time, silent, waiting = (VendorFactory(slug=s) for s in ("late", "on-time", "silent", "waiting"))
    ContractFactory(vendor=late, breach_notification_hours=72)
    ContractFactory(vendor=on_time, breach_notification_hours=72)
    ContractFactory(vendor=silent, breach_notification_hours=None)
    ContractFactory(vendor=waiting, breach_notification_hours=24)
    hours = datetime.timedelta(hours=1)
    IncidentFactory(slug="late-1", vendor=late, vendor_detected_at=detected, vendor_notified_at=detected + 100 * hours)
    IncidentFactory(vendor=on_time, vendor_detected_at=detected, vendor_notified_at=detected + 24 * hours)
    IncidentFactory(vendor=silent, vendor_detected_at=detected, vendor_notified_at=detected + 900 * hours)
    IncidentFactory(slug="waiting-1", vendor=waiting, vendor_detected_at=detected, vendor_notified_at=None)
    rows = {row["incident"]: row for row in get_dashboard(api, dashboard_user)["late_breach_notifications"]}
    assert set(rows) == {"late-1", "waiting-1"}
    assert {key: rows["late-1"][key] for key in ("vendor", "clause_hours", "delay_hours", "still_waiting")} == {
        "vendor": "late",
        "clause_hours": 72,
        "delay_hours": 100.0,
        "still_waiting": False,
    }
    assert rows["waiting-1"]["still_waiting"] is True


def test_top_categories_and_client_side_vendors_with_personal_data(api, dashboard_user):
    email = DataCategoryFactory(code="email-address")
    key = DataCategoryFactory(code="api-key", is_personal_data=False, is_secret=True)
    sdk = VendorFactory(slug="sdk")
    DataFlowFactory(service=VendorServiceFactory(vendor=sdk), mechanism="client_side_sdk", shared=[email])
    DataFlowFactory(service=VendorServiceFactory(vendor=VendorFactory(slug="server")), shared=[email, key])
    DataFlowFactory(
        service=VendorServiceFactory(vendor=VendorFactory(slug="keys-only")), mechanism="client_side_sdk", shared=[key]
    )
    DataFlowFactory(service=VendorServiceFactory(vendor=VendorFactory(slug="third")), shared=[email])
    body = get_dashboard(api, dashboard_user)
    assert body["top_received_categories"] == [
        {"code": "email-address", "name": email.name, "vendors": 3},
        {"code": "api-key", "name": key.name, "vendors": 2},
    ]
    assert [row["slug"] for row in body["client_side_vendors_with_personal_data"]] == ["sdk"]


def test_top_categories_count_each_vendor_once_and_only_shared_rows_of_running_flows(api, dashboard_user):
    email = DataCategoryFactory(code="email-address")
    phone = DataCategoryFactory(code="phone-number")
    twice = VendorServiceFactory(vendor=VendorFactory(slug="twice"))
    DataFlowFactory(service=twice, shared=[email])
    DataFlowFactory(service=twice, shared=[email, phone])  # the same vendor through a second flow: still one
    ended = datetime.date.today() - datetime.timedelta(days=1)
    DataFlowFactory(service=VendorServiceFactory(vendor=VendorFactory(slug="ended")), shared=[email], ends_on=ended)
    DataFlowFactory(service=VendorServiceFactory(vendor=VendorFactory(slug="refused")), not_shared=[phone])
    body = get_dashboard(api, dashboard_user)
    assert body["top_received_categories"] == [
        {"code": "email-address", "name": email.name, "vendors": 1},
        {"code": "phone-number", "name": phone.name, "vendors": 1},
    ]


def test_on_the_demo_data_mixpanel_is_late_and_no_longer_in_our_pages(api, dashboard_user, demo_data):
    body = get_dashboard(api, dashboard_user)
    late = {row["incident"]: row for row in body["late_breach_notifications"]}
    assert late["mixpanel-2025-11"]["clause_hours"] == 72
    assert late["mixpanel-2025-11"]["delay_hours"] > 72
    # The demo offboards Mixpanel (its flow ended 2025-11-26): the list shows who still runs in our pages.
    assert "mixpanel" not in [row["slug"] for row in body["client_side_vendors_with_personal_data"]]
    assert body["vendors_by_status"]["terminated"] >= 1


def test_dashboard_queries_do_not_grow_with_the_register(api, dashboard_user, reviewer, register):
    client = api(dashboard_user)
    client.get("/api/v1/dashboard/")
    with CaptureQueriesContext(connection) as before:
        client.get("/api/v1/dashboard/")
    contact, secret = DataCategory.objects.get(code="email-address"), DataCategory.objects.get(code="api-key")
    for index in range(3, 6):
        add_vendor_with_everything(index, reviewer=reviewer, contact=contact, secret=secret)
    with CaptureQueriesContext(connection) as after:
        client.get("/api/v1/dashboard/")
    assert len(before) == len(after)


def test_top_categories_are_right_straight_after_a_write_whatever_the_cache_setting(api, dashboard_user, settings):
    settings.DASHBOARD_CACHE_SECONDS = 60
    email = DataCategoryFactory(code="email-address")
    DataFlowFactory(service=VendorServiceFactory(vendor=VendorFactory(slug="first")), shared=[email])
    assert get_dashboard(api, dashboard_user)["top_received_categories"][0]["vendors"] == 1
    DataFlowFactory(service=VendorServiceFactory(vendor=VendorFactory(slug="second")), shared=[email])
    # Summary rows, not a cache: the next request already counts the second vendor.
    assert get_dashboard(api, dashboard_user)["top_received_categories"][0]["vendors"] == 2


def test_the_client_side_list_is_bounded_with_its_total_and_the_schema_says_so(api, dashboard_user, reviewer):
    email = DataCategoryFactory(code="email-address", is_personal_data=True)
    for index in range(12):
        vendor = VendorFactory(slug=f"sdk-{index:02d}", display_name=f"SDK {index:02d}")
        DataFlowFactory(service=VendorServiceFactory(vendor=vendor), mechanism="client_side_sdk", shared=[email])
    DataFlowFactory(service=VendorServiceFactory(vendor=VendorFactory(slug="server")), shared=[email])
    body = get_dashboard(api, dashboard_user)
    assert [row["slug"] for row in body["client_side_vendors_with_personal_data"]] == [
        f"sdk-{index:02d}" for index in range(10)
    ]
    assert body["client_side_vendors_with_personal_data_total"] == 12
    assert body["late_breach_notifications_total"] == len(body["late_breach_notifications"]) == 0
    schema = api(reviewer).get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    fields = schema["components"]["schemas"]["Dashboard"]["properties"]
    for key in ("client_side_vendors_with_personal_data_total", "late_breach_notifications_total"):
        assert fields[key]["type"] == "integer"
    assert "bounded" in fields["client_side_vendors_with_personal_data"]["description"]


def test_the_late_total_counts_every_late_incident_beyond_the_listed_ten(api, dashboard_user):
    detected = datetime.datetime(2025, 11, 9, tzinfo=datetime.UTC)
    for index in range(12):
        vendor = VendorFactory(slug=f"late-{index:02d}")
        ContractFactory(vendor=vendor, breach_notification_hours=24)
        IncidentFactory(
            slug=f"late-{index:02d}-incident",
            vendor=vendor,
            vendor_detected_at=detected + datetime.timedelta(days=index),
            vendor_notified_at=detected + datetime.timedelta(days=index, hours=30),
        )
    on_time = VendorFactory(slug="on-time")
    ContractFactory(vendor=on_time, breach_notification_hours=24)
    IncidentFactory(vendor=on_time, vendor_detected_at=detected, vendor_notified_at=detected)
    body = get_dashboard(api, dashboard_user)
    # The ten most recently detected are listed; the total still counts all twelve (and not the one on time).
    assert [row["incident"] for row in body["late_breach_notifications"]] == [
        f"late-{index:02d}-incident" for index in range(11, 1, -1)
    ]
    assert body["late_breach_notifications_total"] == 12
