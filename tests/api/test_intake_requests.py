"""Intake requests over the API: a buyer's own drafts only, validated by the intake form, submitted by service."""

import pytest

from apps.intake.models import IntakeRequest
from apps.reviews.models import Review
from apps.vendors.models import Vendor
from tests.intake.conftest import answers, console, reference_data  # noqa: F401 - the intake tests' fixtures

URL = "/api/v1/intake-requests/"


@pytest.fixture
def api_answers(answers):  # noqa: F811
    return {name: value for name, value in answers.items() if name != "intent"}


def create_draft(api, user, payload):
    response = api(user).post(URL, payload, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def test_buyer_drafts_then_submits_and_the_register_follows(api, buyer, api_answers):
    draft = create_draft(api, buyer, api_answers)
    assert (draft["status"], draft["requester"], draft["vendor"]) == ("draft", "buyer", None)
    assert set(draft["categories"]) == {"email-address", "approximate-location"}
    response = api(buyer).post(f"{URL}{draft['id']}/submit/")
    assert response.status_code == 200, response.json()
    submitted = response.json()
    assert submitted["status"] == "submitted"
    assert submitted["vendor"] == "pageview-analytics"
    vendor = Vendor.objects.get(slug="pageview-analytics")
    assert submitted["tier"] == vendor.tier is not None
    assert Review.objects.get(pk=submitted["review"]).kind == "intake"

    again = api(buyer).post(f"{URL}{draft['id']}/submit/")
    assert (again.status_code, again.json()["code"]) == (409, "already_submitted")
    edit = api(buyer).patch(f"{URL}{draft['id']}/", {"service_name": "Renamed"}, format="json")
    assert (edit.status_code, edit.json()["code"]) == (409, "not_draft")


def test_a_draft_may_be_incomplete_but_submit_names_what_is_missing(api, buyer, reference_data, console):  # noqa: F811
    draft = create_draft(api, buyer, {"vendor_name": "Half Done"})
    response = api(buyer).post(f"{URL}{draft['id']}/submit/")
    assert response.status_code == 400
    assert {"mechanism", "systems"} <= set(response.json())
    assert IntakeRequest.objects.get(pk=draft["id"]).status == "draft"
    assert not Vendor.objects.exists()


def test_patch_changes_only_the_answers_sent(api, buyer, api_answers):
    draft = create_draft(api, buyer, api_answers)
    response = api(buyer).patch(f"{URL}{draft['id']}/", {"service_name": "Funnels"}, format="json")
    assert response.status_code == 200, response.json()
    stored = IntakeRequest.objects.get(pk=draft["id"])
    assert stored.service_name == "Funnels"
    assert stored.vendor_name == "Pageview Analytics"
    assert sorted(stored.categories.values_list("code", flat=True)) == ["approximate-location", "email-address"]


def test_invalid_answers_are_400_with_field_errors_and_nothing_saved(api, buyer, api_answers):
    payload = {**api_answers, "categories": ["no-such-category"], "vendor_country": "USA", "mechanism": "fax"}
    response = api(buyer).post(URL, payload, format="json")
    assert response.status_code == 400
    assert {"categories", "vendor_country", "mechanism"} <= set(response.json())
    assert not IntakeRequest.objects.exists()


@pytest.mark.parametrize("field", ["status", "requester", "vendor", "review", "tier", "submitted_at"])
def test_workflow_fields_are_not_writable(api, buyer, api_answers, field):
    response = api(buyer).post(URL, {**api_answers, field: "submitted"}, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not IntakeRequest.objects.exists()


def test_a_buyer_sees_only_their_own_requests(api, buyer, other_buyer, api_answers):
    mine = create_draft(api, buyer, api_answers)
    theirs = create_draft(api, other_buyer, {**api_answers, "vendor_name": "Other Analytics"})
    listed = api(buyer).get(URL).json()
    assert [row["id"] for row in listed["results"]] == [mine["id"]]
    assert api(buyer).get(f"{URL}{theirs['id']}/").status_code == 404
    assert api(buyer).patch(f"{URL}{theirs['id']}/", {"service_name": "x"}, format="json").status_code == 404
    assert api(buyer).post(f"{URL}{theirs['id']}/submit/").status_code == 404
    assert IntakeRequest.objects.get(pk=theirs["id"]).status == "draft"


def test_dashboard_and_reviewer_read_every_request_but_dashboard_cannot_write(
    api, buyer, dashboard_user, reviewer, api_answers
):
    create_draft(api, buyer, api_answers)
    assert api(dashboard_user).get(URL).json()["count"] == 1
    assert api(reviewer).get(URL).json()["count"] == 1
    assert api(dashboard_user).post(URL, api_answers, format="json").status_code == 403


def test_a_reviewer_cannot_submit_a_buyers_request(api, buyer, reviewer, api_answers):
    draft = create_draft(api, buyer, api_answers)
    assert api(reviewer).post(f"{URL}{draft['id']}/submit/").status_code == 403
    assert IntakeRequest.objects.get(pk=draft["id"]).status == "draft"


def test_unauthenticated_is_401(api, db):
    assert api().get(URL).status_code == 401
    assert api().post(URL, {}, format="json").status_code == 401
