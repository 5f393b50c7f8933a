"""List columns are typed as people type them: one per line or comma-separated; countries from the ISO list."""

import pytest

from apps.datamap.models import DataFlow
from apps.vendors.models import Vendor
from tests.admin_forms import admin_post
from tests.factories.datamap import DataFlowFactory
from tests.factories.vendors import VendorFactory, VendorServiceFactory


@pytest.mark.django_db
def test_plain_text_lists_and_country_pickers_in_the_admin(client, reviewer):
    vendor = VendorFactory(slug="acme", domains=["acme.example"])
    flow = DataFlowFactory(service=VendorServiceFactory(vendor=vendor), vendor=vendor, data_subjects=["users"])
    client.force_login(reviewer)
    page = client.get(f"/admin/datamap/dataflow/{flow.pk}/change/").content.decode()
    assert "Enter a valid JSON" not in page and '<option value="FR">France (FR)</option>' in page

    response = admin_post(
        client,
        f"/admin/datamap/dataflow/{flow.pk}/change/",
        {"data_subjects": "customers\nprospects, customers", "processing_countries": ["FR", "DE"]},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    flow.refresh_from_db()
    assert (flow.data_subjects, flow.processing_countries) == (["customers", "prospects"], ["FR", "DE"])

    refused = admin_post(client, f"/admin/datamap/dataflow/{flow.pk}/change/", {"storage_countries": ["XX"]})
    assert refused.status_code == 200 and "Select a valid choice" in refused.content.decode()
    assert DataFlow.objects.get(pk=flow.pk).storage_countries == []

    assert (
        admin_post(
            client, f"/admin/vendors/vendor/{vendor.pk}/change/", {"domains": "acme.example, cdn.acme.example"}
        ).status_code
        == 302
    )
    assert Vendor.objects.get(pk=vendor.pk).domains == ["acme.example", "cdn.acme.example"]
