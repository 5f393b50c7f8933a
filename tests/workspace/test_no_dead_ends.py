"""No dead ends: no delete button where deletion is refused, a sign-in link where the API docs need one, and a 403
that says why."""

import pytest

from apps.incidents.models import Incident
from apps.vendors.models import Vendor


@pytest.mark.django_db
def test_vendor_and_incident_pages_offer_no_delete_button(client, reviewer, demo_data):
    client.force_login(reviewer)
    vendor, incident = Vendor.objects.get(slug="mixpanel"), Incident.objects.get(slug="mixpanel-2025-11")
    for path in (f"/admin/vendors/vendor/{vendor.pk}/change/", f"/admin/incidents/incident/{incident.pk}/change/"):
        page = client.get(path).content.decode()
        assert 'class="deletelink"' not in page, path
    assert client.get(f"/admin/vendors/vendor/{vendor.pk}/delete/").status_code == 403


@pytest.mark.django_db
def test_the_api_docs_signed_out_say_to_sign_in(client, reviewer):
    page = client.get("/api/docs/").content.decode()
    assert 'href="/accounts/login/?next=/api/docs/"' in page
    client.force_login(reviewer)
    assert "/accounts/login/" not in client.get("/api/docs/").content.decode()


@pytest.mark.django_db
def test_a_refusal_says_why(client, dashboard_user, db):
    client.force_login(dashboard_user)
    response = client.post("/vendors/nobody/offboard/")
    assert response.status_code == 403
    assert "Only a security reviewer may change the register." in response.content.decode()
