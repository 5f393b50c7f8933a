"""Every validation rule of the intake form, through the test client, as a buyer meets it."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.intake.choices import IntakeStatus
from apps.intake.models import IntakeRequest
from apps.vendors.models import Vendor
from tests.factories.vendors import VendorFactory

CREATE = reverse("intake:create")


@pytest.fixture
def buyer_client(client, buyer):
    client.force_login(buyer)
    return client


def post(client, data, url=CREATE):
    return client.post(url, data)


def field_errors(response, name):
    return response.context["form"].errors.get(name, [])


def summary_anchors(response):
    html = response.content.decode()
    summary = re.search(r'<div class="error-summary".*?</div>', html, re.S)
    assert summary, "the error summary is missing"
    return re.findall(r'href="#([^"]+)"', summary.group(0))


def assert_anchors_exist(response):
    html = response.content.decode()
    for anchor in summary_anchors(response):
        assert f'id="{anchor}"' in html, f"summary links to #{anchor}, which is not on the page"


REQUIRED_TO_SUBMIT = [
    "vendor_name",
    "vendor_website",
    "vendor_country",
    "vendor_category",
    "service_name",
    "service_description",
    "business_owner",
    "mechanism",
    "contract_starts_on",
    "data_subjects",
    "estimated_records",
]


@pytest.mark.parametrize("name", REQUIRED_TO_SUBMIT)
def test_submit_needs_each_required_answer(buyer_client, answers, name):
    answers.pop(name)
    response = post(buyer_client, answers)
    assert response.status_code == 200
    assert field_errors(response, name) == ["This field is required to submit the request."]
    assert not IntakeRequest.objects.exists()
    assert not Vendor.objects.exists()
    html = response.content.decode()
    anchor_id = f"id_{name}_0" if name == "mechanism" else f"id_{name}"
    assert anchor_id in summary_anchors(response)
    # The message sits next to its field and the field points at it.
    assert f'id="id_{name}_error"' in html
    assert re.search(rf'aria-describedby="[^"]*id_{name}_error[^"]*"', html)
    assert_anchors_exist(response)


def test_submit_needs_a_system(buyer_client, answers):
    answers.pop("systems")
    response = post(buyer_client, answers)
    assert field_errors(response, "systems") == ["Choose at least one system it will touch."]
    assert_anchors_exist(response)


def test_submit_needs_categories_or_no_data(buyer_client, answers):
    answers.pop("categories")
    response = post(buyer_client, answers)
    assert "or tick “none of our data”" in field_errors(response, "categories")[0]
    assert "categories-group" in summary_anchors(response)
    assert_anchors_exist(response)
    assert not IntakeRequest.objects.exists()


def test_categories_and_no_data_together_are_refused(buyer_client, answers):
    answers["no_data"] = "on"
    response = post(buyer_client, answers)
    assert "Untick one of them" in field_errors(response, "no_data")[0]
    assert not IntakeRequest.objects.exists()


def test_no_data_alone_is_enough_and_needs_no_subjects_or_records(buyer_client, answers):
    for name in ("categories", "data_subjects", "estimated_records"):
        answers.pop(name)
    answers["no_data"] = "on"
    response = post(buyer_client, answers)
    assert response.status_code == 302
    intake = IntakeRequest.objects.get()
    assert intake.status == IntakeStatus.SUBMITTED
    assert intake.no_data


def test_unknown_category_code_is_refused(buyer_client, answers):
    answers["categories"] = ["email-address", "not-a-category"]
    response = post(buyer_client, answers)
    assert "not-a-category" in field_errors(response, "categories")[0]


@pytest.mark.parametrize("website", ["not a url", "https://", "http://exa mple.com"])
def test_website_must_be_a_url(buyer_client, answers, website):
    answers["vendor_website"] = website
    response = post(buyer_client, answers)
    assert field_errors(response, "vendor_website") == ["Enter a valid URL."]


def test_website_without_scheme_is_taken_as_https(buyer_client, answers):
    answers["vendor_website"] = "pageview.example"
    post(buyer_client, answers)
    assert Vendor.objects.get(slug="pageview-analytics").website == "https://pageview.example"


@pytest.mark.parametrize("country", ["USA", "U1", "1"])
def test_country_must_be_two_letters(buyer_client, answers, country):
    answers["vendor_country"] = country
    response = post(buyer_client, answers)
    assert field_errors(response, "vendor_country")[0].startswith("Enter a two-letter country code")


@pytest.mark.parametrize(
    ("days", "message"),
    [(-366, "more than a year ago"), (2 * 365 + 1, "more than two years from now")],
)
def test_contract_start_must_be_sane(buyer_client, answers, days, message):
    answers["contract_starts_on"] = (timezone.localdate() + datetime.timedelta(days=days)).isoformat()
    response = post(buyer_client, answers)
    assert message in field_errors(response, "contract_starts_on")[0]


@pytest.mark.parametrize("days", [-365, 0, 2 * 365])
def test_contract_start_limits_are_inclusive(buyer_client, answers, days):
    answers["contract_starts_on"] = (timezone.localdate() + datetime.timedelta(days=days)).isoformat()
    assert post(buyer_client, answers).status_code == 302


def test_contract_start_must_be_a_date(buyer_client, answers):
    answers["contract_starts_on"] = "31/02/2026"
    response = post(buyer_client, answers)
    assert field_errors(response, "contract_starts_on") == ["Enter a valid date."]


def test_estimated_records_cannot_be_negative(buyer_client, answers):
    answers["estimated_records"] = "-1"
    response = post(buyer_client, answers)
    assert field_errors(response, "estimated_records") == ["Ensure this value is greater than or equal to 0."]


def test_estimated_records_may_be_zero(buyer_client, answers):
    answers["estimated_records"] = "0"
    assert post(buyer_client, answers).status_code == 302


def test_contract_value_cannot_be_negative(buyer_client, answers):
    answers["contract_value"] = "-5"
    response = post(buyer_client, answers)
    assert field_errors(response, "contract_value") == ["Ensure this value is greater than or equal to 0."]


@pytest.mark.parametrize("name", ["Mixpanel", "mixpanel", "  MIXPANEL "])
def test_new_vendor_name_clashing_with_a_vendor_slug_is_refused(buyer_client, answers, name):
    VendorFactory(slug="mixpanel", display_name="Mixpanel")
    answers["vendor_name"] = name
    response = post(buyer_client, answers)
    message = field_errors(response, "vendor_name")[0]
    assert "“Mixpanel” is already in the register under the identifier “mixpanel”" in message
    assert "Choose it as an existing vendor" in message
    assert Vendor.objects.count() == 1


def test_new_vendor_name_needs_a_letter_or_digit(buyer_client, answers):
    answers["vendor_name"] = "!!!"
    response = post(buyer_client, answers)
    assert field_errors(response, "vendor_name") == ["The name needs at least one letter or digit."]


def test_existing_vendor_needs_a_known_name(buyer_client, answers):
    answers["vendor_choice"] = "existing"
    answers["existing_vendor_name"] = "Nobody Inc"
    response = post(buyer_client, answers)
    assert field_errors(response, "existing_vendor_name") == ["No vendor called “Nobody Inc” is in the register."]


def test_existing_vendor_name_is_required_when_chosen(buyer_client, answers):
    answers["vendor_choice"] = "existing"
    response = post(buyer_client, answers)
    assert field_errors(response, "existing_vendor_name") == ["This field is required to submit the request."]


def test_terminated_vendor_cannot_be_picked(buyer_client, answers):
    VendorFactory(slug="oldco", display_name="OldCo", status="terminated")
    answers.update(vendor_choice="existing", existing_vendor_name="OldCo")
    response = post(buyer_client, answers)
    assert field_errors(response, "existing_vendor_name") == [
        "OldCo is terminated: no new service or data can be requested from it."
    ]


def test_vendor_cannot_replace_itself(buyer_client, answers):
    VendorFactory(slug="acme", display_name="Acme")
    answers.update(vendor_choice="existing", existing_vendor_name="Acme", replaces_vendor_name="acme")
    response = post(buyer_client, answers)
    assert field_errors(response, "replaces_vendor_name") == ["A vendor cannot replace itself."]


def test_a_draft_may_be_incomplete(buyer_client, buyer, reference_data):
    response = post(buyer_client, {"vendor_name": "Half Done", "intent": "draft"})
    intake = IntakeRequest.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("intake:edit", args=[intake.pk])
    assert (intake.requester, intake.status, intake.vendor_name) == (buyer, IntakeStatus.DRAFT, "Half Done")


def test_a_draft_must_still_be_well_formed(buyer_client, reference_data):
    response = post(buyer_client, {"vendor_website": "nope nope", "estimated_records": "-3", "intent": "draft"})
    assert field_errors(response, "vendor_website") == ["Enter a valid URL."]
    assert field_errors(response, "estimated_records")
    assert not IntakeRequest.objects.exists()


def test_workflow_fields_never_come_from_input(buyer_client, buyer, other_buyer, answers):
    answers.update(
        intent="draft", status="submitted", requester=str(other_buyer.pk), submitted_at="2020-01-01T00:00:00Z", tier="4"
    )
    post(buyer_client, answers)
    intake = IntakeRequest.objects.get()
    assert intake.requester == buyer
    assert intake.status == IntakeStatus.DRAFT
    assert intake.submitted_at is None
    assert intake.tier is None


def test_error_summary_is_focusable_and_titled(buyer_client, answers):
    answers.pop("service_name")
    html = post(buyer_client, answers).content.decode()
    assert re.search(r'<div class="error-summary"[^>]*tabindex="-1"', html)
    assert "<title>Error: " in html


def test_every_field_has_a_label(buyer_client, reference_data, console):
    html = buyer_client.get(CREATE).content.decode()
    input_ids = set(re.findall(r'<(?:input|select|textarea)[^>]*\bid="([^"]+)"', html))
    labelled = set(re.findall(r'<label[^>]*for="([^"]+)"', html))
    assert input_ids, "no inputs rendered"
    assert input_ids <= labelled, f"inputs without a label: {sorted(input_ids - labelled)}"
    assert "style=" not in html
    assert "<script>" not in html
