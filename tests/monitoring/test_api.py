"""Monitoring through the API: roles, bad input (400 naming the field), refusals (409), constant queries."""

import pytest

from apps.monitoring import services
from apps.monitoring.models import Signal, SubprocessorCategory
from apps.vendors.models import Subprocessor
from tests.factories.vendors import VendorFactory

from .test_feeds import HIBP


def test_exposure_through_the_chain(api, dashboard_user, chain):
    response = api(dashboard_user).get("/api/v1/subprocessors/datacentre/exposure/")
    assert response.status_code == 200
    body = response.json()
    assert body["vendors"] == ["acme"]
    assert body["paths"][0]["vendors"] == ["acme", "cloudco", "datacentre"]
    assert body["paths"][0]["flows"][0]["categories"] == ["email-address", "ip-address"]


def test_exposure_depth_out_of_bounds_is_a_400_naming_depth_and_an_unknown_slug_a_404(api, dashboard_user, chain):
    client = api(dashboard_user)
    response = client.get("/api/v1/subprocessors/datacentre/exposure/", {"depth": 50})
    assert response.status_code == 400 and "depth" in response.json()
    assert client.get("/api/v1/subprocessors/datacentre/exposure/", {"depth": "x"}).status_code == 400
    assert client.get("/api/v1/subprocessors/nobody/exposure/").status_code == 404


def test_procurement_cannot_read_the_chain(api, buyer, chain):
    assert api(buyer).get("/api/v1/subprocessors/datacentre/exposure/").status_code == 403
    assert api(buyer).get("/api/v1/vendors/acme/fourth-parties/").status_code == 403


def test_fourth_parties_of_a_vendor(api, dashboard_user, chain):
    body = api(dashboard_user).get("/api/v1/vendors/acme/fourth-parties/", {"depth": 1}).json()
    assert [e["subprocessor"] for e in body["edges"]] == ["cloudco"]
    assert body["truncated"] is True


def test_a_cycle_through_the_api_is_a_400_naming_the_subprocessor_with_nothing_written(api, reviewer, chain):
    before = Subprocessor.objects.count()
    response = api(reviewer).post(
        "/api/v1/subprocessors/", {"vendor": "datacentre", "subprocessor": "acme"}, format="json"
    )
    assert response.status_code == 400
    assert "cycle" in response.json()["subprocessor"][0]
    assert Subprocessor.objects.count() == before


def test_categories_passed_down_are_written_by_reviewers_only(api, reviewer, dashboard_user, chain):
    link = Subprocessor.objects.get(vendor=chain.cloud, subprocessor=chain.datacentre)
    payload = {"link": link.pk, "category": "ip-address", "sharing": "shared", "source": "questionnaire"}
    assert api(dashboard_user).post("/api/v1/subprocessor-categories/", payload, format="json").status_code == 403
    response = api(reviewer).post("/api/v1/subprocessor-categories/", payload, format="json")
    assert response.status_code == 201, response.json()
    bad = api(reviewer).post("/api/v1/subprocessor-categories/", {**payload, "source": "rumour"}, format="json")
    assert bad.status_code == 400 and "source" in bad.json()
    # Now datacentre's hop is declared: only IP addresses reach it, no longer assumed.
    body = api(reviewer).get("/api/v1/subprocessors/datacentre/exposure/").json()
    assert body["paths"][0]["flows"][0]["categories"] == ["ip-address"] and body["paths"][0]["assumed"] is False
    assert SubprocessorCategory.objects.filter(link=link).count() == 1


@pytest.fixture
def open_signal(chain, settings, feed_server):
    feed_server.routes["/breaches"] = (200, "application/json", HIBP, 0)
    settings.MONITORING_FEEDS = [{"key": "hibp", "adapter": "hibp", "url": feed_server.url("/breaches")}]
    services.feeds_fetch_due()
    return Signal.objects.get()


def test_signals_are_listed_and_confirmed_by_a_reviewer(api, reviewer, dashboard_user, open_signal):
    listed = api(dashboard_user).get("/api/v1/signals/", {"status": "open"}).json()["results"]
    assert [(s["vendor"], s["match_kind"]) for s in listed] == [("acme", "domain")]
    url = f"/api/v1/signals/{open_signal.pk}/confirm/"
    assert api(dashboard_user).post(url, {}, format="json").status_code == 403
    bad = api(reviewer).post(url, {"severity": "apocalyptic"}, format="json")
    assert bad.status_code == 400 and "severity" in bad.json()
    response = api(reviewer).post(url, {"severity": "medium"}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "confirmed" and response.json()["incident"]
    again = api(reviewer).post(url, {}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "signal_not_open"


def test_dismissing_through_the_api_needs_a_reason(api, reviewer, open_signal):
    url = f"/api/v1/signals/{open_signal.pk}/dismiss/"
    missing = api(reviewer).post(url, {}, format="json")
    assert missing.status_code == 400 and "reason" in missing.json()
    assert api(reviewer).post(url, {"reason": "Not our Acme."}, format="json").json()["status"] == "dismissed"


def test_signal_and_residual_lists_run_constant_queries(api, dashboard_user, chain, django_assert_max_num_queries):
    from apps.monitoring.feeds import FeedEntry
    from apps.monitoring.services import residual_risk_recompute, signals_open

    def grow(n):
        for i in range(n):
            VendorFactory(slug=f"grown-{n}-{i}", domains=[f"grown-{n}-{i}.example"], tier=2)
        signals_open(
            feed="x",
            entries=[FeedEntry(entry_id=f"e{n}-{i}", title="t", domains=[f"grown-{n}-{i}.example"]) for i in range(n)],
        )
        residual_risk_recompute()

    client = api(dashboard_user)
    for size in (2, 8):
        grow(size)
        with django_assert_max_num_queries(8):
            assert client.get("/api/v1/signals/").status_code == 200
        with django_assert_max_num_queries(8):
            assert client.get("/api/v1/residual-risks/").status_code == 200
