"""Vendor, contract and document endpoints: writes that validate, fields the workflow owns, history."""

import datetime

from apps.risk.models import TierChange
from apps.vendors.models import Contract, Vendor
from tests.factories.vendors import ContractFactory, VendorFactory

NEW_VENDOR = {
    "slug": "acme-analytics",
    "legal_name": "Acme Analytics Ltd",
    "display_name": "Acme Analytics",
    "category": "analytics",
    "hq_country": "ie",
    "owner": "reviewer",
}


def test_reviewer_creates_a_vendor_as_proposed_without_a_tier(api, reviewer):
    response = api(reviewer).post("/api/v1/vendors/", NEW_VENDOR, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "proposed"
    assert body["tier"] is None
    assert body["hq_country"] == "IE"
    vendor = Vendor.objects.get(slug="acme-analytics")
    assert vendor.owner == reviewer
    assert vendor.history.count() == 1
    assert vendor.history.get().history_user == reviewer  # the audit trail names who wrote through the API


def test_invalid_vendor_gives_400_naming_each_field_and_writes_nothing(api, reviewer):
    payload = {**NEW_VENDOR, "legal_name": "", "category": "astrology", "hq_country": "Ireland", "owner": "ghost"}
    response = api(reviewer).post("/api/v1/vendors/", payload, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"legal_name", "category", "hq_country", "owner"}
    assert not Vendor.objects.exists()


def test_duplicate_slug_is_400(api, reviewer):
    VendorFactory(slug="acme-analytics")
    response = api(reviewer).post("/api/v1/vendors/", NEW_VENDOR, format="json")
    assert response.status_code == 400
    assert "slug" in response.json()
    assert Vendor.objects.count() == 1


def test_status_and_tier_cannot_be_set_on_create(api, reviewer):
    response = api(reviewer).post("/api/v1/vendors/", {**NEW_VENDOR, "status": "active", "tier": 4}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"status", "tier"}
    assert not Vendor.objects.exists()


def test_patch_cannot_move_status_or_tier(api, reviewer):
    vendor = VendorFactory(slug="acme", status="proposed", tier=1)
    client = api(reviewer)
    for payload in ({"status": "active"}, {"tier": 4}, {"tier_override": 4, "tier_override_reason": "Because"}):
        response = client.patch("/api/v1/vendors/acme/", payload, format="json")
        assert response.status_code == 400
        assert set(response.json()) == set(payload)
    vendor.refresh_from_db()
    assert (vendor.status, vendor.tier, vendor.tier_override) == ("proposed", 1, None)


def test_put_of_what_get_returned_edits_the_other_fields(api, reviewer):
    VendorFactory(slug="acme", status="active", tier=2)
    client = api(reviewer)
    body = client.get("/api/v1/vendors/acme/").json()
    body["description"] = "Product analytics"
    response = client.put("/api/v1/vendors/acme/", body, format="json")
    assert response.status_code == 200, response.json()
    vendor = Vendor.objects.get(slug="acme")
    assert (vendor.description, vendor.status, vendor.tier) == ("Product analytics", "active", 2)


def test_contract_that_ends_before_it_starts_is_400_and_not_saved(api, reviewer):
    VendorFactory(slug="acme")
    payload = {"vendor": "acme", "reference": "msa", "starts_on": "2025-01-01", "ends_on": "2024-01-01"}
    response = api(reviewer).post("/api/v1/contracts/", payload, format="json")
    assert response.status_code == 400
    assert "ends_on" in response.json()
    assert not Contract.objects.exists()


def test_contract_created_and_filtered_by_vendor_slug_and_id(api, reviewer):
    acme = VendorFactory(slug="acme")
    ContractFactory(vendor=VendorFactory(slug="other"))
    payload = {"vendor": "acme", "reference": "msa", "starts_on": "2025-01-01", "breach_notification_hours": 72}
    assert api(reviewer).post("/api/v1/contracts/", payload, format="json").status_code == 201
    by_slug = api(reviewer).get("/api/v1/contracts/", {"vendor": "acme"}).json()
    by_id = api(reviewer).get("/api/v1/contracts/", {"vendor_id": acme.pk}).json()
    assert [c["reference"] for c in by_slug["results"]] == ["msa"] == [c["reference"] for c in by_id["results"]]


def test_tier_changes_are_cursor_paginated_newest_first(api, reviewer):
    vendor = VendorFactory(slug="acme")
    for tier in (4, 3, 2):
        TierChange.objects.create(vendor=vendor, to_tier=tier, cause="computed")
    client = api(reviewer)
    first = client.get("/api/v1/vendors/acme/tier-changes/", {"page_size": 2}).json()
    assert [row["to_tier"] for row in first["results"]] == [2, 3]
    assert "count" not in first  # no COUNT(*) over a table that only grows
    second = client.get(first["next"]).json()
    assert [row["to_tier"] for row in second["results"]] == [4]
    assert second["next"] is None


def test_page_size_defaults_to_50_and_is_capped(api, reviewer, monkeypatch):
    from apps.api.pagination import StandardPagination

    assert (StandardPagination.page_size, StandardPagination.max_page_size) == (50, 500)
    monkeypatch.setattr(StandardPagination, "max_page_size", 2)
    for i in range(3):
        VendorFactory(slug=f"acme-{i}")
    body = api(reviewer).get("/api/v1/vendors/", {"page_size": 100}).json()
    assert body["count"] == 3
    assert len(body["results"]) == 2


def test_document_shows_whether_a_file_is_attached_not_its_path(api, reviewer):
    from tests.factories.vendors import DocumentFactory

    DocumentFactory(vendor=VendorFactory(slug="acme"), expires_on=datetime.date(2026, 12, 31))
    row = api(reviewer).get("/api/v1/documents/", {"vendor": "acme"}).json()["results"][0]
    assert row["has_file"] is False
    assert "file" not in row
