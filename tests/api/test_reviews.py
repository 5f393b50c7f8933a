"""Reviews over the API: opened and moved only through apps.reviews.services, refusals answered with 409."""

import datetime

import pytest

from apps.reviews.models import Review, ReviewTransition
from apps.risk.models import VendorRequirement
from tests.factories.reviews import ReviewFactory
from tests.factories.risk import BaselineFactory, SecurityRequirementFactory
from tests.factories.vendors import VendorFactory


@pytest.fixture
def vendor(db):
    vendor = VendorFactory(slug="acme", status="onboarding", tier=2)
    BaselineFactory(tier=2, version=1, requirements=[SecurityRequirementFactory(code="soc2")])
    return vendor


def post(client, review, action, payload=None):
    return client.post(f"/api/v1/reviews/{review['id']}/{action}/", payload or {}, format="json")


def open_review(api, user):
    response = api(user).post("/api/v1/reviews/", {"vendor": "acme", "kind": "periodic"}, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def test_the_whole_workflow_over_the_api(api, vendor, reviewer, second_reviewer):
    review = open_review(api, reviewer)
    assert (review["state"], review["requested_by"], review["tier"]) == ("draft", "reviewer", 2)
    assert post(api(reviewer), review, "submit").json()["state"] == "submitted"
    assert post(api(reviewer), review, "start", {"note": "Looking"}).json()["state"] == "in_review"

    refused = post(api(reviewer), review, "approve")
    assert refused.status_code == 409
    assert refused.json()["code"] == "approver_is_requester"

    unmet = post(api(second_reviewer), review, "approve")
    assert unmet.status_code == 409
    assert unmet.json()["code"] == "requirements_not_met"
    assert "soc2" in unmet.json()["detail"]
    assert Review.objects.get(pk=review["id"]).state == "in_review"

    VendorRequirement.objects.filter(vendor=vendor).update(status="met")
    approved = post(api(second_reviewer), review, "approve")
    assert approved.status_code == 200
    assert (approved.json()["state"], approved.json()["decided_by"]) == ("approved", "reviewer2")
    vendor.refresh_from_db()
    assert vendor.status == "active"

    history = api(reviewer).get(f"/api/v1/reviews/{review['id']}/transitions/").json()
    assert [(row["from_state"], row["to_state"]) for row in history["results"]] == [
        ("in_review", "approved"),
        ("submitted", "in_review"),
        ("draft", "submitted"),
    ]


def test_approve_with_conditions_needs_conditions(api, vendor, reviewer, second_reviewer):
    review = open_review(api, reviewer)
    post(api(reviewer), review, "submit")
    post(api(reviewer), review, "start")
    VendorRequirement.objects.filter(vendor=vendor).update(status="met")
    refused = post(api(second_reviewer), review, "approve-with-conditions")
    assert (refused.status_code, refused.json()["code"]) == (409, "conditions_required")
    done = post(api(second_reviewer), review, "approve-with-conditions", {"conditions": "Pseudonymise user IDs"})
    assert done.status_code == 200
    assert (done.json()["state"], done.json()["conditions"]) == ("approved_with_conditions", "Pseudonymise user IDs")


@pytest.mark.parametrize("action", ["start", "approve", "approve-with-conditions", "reject"])
def test_an_illegal_move_is_409_and_changes_nothing(api, vendor, reviewer, action):
    review = open_review(api, reviewer)
    response = post(api(reviewer), review, action)
    assert response.status_code == 409
    assert response.json()["code"] == "illegal_transition"
    assert Review.objects.get(pk=review["id"]).state == "draft"
    assert not ReviewTransition.objects.exists()


@pytest.mark.parametrize("role_fixture", ["dashboard_user", "buyer"])
@pytest.mark.parametrize("action", ["submit", "start", "approve", "approve-with-conditions", "reject"])
def test_only_security_reviewers_move_reviews(api, vendor, request, role_fixture, action):
    review = ReviewFactory(vendor=vendor)
    response = api(request.getfixturevalue(role_fixture)).post(f"/api/v1/reviews/{review.pk}/{action}/")
    assert response.status_code == 403
    review.refresh_from_db()
    assert review.state == "draft"


def test_state_and_decision_are_not_writable_by_put_or_patch(api, vendor, reviewer):
    review = open_review(api, reviewer)
    client = api(reviewer)
    url = f"/api/v1/reviews/{review['id']}/"
    for payload in ({"state": "approved"}, {"decided_by": "reviewer"}, {"requested_by": "reviewer2"}):
        response = client.patch(url, payload, format="json")
        assert response.status_code == 400
        assert set(response.json()) == set(payload)
    put = client.put(url, {**review, "state": "approved", "summary": "Sneaky"}, format="json")
    assert put.status_code == 400
    stored = Review.objects.get(pk=review["id"])
    assert (stored.state, stored.summary, stored.decided_by) == ("draft", "", None)

    edited = client.patch(url, {"summary": "Annual check", "due_on": "2026-12-31"}, format="json")
    assert edited.status_code == 200
    assert (edited.json()["summary"], edited.json()["state"]) == ("Annual check", "draft")


def test_opening_a_review_validates_and_writes_nothing_on_error(api, vendor, reviewer):
    client = api(reviewer)
    bad = client.post("/api/v1/reviews/", {"vendor": "nobody", "kind": "yearly"}, format="json")
    assert bad.status_code == 400
    assert set(bad.json()) == {"vendor", "kind"}
    # The service's own rule (an incident review needs its incident) comes back as a field error too.
    no_incident = client.post("/api/v1/reviews/", {"vendor": "acme", "kind": "incident"}, format="json")
    assert no_incident.status_code == 400
    assert "incident" in no_incident.json()
    assert not Review.objects.exists()


def test_reviews_filter_by_vendor_and_state(api, vendor, reviewer):
    ReviewFactory(vendor=vendor)
    ReviewFactory(vendor=VendorFactory(slug="other"))
    rows = api(reviewer).get("/api/v1/reviews/", {"vendor": "acme", "state": "draft"}).json()["results"]
    assert [row["vendor"] for row in rows] == ["acme"]


def test_reviewer_raises_and_moves_a_finding(api, vendor, reviewer):
    review = ReviewFactory(vendor=vendor)
    client = api(reviewer)
    response = client.post("/api/v1/findings/", {"review": review.pk, "title": "No SOC 2", "severity": "high"})
    assert response.status_code == 201, response.json()
    finding = response.json()
    assert (finding["vendor"], finding["status"]) == ("acme", "open")
    assert finding["due_on"] is not None  # the service sets it from the severity
    moved = client.post(f"/api/v1/findings/{finding['id']}/set-status/", {"status": "resolved"})
    assert (moved.status_code, moved.json()["status"]) == (200, "resolved")
    assert client.patch(f"/api/v1/findings/{finding['id']}/", {"status": "open"}).status_code == 405


def test_invalid_finding_is_400_and_not_saved(api, vendor, reviewer):
    from apps.reviews.models import Finding

    review = ReviewFactory(vendor=vendor)
    payload = {"review": review.pk, "title": "Late", "severity": "high", "due_on": "2001-01-01"}
    response = api(reviewer).post("/api/v1/findings/", payload)
    assert response.status_code == 400
    assert "due_on" in response.json()
    assert not Finding.objects.exists()


def test_reviewer_grants_an_exception_which_covers_the_requirement(api, vendor, reviewer, dashboard_user):
    from apps.reviews.models import RiskException

    review = ReviewFactory(vendor=vendor)
    standing = VendorRequirement.objects.create(vendor=vendor, requirement=SecurityRequirementFactory(code="pentest"))
    justification = "Pen test booked with an accredited firm for next quarter."
    payload = {"review": review.pk, "vendor_requirement": standing.pk, "justification": justification, "expires_on": ""}
    in_six_months = (datetime.date.today() + datetime.timedelta(days=180)).isoformat()
    bad = api(reviewer).post("/api/v1/exceptions/", payload)
    assert bad.status_code == 400 and "expires_on" in bad.json()
    assert api(dashboard_user).post("/api/v1/exceptions/", {**payload, "expires_on": in_six_months}).status_code == 403
    assert not RiskException.objects.exists()
    granted = api(reviewer).post("/api/v1/exceptions/", {**payload, "expires_on": in_six_months})
    assert granted.status_code == 201, granted.json()
    assert (granted.json()["approved_by"], granted.json()["requirement"]) == ("reviewer", "pentest")
    standing.refresh_from_db()
    assert standing.status == "exception"
