"""Blast-radius filters on vendors and data flows: who receives this data, how, from where."""

import datetime

import pytest

from apps.datamap.models import DataCategory
from tests.factories.datamap import DataCategoryFactory, DataFlowFactory, SystemFactory
from tests.factories.vendors import VendorFactory, VendorServiceFactory


@pytest.fixture
def catalogue(db):
    contact = DataCategoryFactory(code="contact", sensitivity=2)
    secrets = DataCategoryFactory(code="authentication-secrets", sensitivity=4)
    return {
        "contact": contact,
        "email-address": DataCategoryFactory(code="email-address", parent=contact, sensitivity=2),
        "phone-number": DataCategoryFactory(code="phone-number", parent=contact, sensitivity=2),
        "api-key": DataCategoryFactory(code="api-key", parent=secrets, sensitivity=4, is_secret=True),
        "authentication-secrets": secrets,
    }


def flow_to(slug, *, mechanism="server_api", system=None, shared=(), not_shared=(), **fields):
    vendor = VendorFactory(slug=slug)
    service = VendorServiceFactory(vendor=vendor)
    return DataFlowFactory(
        service=service,
        mechanism=mechanism,
        system=system or SystemFactory(),
        shared=list(shared),
        not_shared=list(not_shared),
        **fields,
    )


def slugs(api, user, **params):
    response = api(user).get("/api/v1/vendors/", params)
    assert response.status_code == 200, response.json()
    return sorted(row["slug"] for row in response.json()["results"])


def test_category_includes_descendants_and_ignores_negative_assurances(api, reviewer, catalogue):
    flow_to("mailer", shared=[catalogue["email-address"]])
    flow_to("texter", shared=[catalogue["phone-number"]])
    flow_to("careful", shared=[catalogue["phone-number"]], not_shared=[catalogue["email-address"]])
    assert slugs(api, reviewer, data_category="email-address") == ["mailer"]
    assert slugs(api, reviewer, data_category="contact") == ["careful", "mailer", "texter"]


def test_category_and_mechanism_must_hold_on_the_same_flow(api, reviewer, catalogue):
    # Email by API, something else by SDK: not a vendor that gets email through a script in our pages.
    flow = flow_to("split", shared=[catalogue["email-address"]])
    DataFlowFactory(service=flow.service, mechanism="client_side_sdk", shared=[catalogue["phone-number"]])
    flow_to("sdk-mailer", mechanism="client_side_sdk", shared=[catalogue["email-address"]])
    assert slugs(api, reviewer, data_category="email-address", mechanism="client_side_sdk") == ["sdk-mailer"]


def test_a_vendor_with_many_matching_flows_is_listed_once(api, reviewer, catalogue):
    flow = flow_to("busy", shared=[catalogue["email-address"], catalogue["phone-number"]])
    DataFlowFactory(service=flow.service, shared=[catalogue["email-address"]])
    body = api(reviewer).get("/api/v1/vendors/", {"data_category": "contact"}).json()
    assert body["count"] == 1
    assert [row["slug"] for row in body["results"]] == ["busy"]


def test_ended_flows_count_unless_active_is_asked(api, reviewer, catalogue):
    # A vendor keeps what it received: after an incident, the ended flow is exactly the question.
    flow_to("former", shared=[catalogue["email-address"]], ends_on=datetime.date(2020, 1, 1))
    flow_to("current", shared=[catalogue["email-address"]])
    assert slugs(api, reviewer, data_category="email-address") == ["current", "former"]
    assert slugs(api, reviewer, data_category="email-address", active="true") == ["current"]


def test_min_sensitivity_system_country_tier_status_and_q(api, reviewer, catalogue):
    console = SystemFactory(slug="console")
    flow_to("keys", shared=[catalogue["api-key"]], system=console, processing_countries=["DE"])
    flow_to("mails", shared=[catalogue["email-address"]], storage_countries=["US"])
    VendorFactory(slug="irish", hq_country="IE", tier=2, status="proposed", description="Payroll in Dublin")
    assert slugs(api, reviewer, min_sensitivity=4) == ["keys"]
    assert slugs(api, reviewer, system="console") == ["keys"]
    assert slugs(api, reviewer, system_id=console.pk) == ["keys"]
    assert slugs(api, reviewer, country="de") == ["keys"]
    assert slugs(api, reviewer, country="IE") == ["irish"]
    assert slugs(api, reviewer, tier=2) == ["irish"]
    assert slugs(api, reviewer, status="proposed") == ["irish"]
    assert slugs(api, reviewer, q="dublin") == ["irish"]


def test_unknown_category_or_mechanism_is_400_naming_the_filter(api, reviewer, catalogue):
    response = api(reviewer).get("/api/v1/vendors/", {"data_category": "no-such-code", "mechanism": "pigeon"})
    assert response.status_code == 400
    assert set(response.json()) == {"data_category", "mechanism"}


def test_data_flow_filters_share_the_same_rules(api, reviewer, catalogue):
    flow_to("sdk-mailer", mechanism="client_side_sdk", shared=[catalogue["email-address"]])
    flow_to("careful", mechanism="client_side_sdk", not_shared=[catalogue["email-address"]])
    response = api(reviewer).get("/api/v1/data-flows/", {"data_category": "contact", "mechanism": "client_side_sdk"})
    rows = response.json()["results"]
    assert [row["vendor"] for row in rows] == ["sdk-mailer"]
    assert rows[0]["categories"] == [
        {"code": "email-address", "name": "Email address", "sensitivity": 2, "sharing": "shared", "note": ""}
    ]


def test_data_flow_list_shows_negative_assurances(api, reviewer, catalogue):
    flow_to("careful", shared=[catalogue["email-address"]], not_shared=[catalogue["api-key"]])
    row = api(reviewer).get("/api/v1/data-flows/", {"vendor": "careful"}).json()["results"][0]
    assert {c["code"]: c["sharing"] for c in row["categories"]} == {
        "email-address": "shared",
        "api-key": "not_shared",
    }


def test_data_categories_filter_by_subtree(api, reviewer, catalogue):
    rows = api(reviewer).get("/api/v1/data-categories/", {"within": "contact"}).json()["results"]
    assert sorted(row["code"] for row in rows) == ["contact", "email-address", "phone-number"]
    assert DataCategory.objects.count() == 5


def test_on_the_demo_data_mixpanel_receives_email_by_sdk_but_not_api_keys(api, dashboard_user, demo_data):
    assert "mixpanel" in slugs(api, dashboard_user, data_category="email-address", mechanism="client_side_sdk")
    assert "mixpanel" not in slugs(api, dashboard_user, data_category="api-key", mechanism="client_side_sdk")
    assert "mixpanel" not in slugs(api, dashboard_user, data_category="authentication-secrets")
    # The demo offboards Mixpanel: it holds what it received, but no flow runs today.
    assert "mixpanel" not in slugs(
        api, dashboard_user, data_category="email-address", mechanism="client_side_sdk", active="true"
    )
