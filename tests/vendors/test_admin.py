"""The vendor admin as a security reviewer uses it: a changelist of constant cost, filters, read-only workflow
fields, and the history of who changed what."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.datamap.models import DataCategory
from apps.vendors.choices import VendorStatus
from apps.vendors.models import Vendor
from tests.factories.datamap import DataFlowFactory
from tests.factories.vendors import VendorFactory

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:vendors_vendor_changelist")


def vendors_with_flows(count):
    email, name = DataCategory.objects.get(code="email-address"), DataCategory.objects.get(code="name")
    for _ in range(count):
        DataFlowFactory(shared=[email, name], not_shared=[DataCategory.objects.get(code="api-key")])


def changelist_queries(client, rows):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(CHANGELIST)
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == rows
    return len(queries)


def test_vendor_changelist_runs_the_same_number_of_queries_with_5_and_50_rows(demo_data, client, reviewer):
    client.force_login(reviewer)
    vendors_with_flows(4)
    few = changelist_queries(client, 5)
    vendors_with_flows(45)
    many = changelist_queries(client, 50)
    assert few == many


def test_vendor_changelist_shows_systems_and_shared_categories(demo_data, client, reviewer):
    client.force_login(reviewer)
    page = client.get(CHANGELIST).content.decode()
    start = page.index('id="result_list"')
    table = page[start : page.index("</table>", start)]
    assert "API console front end" in table
    assert "Email address" in table
    assert "API keys" not in table  # explicitly not shared: never listed as received


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"receives": "contact"}, ["mixpanel"]),
        ({"receives": "email-address"}, ["mixpanel"]),
        ({"receives": "api-key"}, []),
        ({"mechanism": "client_side_sdk"}, ["mixpanel"]),
        ({"mechanism": "server_api"}, ["other"]),
        ({"status": "terminated", "q": "mixp"}, ["mixpanel"]),
        ({"status": "active", "q": "mixp"}, []),
        ({"q": "cdn.mxpnl.com"}, ["mixpanel"]),
    ],
)
def test_vendor_changelist_filters(demo_data, client, reviewer, query, expected):
    DataFlowFactory(service__vendor__slug="other")
    client.force_login(reviewer)
    response = client.get(CHANGELIST, query)
    assert response.status_code == 200
    assert [vendor.slug for vendor in response.context["cl"].result_list] == expected


def vendor_post_data(vendor, **changes):
    data = {
        "display_name": vendor.display_name,
        "legal_name": vendor.legal_name,
        "slug": vendor.slug,
        "category": vendor.category,
        "owner": "",
        "description": vendor.description,
        "website": vendor.website,
        "domains": "[]",
        "hq_country": vendor.hq_country,
        "tier_override": "",
        "tier_override_reason": "",
    }
    for prefix in ("services", "contracts", "documents", "contacts", "subprocessor_links"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    data.update(changes)
    return data


def test_reviewer_sees_in_the_history_who_changed_what(client, reviewer):
    vendor = VendorFactory(slug="acme", display_name="Acme", status=VendorStatus.PROPOSED)
    client.force_login(reviewer)
    change_url = reverse("admin:vendors_vendor_change", args=[vendor.pk])
    response = client.post(change_url, vendor_post_data(vendor, display_name="Acme Analytics"))
    assert response.status_code == 302, response.context["adminform"].form.errors
    history = client.get(reverse("admin:vendors_vendor_history", args=[vendor.pk]))
    page = history.content.decode()
    assert history.status_code == 200
    assert "reviewer" in page
    assert "Acme Analytics" in page
    assert vendor.history.latest().history_user == reviewer


def test_status_tiers_and_override_cannot_be_set_from_the_vendor_form(client, reviewer):
    # Overrides go through apps.risk.services.vendor_tier_override, which keeps the tier history.
    vendor = VendorFactory(slug="acme", status=VendorStatus.PROPOSED)
    client.force_login(reviewer)
    data = vendor_post_data(
        vendor, status="active", tier="1", computed_tier="1", tier_override="2", tier_override_reason="Runs payroll"
    )
    response = client.post(reverse("admin:vendors_vendor_change", args=[vendor.pk]), data)
    assert response.status_code == 302
    vendor.refresh_from_db()
    assert (vendor.status, vendor.tier, vendor.computed_tier) == (VendorStatus.PROPOSED, None, None)
    assert (vendor.tier_override, vendor.tier_override_reason) == (None, "")


def test_admin_form_shows_the_duplicate_slug_message(client, reviewer):
    VendorFactory(slug="mixpanel")
    client.force_login(reviewer)
    other = VendorFactory(slug="other")
    response = client.post(
        reverse("admin:vendors_vendor_change", args=[other.pk]), vendor_post_data(other, slug="mixpanel")
    )
    assert response.status_code == 200
    assert "A vendor with this slug already exists" in response.content.decode()
    assert Vendor.objects.filter(slug="other").exists()


def test_admin_shows_the_contract_dates_error_in_the_inline(client, reviewer):
    vendor = VendorFactory(slug="acme")
    client.force_login(reviewer)
    data = vendor_post_data(
        vendor,
        **{
            "contracts-TOTAL_FORMS": "1",
            "contracts-0-reference": "msa",
            "contracts-0-starts_on": "2025-01-01",
            "contracts-0-ends_on": "2024-12-31",
        },
    )
    response = client.post(reverse("admin:vendors_vendor_change", args=[vendor.pk]), data)
    assert response.status_code == 200
    assert "A contract cannot end before it starts." in response.content.decode()
    assert not vendor.contracts.exists()


@pytest.mark.parametrize("user_fixture", ["buyer", "dashboard_user"])
def test_other_roles_cannot_use_the_vendor_admin(client, request, user_fixture):
    client.force_login(request.getfixturevalue(user_fixture))
    response = client.get(CHANGELIST)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_subprocessor_can_only_support_the_vendors_own_services(client, reviewer):
    from tests.factories.vendors import VendorServiceFactory

    vendor = VendorFactory(slug="acme")
    own, foreign = VendorServiceFactory(vendor=vendor, name="Analytics"), VendorServiceFactory(name="Hosting")
    subprocessor = VendorFactory(slug="cloud")
    client.force_login(reviewer)
    url = reverse("admin:vendors_vendor_change", args=[vendor.pk])

    def post(service):
        data = vendor_post_data(vendor)
        data.update(
            {
                "services-TOTAL_FORMS": "1",
                "services-INITIAL_FORMS": "1",
                "services-0-id": own.pk,
                "services-0-vendor": vendor.pk,
                "services-0-slug": own.slug,
                "services-0-name": own.name,
                "services-0-business_criticality": own.business_criticality,
                "subprocessor_links-TOTAL_FORMS": "1",
                "subprocessor_links-0-subprocessor": subprocessor.pk,
                "subprocessor_links-0-services": [service.pk],
                "subprocessor_links-0-country": "IE",
            }
        )
        return client.post(url, data)

    response = post(foreign)
    assert response.status_code == 200
    assert "Only this vendor&#x27;s own services can be supported by its subprocessor" in response.content.decode()
    assert not vendor.subprocessor_links.exists()
    assert post(own).status_code == 302
    assert list(vendor.subprocessor_links.get().services.all()) == [own]
