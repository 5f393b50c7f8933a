"""The hot lists (vendors, data flows, incidents) are written from values() rows: the JSON must be exactly what the
full serializer writes, for every role, with nulls, nested rows and filters."""

import pytest

from apps.api.lean import lean_plan
from apps.datamap.api.views import DataFlowViewSet
from apps.incidents.api.views import IncidentViewSet
from apps.vendors.api.views import VendorViewSet

HOT_LISTS = {
    "/api/v1/vendors/": VendorViewSet,
    "/api/v1/data-flows/": DataFlowViewSet,
    "/api/v1/incidents/": IncidentViewSet,
}


def _both(client, url, params, viewset, monkeypatch):
    lean = client.get(url, params)
    monkeypatch.setattr(viewset, "lean_list", False)
    full = client.get(url, params)
    monkeypatch.setattr(viewset, "lean_list", True)
    assert lean.status_code == full.status_code == 200, lean.content
    return lean.json(), full.json()


@pytest.mark.parametrize("url", HOT_LISTS)
@pytest.mark.parametrize("params", [{}, {"page_size": 2, "page": 2}, {"data_category": "email-address"}])
def test_lean_list_writes_what_the_serializer_writes(api, reviewer, register, url, params, monkeypatch):
    from apps.vendors.models import Vendor

    Vendor.objects.filter(slug="vendor-1").update(owner=None, hq_country="", website="")  # nulls and blanks
    lean, full = _both(api(reviewer), url, params, HOT_LISTS[url], monkeypatch)
    assert lean == full
    if url != "/api/v1/incidents/" or "data_category" not in params:
        assert lean["results"], "the comparison must see rows"


def test_flows_nested_categories_keep_their_order_and_negative_answers(api, reviewer, register, monkeypatch):
    lean, full = _both(api(reviewer), "/api/v1/data-flows/", {}, DataFlowViewSet, monkeypatch)
    assert lean == full
    categories = lean["results"][0]["categories"]
    assert {row["sharing"] for row in categories} == {"shared", "not_shared"}


def test_procurement_still_reads_the_minimal_vendor(api, buyer, register, monkeypatch):
    lean, full = _both(api(buyer), "/api/v1/vendors/", {}, VendorViewSet, monkeypatch)
    assert lean == full
    assert set(lean["results"][0]) == {"slug", "display_name", "status"}


def test_a_serializer_with_a_method_field_gets_no_plan(db):
    from apps.vendors.api.serializers import DocumentSerializer
    from apps.vendors.models import Document

    assert lean_plan(DocumentSerializer(), Document) is None  # has_file is a method: the ordinary path serves it


def test_a_page_only_request_skips_the_filters_but_a_bad_filter_is_still_refused(api, reviewer, register):
    client = api(reviewer)
    assert client.get("/api/v1/vendors/", {"page_size": 2}).status_code == 200
    refused = client.get("/api/v1/vendors/", {"page_size": 2, "tier": "abc"})
    assert refused.status_code == 400 and "tier" in refused.json()
    only_tier = client.get("/api/v1/vendors/", {"tier": 1}).json()["results"]
    assert {row["tier"] for row in only_tier} == {1}
