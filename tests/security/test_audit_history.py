"""The audit history: every change is kept with who and when, and the admin shows it but never writes through it."""

from django.urls import reverse

from apps.vendors.models import Vendor
from tests.factories.vendors import VendorFactory


def test_a_change_in_the_admin_is_kept_with_who_made_it(client, reviewer):
    vendor = VendorFactory(slug="acme", display_name="Acme")
    client.force_login(reviewer)
    page = client.get(reverse("admin:vendors_vendor_change", args=[vendor.pk]))
    assert page.status_code == 200
    vendor.display_name = "Acme Analytics"
    vendor._history_user = reviewer
    vendor.save()
    history = client.get(reverse("admin:vendors_vendor_history", args=[vendor.pk]))
    assert history.status_code == 200
    assert "reviewer" in history.content.decode()
    assert vendor.history.latest().history_user == reviewer


def test_an_old_version_can_be_viewed_but_not_reverted(client, reviewer):
    vendor = VendorFactory(slug="acme", display_name="Acme")
    first_version = vendor.history.earliest()
    vendor.display_name = "Acme Analytics"
    vendor.save()
    versions_before = vendor.history.count()
    client.force_login(reviewer)
    url = reverse("admin:vendors_vendor_simple_history", args=[vendor.pk, first_version.history_id])

    assert client.get(url).status_code == 200
    response = client.post(url, {"display_name": "Acme", "legal_name": vendor.legal_name, "slug": "acme"})
    assert response.status_code == 403
    vendor.refresh_from_db()
    assert vendor.display_name == "Acme Analytics"
    assert vendor.history.count() == versions_before
    assert Vendor.objects.count() == 1
