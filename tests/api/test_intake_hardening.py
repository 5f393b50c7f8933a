"""Intake hardening over the API: the same re-checks and limits as the page, as 400 naming the field or 409."""

import pytest

from apps.datamap.models import DataFlow
from apps.reviews.models import Review
from tests.factories.vendors import VendorFactory
from tests.intake.conftest import answers, console, reference_data  # noqa: F401 - the intake tests' fixtures

URL = "/api/v1/intake-requests/"


@pytest.fixture
def acme(db):
    return VendorFactory(slug="acme", display_name="Acme", status="active")


@pytest.fixture
def existing_answers(answers, acme):  # noqa: F811
    payload = {name: value for name, value in answers.items() if name != "intent"}
    return {**payload, "vendor_choice": "existing", "existing_vendor_name": "Acme"}


def draft(client, payload):
    response = client.post(URL, payload, format="json")
    assert response.status_code == 201, response.json()
    return response.json()["id"]


def test_a_vendor_terminated_after_the_draft_is_400_and_nothing_written(api, buyer, acme, existing_answers):
    client = api(buyer)
    pk = draft(client, existing_answers)
    type(acme).objects.filter(pk=acme.pk).update(status="terminated")
    response = client.post(f"{URL}{pk}/submit/")
    assert response.status_code == 400
    assert "terminated" in response.json()["existing_vendor_name"][0]
    assert not DataFlow.objects.exists() and not Review.objects.exists()


def test_limits_are_409_with_their_code(api, buyer, settings, existing_answers):
    settings.INTAKE_MAX_OPEN_PER_BUYER, settings.INTAKE_MAX_SUBMITS_PER_DAY = 2, 1
    client = api(buyer)
    first, second = draft(client, existing_answers), draft(client, existing_answers)
    refused = client.post(URL, existing_answers, format="json")
    assert (refused.status_code, refused.json()["code"]) == (409, "too_many_open_requests")
    assert client.post(f"{URL}{first}/submit/").status_code == 200
    refused = client.post(f"{URL}{second}/submit/")
    assert (refused.status_code, refused.json()["code"]) == (409, "too_many_submits")


def test_submitting_the_same_request_again_adds_nothing(api, buyer, acme, existing_answers):
    client = api(buyer)
    for _ in range(3):
        assert client.post(f"{URL}{draft(client, existing_answers)}/submit/").status_code == 200
    assert DataFlow.objects.filter(vendor=acme).count() == 1
    assert Review.objects.filter(vendor=acme).count() == 1
