"""A 201 names the new row's API address in Location, never a field of the row (found by the fuzz test:
a system whose `url` held a newline answered 500, since DRF copies a body's `url` into Location)."""

from apps.datamap.models import System
from tests.api.test_vendors import NEW_VENDOR


def test_creating_a_system_with_any_url_text_points_location_at_the_system(api, reviewer):
    payload = {"slug": "console", "name": "Console", "url": "console.example\nsecond line"}
    response = api(reviewer).post("/api/v1/systems/", payload, format="json")
    assert response.status_code == 201, response.content
    system = System.objects.get(slug="console")
    assert response["Location"] == f"http://testserver/api/v1/systems/{system.pk}/"
    assert api(reviewer).get(response["Location"]).json()["slug"] == "console"


def test_a_created_vendor_is_located_by_slug(api, reviewer):
    response = api(reviewer).post("/api/v1/vendors/", NEW_VENDOR, format="json")
    assert response.status_code == 201
    assert response["Location"] == "http://testserver/api/v1/vendors/acme-analytics/"
