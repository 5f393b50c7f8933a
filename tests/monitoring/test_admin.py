"""The vendor page shows the chain and the residual rating; signals are confirmed from the changelist."""

from apps.monitoring import services
from apps.monitoring.choices import SignalStatus
from apps.monitoring.feeds import FeedEntry
from apps.monitoring.models import Signal


def test_the_vendor_page_shows_its_fourth_parties_and_residual_risk(client, reviewer, chain):
    services.residual_risk_recompute()
    client.force_login(reviewer)
    page = client.get(f"/admin/vendors/vendor/{chain.acme.pk}/change/").content.decode()
    assert "acme → cloudco [IE]" in page and "cloudco → datacentre [DE]: nothing declared" in page
    assert "payment-card (not_shared)" in page
    assert "Tier 1 — critical (gap score 0)" in page and "no requirement assessed" in page


def test_signals_are_confirmed_in_bulk_from_the_admin(client, reviewer, chain):
    [signal] = services.signals_open(
        feed="news", entries=[FeedEntry(entry_id="1", title="t", domains=["cloudco.example"])]
    )
    client.force_login(reviewer)
    response = client.post(
        "/admin/monitoring/signal/", {"action": "confirm_selected", "_selected_action": [signal.pk]}, follow=True
    )
    assert response.status_code == 200
    signal.refresh_from_db()
    assert signal.status == SignalStatus.CONFIRMED and signal.incident.vendor == chain.cloud
    assert Signal.objects.count() == 1
