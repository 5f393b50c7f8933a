"""Admin writes go through the services: one tier recompute per flow save, refusals shown, nothing written."""

import pytest
from django.urls import reverse

from apps.datamap.choices import Sharing
from apps.datamap.models import DataFlow, DataFlowCategory
from apps.vendors.models import Document, Subprocessor
from tests.datamap.test_admin import post_flow
from tests.factories.datamap import DataFlowFactory
from tests.factories.vendors import DocumentFactory, VendorFactory, VendorServiceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def recomputes(monkeypatch):
    from apps.register import handlers

    calls = []
    real = handlers.tiers_recompute_all

    def counting(**kwargs):
        calls.extend(sorted(set(kwargs["vendor_ids"])))  # each vendor recomputed once per call
        return real(**kwargs)

    monkeypatch.setattr(handlers, "tiers_recompute_all", counting)
    return calls


def test_one_admin_flow_save_with_many_rows_recomputes_the_tier_once(demo_data, client, reviewer, recomputes):
    flow = DataFlowFactory()
    client.force_login(reviewer)
    rows = [("email-address", Sharing.SHARED), ("ip-address", Sharing.SHARED), ("password", Sharing.NOT_SHARED)]
    response = post_flow(client, flow, rows)
    assert response.status_code == 302
    assert DataFlowCategory.objects.filter(flow=flow).count() == 3
    assert recomputes == [flow.vendor_id]


def test_ending_flows_from_the_admin_keeps_them(demo_data, client, reviewer):
    flow = DataFlowFactory()
    client.force_login(reviewer)
    url = reverse("admin:datamap_dataflow_changelist")
    response = client.post(url, {"action": "end_today", "_selected_action": [flow.pk]})
    assert response.status_code == 302
    assert DataFlow.objects.get(pk=flow.pk).ends_on is not None


def test_a_refused_subprocessor_row_shows_the_reason_and_writes_nothing(client, reviewer):
    vendor = VendorFactory(slug="pixel")
    foreign = VendorServiceFactory(vendor__slug="other")
    client.force_login(reviewer)
    data = {
        "display_name": vendor.display_name,
        "legal_name": vendor.legal_name,
        "slug": vendor.slug,
        "category": vendor.category,
        "website": vendor.website,
        "domains": "[]",
        "hq_country": "US",
        "description": "changed",
    }
    for prefix in ("services", "contracts", "documents", "contacts"):
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    data |= {
        "subprocessor_links-TOTAL_FORMS": "1",
        "subprocessor_links-INITIAL_FORMS": "0",
        "subprocessor_links-0-subprocessor": foreign.vendor_id,
        "subprocessor_links-0-services": [foreign.pk],
        "subprocessor_links-0-purpose": "Hosting",
    }
    response = client.post(reverse("admin:vendors_vendor_change", args=[vendor.pk]), data)
    assert response.status_code == 200
    assert "Only this vendor&#x27;s own services can be supported" in response.content.decode()
    assert not Subprocessor.objects.exists()
    vendor.refresh_from_db()
    assert vendor.description == ""  # the vendor's own change was rolled back with the refused row


def test_documents_are_verified_by_the_admin_action_only(client, reviewer):
    document = DocumentFactory()
    client.force_login(reviewer)
    page = client.get(reverse("admin:vendors_document_change", args=[document.pk]))
    assert "verified_by" not in page.context["adminform"].form.fields
    url = reverse("admin:vendors_document_changelist")
    response = client.post(url, {"action": "verify", "_selected_action": [document.pk]})
    assert response.status_code == 302
    document = Document.objects.get(pk=document.pk)
    assert (document.verified_by, document.verified_on is not None) == (reviewer, True)
