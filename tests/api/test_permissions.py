"""Who may do what, per endpoint and role: 401 without credentials, 403 for the wrong role."""

import pytest

from apps.vendors.models import Vendor
from tests.factories.reviews import ReviewFactory
from tests.factories.vendors import VendorFactory

from .test_query_counts import LIST_ENDPOINTS as ALL_LISTS

LIST_ENDPOINTS = [url for url in ALL_LISTS if "{" not in url]

# Procurement reads vendor names and its own intake requests (tests/api/test_intake_requests.py), nothing else.
REGISTER_LISTS = [url for url in LIST_ENDPOINTS if url not in ("/api/v1/vendors/", "/api/v1/intake-requests/")]


@pytest.fixture
def register(db):
    """Enough rows for the role checks (the full register of conftest is for the query counts)."""
    vendors = [VendorFactory(slug=f"vendor-{i}", display_name=f"Vendor {i}") for i in range(3)]
    ReviewFactory(vendor=vendors[0])
    return vendors


@pytest.mark.parametrize("url", LIST_ENDPOINTS)
def test_unauthenticated_is_401(api, register, url):
    assert api().get(url).status_code == 401


@pytest.mark.parametrize("url", LIST_ENDPOINTS)
def test_dashboard_and_reviewer_read_every_list(api, register, dashboard_user, reviewer, url):
    assert api(dashboard_user).get(url).status_code == 200
    assert api(reviewer).get(url).status_code == 200


@pytest.mark.parametrize("url", REGISTER_LISTS)
def test_procurement_reads_nothing_but_vendor_names(api, register, buyer, url):
    assert api(buyer).get(url).status_code == 403


def test_procurement_sees_vendor_names_and_statuses_only(api, register, buyer):
    response = api(buyer).get("/api/v1/vendors/")
    assert response.status_code == 200
    rows = response.json()["results"]
    assert len(rows) == 3
    assert all(set(row) == {"slug", "display_name", "status"} for row in rows)
    detail = api(buyer).get("/api/v1/vendors/vendor-1/").json()
    assert detail == {"slug": "vendor-1", "display_name": "Vendor 1", "status": "active"}


def test_procurement_cannot_ask_blast_radius_questions(api, buyer, reviewer):
    from tests.factories.datamap import DataCategoryFactory, DataFlowFactory

    DataFlowFactory(shared=[DataCategoryFactory(code="email-address")])
    DataFlowFactory(shared=[DataCategoryFactory(code="api-key")])
    # The data map is not procurement's to read: flow-level filters are not offered to it, so they do nothing.
    everyone = api(buyer).get("/api/v1/vendors/").json()["count"]
    filtered = api(buyer).get("/api/v1/vendors/", {"data_category": "api-key"}).json()["count"]
    assert everyone == filtered == 2
    assert api(reviewer).get("/api/v1/vendors/", {"data_category": "api-key"}).json()["count"] == 1


@pytest.mark.parametrize(
    "url",
    ["/api/v1/vendors/vendor-1/report/", "/api/v1/vendors/vendor-1/tier-changes/", "/api/v1/dashboard/"],
)
def test_procurement_is_403_on_reports_history_and_dashboard(api, register, buyer, url):
    assert api(buyer).get(url).status_code == 403


@pytest.mark.parametrize("role_fixture", ["dashboard_user", "buyer"])
@pytest.mark.parametrize(
    ("method", "url", "payload"),
    [
        ("post", "/api/v1/vendors/", {"slug": "new", "legal_name": "New", "display_name": "New", "category": "crm"}),
        ("patch", "/api/v1/vendors/vendor-1/", {"display_name": "Renamed"}),
        ("post", "/api/v1/systems/", {"slug": "new", "name": "New"}),
        ("patch", "/api/v1/reviews/{review}/", {"summary": "Changed"}),
    ],
)
def test_dashboard_and_procurement_cannot_write(api, register, request, role_fixture, method, url, payload):
    from apps.reviews.models import Review

    user = request.getfixturevalue(role_fixture)
    url = url.format(review=Review.objects.first().pk)
    response = getattr(api(user), method)(url, payload, format="json")
    assert response.status_code == 403
    assert not Vendor.objects.filter(slug="new").exists()
    assert not Vendor.objects.filter(display_name="Renamed").exists()


def test_unknown_vendor_is_404_for_every_role(api, buyer, dashboard_user, reviewer):
    VendorFactory(slug="known")
    for user in (buyer, dashboard_user, reviewer):
        assert api(user).get("/api/v1/vendors/unknown/").status_code == 404


def test_a_user_without_a_role_is_403(api, register, db):
    from tests.factories.accounts import UserFactory

    nobody = UserFactory(username="nobody")
    assert api(nobody).get("/api/v1/vendors/").status_code == 403
    assert api(nobody).get("/api/v1/dashboard/").status_code == 403
