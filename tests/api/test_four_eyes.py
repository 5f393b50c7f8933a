"""Four-eyes rules over the API: the same refusals as the service, as 409 and 400 naming the field."""

import datetime

import pytest
from django.utils import timezone

from apps.reviews.models import Review, RiskException
from apps.reviews.services import review_open, review_start, review_submit
from apps.risk.models import VendorRequirement
from tests.factories.risk import BaselineFactory, SecurityRequirementFactory
from tests.factories.vendors import VendorFactory

JUSTIFICATION = "SOC 2 type II audit window closes in May; bridge letter received."


@pytest.fixture
def review(db, buyer, reviewer):
    vendor = VendorFactory(slug="acme", status="onboarding", tier=2)
    BaselineFactory(tier=2, version=1, requirements=[SecurityRequirementFactory(code="soc2")])
    review = review_open(vendor=vendor, kind="intake", requested_by=buyer)
    review_submit(review=review, actor=buyer)
    review_start(review=review, actor=reviewer)
    return review


def grant(client, review, **overrides):
    standing = VendorRequirement.objects.get(vendor=review.vendor, requirement__code="soc2")
    payload = {
        "review": review.pk,
        "vendor_requirement": standing.pk,
        "justification": JUSTIFICATION,
        "expires_on": (timezone.localdate() + datetime.timedelta(days=90)).isoformat(),
        **overrides,
    }
    return client.post("/api/v1/exceptions/", payload, format="json")


def test_the_grantor_cannot_approve_alone_but_a_second_reviewer_can(api, review, reviewer, second_reviewer):
    assert grant(api(reviewer), review).status_code == 201
    refused = api(reviewer).post(f"/api/v1/reviews/{review.pk}/approve/", {}, format="json")
    assert refused.status_code == 409
    assert refused.json()["code"] == "approver_granted_exception"
    assert "soc2" in refused.json()["detail"]
    conditions = {"conditions": "Bridge letter renewed"}
    refused = api(reviewer).post(f"/api/v1/reviews/{review.pk}/approve-with-conditions/", conditions, format="json")
    assert (refused.status_code, refused.json()["code"]) == (409, "approver_granted_exception")
    assert Review.objects.get(pk=review.pk).state == "in_review"

    approved = api(second_reviewer).post(f"/api/v1/reviews/{review.pk}/approve/", {}, format="json")
    assert (approved.status_code, approved.json()["decided_by"]) == (200, "reviewer2")


@pytest.mark.parametrize(
    ("field", "overrides"),
    [("justification", {"justification": "."}), ("expires_on", {"expires_on": "9999-12-31"})],
)
def test_a_token_or_open_ended_exception_is_400_naming_the_field(api, review, reviewer, field, overrides):
    response = grant(api(reviewer), review, **overrides)
    assert response.status_code == 400
    assert field in response.json()
    assert not RiskException.objects.exists()
    assert VendorRequirement.objects.get(vendor=review.vendor).status != "exception"
