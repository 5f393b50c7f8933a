"""Review, finding and exception writes over the API go through apps.reviews services: 400 names the field,
nothing is half-written, the wrong role gets 403."""

import datetime

import pytest
from django.utils import timezone

from apps.reviews.models import Finding, Review, RiskException
from tests.factories.incidents import IncidentFactory
from tests.factories.reviews import ReviewFactory
from tests.factories.risk import VendorRequirementFactory
from tests.factories.vendors import VendorFactory

TODAY = timezone.localdate()


@pytest.fixture
def review(reviewer):
    return ReviewFactory(vendor=VendorFactory(slug="acme", tier=2), requested_by=reviewer, summary="Before")


def test_patch_edits_summary_and_due_date_through_the_service(api, reviewer, review):
    due = (TODAY + datetime.timedelta(days=10)).isoformat()
    response = api(reviewer).patch(f"/api/v1/reviews/{review.pk}/", {"summary": "After", "due_on": due}, format="json")
    assert response.status_code == 200, response.json()
    review.refresh_from_db()
    assert (review.summary, review.due_on.isoformat()) == ("After", due)
    assert review.history.first().history_user == reviewer  # review_update records who


def test_a_due_date_in_the_past_is_400_and_nothing_changes(api, reviewer, review):
    response = api(reviewer).patch(
        f"/api/v1/reviews/{review.pk}/", {"summary": "After", "due_on": "2001-01-01"}, format="json"
    )
    assert response.status_code == 400 and "due_on" in response.json()
    review.refresh_from_db()
    assert review.summary == "Before"


def test_conditions_are_not_edited_over_the_api(api, reviewer, review):
    response = api(reviewer).patch(f"/api/v1/reviews/{review.pk}/", {"conditions": "None at all"}, format="json")
    assert response.status_code == 400 and "conditions" in response.json()


def test_opening_an_incident_review_needs_the_vendors_own_incident(api, reviewer, review):
    other_incident = IncidentFactory(vendor=VendorFactory(slug="other"), recorded_by=reviewer)
    missing = api(reviewer).post("/api/v1/reviews/", {"vendor": "acme", "kind": "incident"}, format="json")
    assert missing.status_code == 400 and "incident" in missing.json()
    elsewhere = api(reviewer).post(
        "/api/v1/reviews/", {"vendor": "acme", "kind": "incident", "incident": other_incident.slug}, format="json"
    )
    assert elsewhere.status_code == 400 and "incident" in elsewhere.json()
    assert Review.objects.count() == 1


def test_opening_a_review_answers_with_its_location(api, reviewer, review):
    response = api(reviewer).post("/api/v1/reviews/", {"vendor": "acme", "kind": "periodic"}, format="json")
    assert response.status_code == 201
    assert response["Location"].endswith(f"/api/v1/reviews/{response.json()['id']}/")
    assert (response.json()["state"], response.json()["requested_by"]) == ("draft", "reviewer")


def test_a_finding_due_in_the_past_is_400_and_nothing_is_raised(api, reviewer, review):
    payload = {"review": review.pk, "title": "No MFA", "severity": "high", "due_on": "2001-01-01"}
    response = api(reviewer).post("/api/v1/findings/", payload, format="json")
    assert response.status_code == 400 and "due_on" in response.json()
    assert not Finding.objects.exists()


def test_an_exception_for_another_vendors_requirement_is_400(api, reviewer, review):
    theirs = VendorRequirementFactory(vendor=VendorFactory(slug="other"))
    payload = {
        "review": review.pk,
        "vendor_requirement": theirs.pk,
        "justification": "Pilot for one quarter while the vendor completes its SOC 2 audit",
        "expires_on": (TODAY + datetime.timedelta(days=30)).isoformat(),
    }
    response = api(reviewer).post("/api/v1/exceptions/", payload, format="json")
    assert response.status_code == 400 and "vendor_requirement" in response.json()
    assert not RiskException.objects.exists()
    theirs.refresh_from_db()
    assert theirs.status == "not_met"


@pytest.mark.parametrize("role", ["buyer", "dashboard_user"])
def test_other_roles_cannot_write_reviews_findings_or_exceptions(api, request, review, role):
    user = request.getfixturevalue(role)
    client = api(user)
    assert client.post("/api/v1/reviews/", {"vendor": "acme", "kind": "periodic"}, format="json").status_code == 403
    finding = {"review": review.pk, "title": "No MFA", "severity": "high"}
    assert client.post("/api/v1/findings/", finding, format="json").status_code == 403
    assert client.post("/api/v1/exceptions/", {}, format="json").status_code == 403
    assert client.patch(f"/api/v1/reviews/{review.pk}/", {"summary": "X"}, format="json").status_code == 403
    assert (Review.objects.count(), Finding.objects.count()) == (1, 0)
