"""Vendor services, subprocessors and evidence through the API: the vendors services, per role."""

import pytest

from apps.vendors.models import Document, Subprocessor, VendorService
from tests.factories.vendors import DocumentFactory, SubprocessorFactory, VendorFactory, VendorServiceFactory

pytestmark = pytest.mark.django_db


def test_reviewer_adds_lists_and_changes_a_vendor_service(api, reviewer):
    VendorFactory(slug="pixel")
    client = api(reviewer)
    body = {"slug": "analytics", "name": "Analytics", "production_access": True}
    response = client.post("/api/v1/vendors/pixel/services/", body, format="json")
    assert response.status_code == 201, response.json()
    service_id = response.json()["id"]
    assert [s["slug"] for s in client.get("/api/v1/vendors/pixel/services/").json()] == ["analytics"]
    response = client.patch(f"/api/v1/vendors/pixel/services/{service_id}/", {"name": "Web analytics"}, format="json")
    assert response.status_code == 200
    assert VendorService.objects.get(pk=service_id).name == "Web analytics"
    assert client.post("/api/v1/vendors/pixel/services/", body, format="json").status_code == 400


def test_a_service_of_another_vendor_is_404_under_this_vendor(api, reviewer):
    VendorFactory(slug="pixel")
    other = VendorServiceFactory(vendor__slug="other")
    assert api(reviewer).get(f"/api/v1/vendors/pixel/services/{other.pk}/").status_code == 404


@pytest.mark.parametrize("role", ["dashboard_user", "buyer"])
def test_other_roles_cannot_write_vendor_rows(api, request, role):
    user = request.getfixturevalue(role)
    service = VendorServiceFactory(vendor__slug="pixel")
    document = DocumentFactory(vendor=service.vendor)
    client = api(user)
    assert client.post("/api/v1/vendors/pixel/services/", {"slug": "s", "name": "S"}).status_code == 403
    assert client.patch(f"/api/v1/vendors/pixel/services/{service.pk}/", {"name": "X"}).status_code == 403
    assert client.post("/api/v1/subprocessors/", {"vendor": "pixel", "subprocessor": "pixel"}).status_code == 403
    assert client.post(f"/api/v1/documents/{document.pk}/verify/").status_code == 403
    assert VendorService.objects.count() == 1 and not Subprocessor.objects.exists()


def test_subprocessor_crud_through_the_service(api, reviewer):
    service = VendorServiceFactory(vendor__slug="pixel")
    VendorFactory(slug="cloud")
    client = api(reviewer)
    body = {"vendor": "pixel", "subprocessor": "cloud", "services": [service.pk], "purpose": "Hosting"}
    response = client.post("/api/v1/subprocessors/", body, format="json")
    assert response.status_code == 201, response.json()
    link_id = response.json()["id"]
    assert client.get(f"/api/v1/subprocessors/{link_id}/").json()["services"] == [service.pk]
    response = client.patch(f"/api/v1/subprocessors/{link_id}/", {"country": "IE"}, format="json")
    assert (response.status_code, response.json()["country"]) == (200, "IE")
    assert client.patch(f"/api/v1/subprocessors/{link_id}/", {"subprocessor": "pixel"}).status_code == 400
    assert client.delete(f"/api/v1/subprocessors/{link_id}/").status_code == 204
    assert not Subprocessor.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"vendor": "pixel", "subprocessor": "pixel"}, "subprocessor"),
        ({"vendor": "pixel", "subprocessor": "cloud", "services": "foreign"}, "services"),
        ({"vendor": "pixel", "subprocessor": "nobody"}, "subprocessor"),
    ],
)
def test_bad_subprocessor_is_400_naming_the_field_and_writes_nothing(api, reviewer, body, field):
    VendorFactory(slug="pixel")
    foreign = VendorServiceFactory(vendor__slug="cloud")
    if body.get("services") == "foreign":
        body = {**body, "services": [foreign.pk]}
    response = api(reviewer).post("/api/v1/subprocessors/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Subprocessor.objects.exists()


def test_a_subprocessor_recorded_twice_is_400(api, reviewer):
    link = SubprocessorFactory(vendor__slug="pixel", subprocessor__slug="cloud")
    response = api(reviewer).post("/api/v1/subprocessors/", {"vendor": "pixel", "subprocessor": "cloud"})
    assert response.status_code == 400
    assert "subprocessor" in response.json()
    assert Subprocessor.objects.get() == link


def test_document_verification_is_an_action_not_input(api, reviewer):
    vendor = VendorFactory(slug="pixel")
    client = api(reviewer)
    body = {"vendor": "pixel", "kind": "soc2_type2", "title": "SOC 2", "verified_by": "reviewer"}
    response = client.post("/api/v1/documents/", body, format="json")
    assert response.status_code == 400
    assert "verified_by" in response.json()
    del body["verified_by"]
    response = client.post("/api/v1/documents/", body, format="json")
    assert response.status_code == 201, response.json()
    document = Document.objects.get(vendor=vendor)
    response = client.post(f"/api/v1/documents/{document.pk}/verify/")
    assert (response.status_code, response.json()["verified_by"]) == (200, "reviewer")
    # Changing what was verified makes it unverified again.
    response = client.patch(f"/api/v1/documents/{document.pk}/", {"expires_on": "2027-01-01"}, format="json")
    assert (response.status_code, response.json()["verified_by"]) == (200, None)


def test_a_contract_cannot_move_to_another_vendor(api, reviewer):
    from tests.factories.vendors import ContractFactory

    contract = ContractFactory(vendor__slug="pixel")
    VendorFactory(slug="other")
    response = api(reviewer).patch(f"/api/v1/contracts/{contract.pk}/", {"vendor": "other"}, format="json")
    assert response.status_code == 400
    assert "vendor" in response.json()
