"""Every register page of issue 3 opens for a security reviewer on the demo data, with a bounded query count."""

import datetime

import pytest
from django.urls import reverse

from apps.datamap.models import DataCategory, DataFlow, System
from apps.vendors.models import Contract, Vendor
from tests.factories.vendors import ContractFactory, DocumentFactory

pytestmark = pytest.mark.django_db

PAGES = [
    ("vendors", "vendor", lambda: Vendor.objects.get(slug="mixpanel")),
    ("vendors", "contract", lambda: Contract.objects.get(reference="mixpanel-msa")),
    ("vendors", "document", lambda: DocumentFactory(vendor=Vendor.objects.get(slug="mixpanel"))),
    ("vendors", "vendorservice", lambda: Vendor.objects.get(slug="mixpanel").services.get()),
    ("datamap", "datacategory", lambda: DataCategory.objects.get(code="email-address")),
    ("datamap", "system", lambda: System.objects.get(slug="platform-openai-com")),
    ("datamap", "dataflow", lambda: DataFlow.objects.get(code="platform-console-to-mixpanel")),
]


@pytest.mark.parametrize(("app", "model", "get_object"), PAGES, ids=[f"{a}.{m}" for a, m, _ in PAGES])
def test_changelist_add_change_and_history_pages_open(demo_data, client, reviewer, app, model, get_object):
    obj = get_object()
    client.force_login(reviewer)
    for url in (
        reverse(f"admin:{app}_{model}_changelist"),
        reverse(f"admin:{app}_{model}_add"),
        reverse(f"admin:{app}_{model}_change", args=[obj.pk]),
        reverse(f"admin:{app}_{model}_history", args=[obj.pk]),
    ):
        assert client.get(url).status_code == 200, url


def test_mixpanel_change_page_shows_its_flow_and_read_only_status(demo_data, client, reviewer):
    client.force_login(reviewer)
    vendor = Vendor.objects.get(slug="mixpanel")
    response = client.get(reverse("admin:vendors_vendor_change", args=[vendor.pk]))
    page = response.content.decode()
    assert "API console front end — Script or SDK in our pages:" in page
    assert 'name="status"' not in page
    assert 'name="tier_override"' not in page


def test_the_contract_changelist_offers_the_years_its_contracts_start_in(client, reviewer):
    for year in (2021, 2024, 2024):
        ContractFactory(starts_on=datetime.date(year, 3, 1))
    client.force_login(reviewer)

    page = client.get(reverse("admin:vendors_contract_changelist")).content.decode()

    assert "?starts_on__year=2021" in page and "?starts_on__year=2024" in page
    assert "?starts_on__year=2022" not in page
