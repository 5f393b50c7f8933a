"""No mass assignment: a write that carries workflow or audit fields (state, status, tier, requester, decider,
approver, timestamps) never changes them, on any write endpoint. The API refuses them (400) or ignores them;
either way the stored row keeps what the services set."""

import pytest

from apps.intake.models import IntakeRequest
from apps.reviews.models import Finding, Review, RiskException
from apps.vendors.models import Vendor
from tests.api.test_vendors import NEW_VENDOR
from tests.factories.reviews import ReviewFactory
from tests.factories.risk import VendorRequirementFactory
from tests.factories.vendors import VendorFactory
from tests.intake.conftest import answers, console, reference_data  # noqa: F401 - the intake tests' fixtures

LONG_AGO = "2001-01-01T00:00:00Z"
# One forged value per guarded field; "intruder" is a real user, so a refusal is not just "unknown user".
FORGED = {
    "state": "approved",
    "status": "active",
    "tier": 1,
    "computed_tier": 1,
    "requested_by": "intruder",
    "requester": "intruder",
    "decided_by": "intruder",
    "decided_at": LONG_AGO,
    "approver": "intruder",
    "approved_by": "intruder",
    "created_at": LONG_AGO,
    "updated_at": LONG_AGO,
}
GUARDED = {
    Review: ("state", "tier", "requested_by_id", "decided_by_id", "decided_at", "created_at"),
    Vendor: ("status", "tier", "computed_tier", "created_at"),
    IntakeRequest: ("status", "tier", "requester_id", "created_at"),
    Finding: ("status", "created_at"),
    RiskException: ("approved_by_id", "created_at"),
}


@pytest.fixture
def intruder(django_user_model):
    return django_user_model.objects.create_user("intruder", password="x")


def snapshot(instance):
    instance.refresh_from_db()
    return {name: getattr(instance, name) for name in GUARDED[type(instance)]}


@pytest.mark.parametrize("field", sorted(FORGED))
@pytest.mark.parametrize("method", ["put", "patch"])
def test_editing_a_review_never_moves_its_guarded_fields(api, reviewer, intruder, field, method):
    review = ReviewFactory(vendor=VendorFactory(tier=2), requested_by=reviewer, summary="Before")
    before = snapshot(review)
    response = getattr(api(reviewer), method)(
        f"/api/v1/reviews/{review.pk}/", {"summary": "After", field: FORGED[field]}, format="json"
    )
    assert response.status_code in (200, 400), response.content
    assert snapshot(review) == before


@pytest.mark.parametrize("field", sorted(FORGED))
@pytest.mark.parametrize("method", ["put", "patch"])
def test_editing_a_vendor_never_moves_its_guarded_fields(api, reviewer, intruder, field, method):
    vendor = VendorFactory(**{k: v for k, v in NEW_VENDOR.items() if k != "owner"}, status="proposed", tier=3)
    before = snapshot(vendor)
    payload = {**NEW_VENDOR, "legal_name": "Renamed Ltd", field: FORGED[field]}
    response = getattr(api(reviewer), method)(f"/api/v1/vendors/{vendor.slug}/", payload, format="json")
    assert response.status_code in (200, 400), response.content
    assert snapshot(vendor) == before


@pytest.mark.parametrize("field", sorted(FORGED))
def test_creating_never_takes_guarded_fields_from_the_payload(api, reviewer, buyer, intruder, answers, field):  # noqa: F811
    vendor = VendorFactory(slug="acme", status="onboarding", tier=2)
    review = ReviewFactory(vendor=vendor, requested_by=reviewer)
    requirement = VendorRequirementFactory(vendor=vendor)
    intake_answers = {name: value for name, value in answers.items() if name != "intent"}
    writes = [
        (reviewer, "/api/v1/vendors/", NEW_VENDOR, Vendor, {"status": "proposed", "tier": None}),
        (reviewer, "/api/v1/reviews/", {"vendor": "acme", "kind": "periodic"}, Review, {"state": "draft"}),
        (buyer, "/api/v1/intake-requests/", intake_answers, IntakeRequest, {"status": "draft"}),
        (reviewer, "/api/v1/findings/", {"review": review.pk, "title": "No MFA", "severity": "high"}, Finding, {}),
        (
            reviewer,
            "/api/v1/exceptions/",
            {
                "review": review.pk,
                "vendor_requirement": requirement.pk,
                "justification": "Pilot",
                "expires_on": "2099-01-01",
            },
            RiskException,
            {},
        ),
    ]
    for user, url, payload, model, expected in writes:
        existing = set(model.objects.values_list("pk", flat=True))
        response = api(user).post(url, {**payload, field: FORGED[field]}, format="json")
        assert response.status_code in (201, 400), (url, response.content)
        created = model.objects.exclude(pk__in=existing)
        if response.status_code == 400:
            assert not created.exists(), url
            continue
        row = created.get()
        for name, value in expected.items():
            assert getattr(row, name) == value, (url, name)
        for name in ("requested_by", "requester", "approved_by"):
            if hasattr(row, f"{name}_id"):
                assert getattr(row, name) == user, (url, name)
        assert row.created_at.year > 2001, url
        if model is Vendor:
            row.delete()  # the next field's POST reuses the slug
