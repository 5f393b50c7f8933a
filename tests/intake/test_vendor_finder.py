"""The intake form's vendor finder: a search endpoint instead of every vendor's name in the page.

The form's size and query count must not grow with the register; the names come from /intake/vendors/search/
(the typeahead) or, without JavaScript, from the form posted with "Search the register".
"""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.intake.models import IntakeRequest
from apps.vendors.choices import VendorStatus
from tests.factories.vendors import VendorFactory

pytestmark = pytest.mark.django_db
FORM = reverse("intake:create")
SEARCH = reverse("intake:vendor-search")


def form_size_and_queries(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(FORM)
    assert response.status_code == 200
    return len(response.content), len(queries)


def vendors_named(prefix, count):
    # Names of one length, so that the page could only grow by listing them, not by their length.
    return [VendorFactory(display_name=f"{prefix} {i:04d}", slug=f"{prefix.lower()}-{i:04d}") for i in range(count)]


def test_the_form_stays_the_same_size_with_10_and_200_vendors(client, buyer, reference_data):
    client.force_login(buyer)
    vendors_named("Acme", 10)
    small_bytes, small_queries = form_size_and_queries(client)
    vendors_named("Bolt", 190)
    large_bytes, large_queries = form_size_and_queries(client)
    assert large_queries == small_queries
    # The form token (a UUID) is the only thing that differs between two renders.
    assert abs(large_bytes - small_bytes) <= 8
    assert "Bolt 0001" not in client.get(FORM).content.decode()


def test_search_answers_matching_names_starting_ones_first_and_at_most_20(client, buyer):
    client.force_login(buyer)
    VendorFactory(display_name="Northwind Mail")
    VendorFactory(display_name="Mailgun")
    VendorFactory(display_name="Stripe")
    vendors_named("Mailer", 25)
    body = client.get(SEARCH, {"q": "mail"}).json()
    assert body["query"] == "mail"
    assert len(body["vendors"]) == 20
    assert body["vendors"][0] == "Mailer 0000"
    assert "Stripe" not in body["vendors"]
    assert client.get(SEARCH, {"q": "northwind"}).json()["vendors"] == ["Northwind Mail"]


def test_search_leaves_out_terminated_vendors_and_answers_nothing_to_an_empty_query(client, buyer):
    client.force_login(buyer)
    VendorFactory(display_name="Gone Ltd", status=VendorStatus.TERMINATED)
    VendorFactory(display_name="Gonzo Ltd")
    assert client.get(SEARCH, {"q": "gon"}).json()["vendors"] == ["Gonzo Ltd"]
    assert client.get(SEARCH, {"q": "  "}).json()["vendors"] == []


def test_search_is_procurements_door_only(client, dashboard_user):
    assert client.get(SEARCH, {"q": "a"}).status_code == 302  # signed out: to the login page
    client.force_login(dashboard_user)
    assert client.get(SEARCH, {"q": "a"}).status_code == 403


def test_without_javascript_the_search_button_shows_the_form_again_with_the_matches(client, buyer, reference_data):
    client.force_login(buyer)
    VendorFactory(display_name="Mailgun")
    VendorFactory(display_name="Stripe")
    response = client.post(
        FORM,
        {
            "vendor_choice": "existing",
            "existing_vendor_name": "mail",
            "service_name": "Transactional email",
            "find_vendor": "existing_vendor_name",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert '<option value="Mailgun">' in page
    assert "Stripe" not in page
    assert 'value="Transactional email"' in page  # what the buyer typed is kept
    assert "There is a problem" not in page  # a search is not a save: no errors for a half-filled form
    assert not IntakeRequest.objects.exists()


def test_a_search_with_no_match_says_so(client, buyer, reference_data):
    client.force_login(buyer)
    VendorFactory(display_name="Stripe")
    response = client.post(FORM, {"replaces_vendor_name": "zzz", "find_vendor": "replaces_vendor_name"})
    assert "No vendor in the register matches “zzz”." in response.content.decode()


def test_enter_in_a_field_saves_a_draft_rather_than_searching(client, buyer, reference_data):
    """Implicit submission presses the form's first submit button: it must be "Save draft", not a finder's."""
    client.force_login(buyer)
    page = client.get(FORM).content.decode()
    form = page[page.index('id="intake-form"') :]
    first_submit = re.search(r'<button type="submit"[^>]*>', form).group(0)
    assert 'name="intent" value="draft"' in first_submit
